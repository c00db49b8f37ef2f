/**
 * Cache keys end to end, through the real `nx` CLI: what `nx show target inputs` lists for a
 * build target, and whether `nx run` replays it from the cache after one change. Every change
 * below is one a user makes; a miss must rebuild with the change in the binary, a hit must not
 * run `go` at all.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  copyModule,
  describeRun,
  expectSuccess,
  goWorkUse,
  nx,
  nxEnv,
  nxTaskFromCache,
  realGo,
  requireTool,
  run,
  RunOptions,
  showProject,
  targetInputs,
  uniqueName,
  workspaceRoot,
  writeFile,
} from './utils';
import { haveTools, itIf } from '../plugin/src/test-utils/gates';



/** Runs the target; true when Nx replayed it from the cache. */
function build(id: string, opts: RunOptions = {}): boolean {
  const r = nx(['run', id, '--outputStyle=stream'], opts);
  if (r.code !== 0) throw new Error(describeRun(`nx run ${id}`, r));
  return nxTaskFromCache(r.output, id);
}

/** Names of the npm nodes of Nx's project graph, from Nx's own API. */
function externalNodes(): string[] {
  const script =
    "require('nx/src/project-graph/project-graph').createProjectGraphAsync({ exitOnError: true })" +
    '.then((g) => console.log(JSON.stringify(Object.keys(g.externalNodes ?? {}))))';
  const r = expectSuccess('project graph', run(process.execPath, ['-e', script], { cwd: workspaceRoot(), env: nxEnv() }));
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
}

/** A new Go module in the shared workspace (added to go.work); returns its project root. */
function newModule(name: string, files: Record<string, string>): string {
  const ws = workspaceRoot();
  const root = `apps/${name}`;
  writeFile(path.join(ws, root, 'go.mod'), `module gocross.example/${root}\n\ngo 1.22\n`);
  for (const [f, c] of Object.entries(files)) writeFile(path.join(ws, root, f), c);
  goWorkUse(root, ws);
  return root;
}

const MAIN_EMBED = `package main

import (
\t"embed"
\t"fmt"
)

//go:embed static
var static embed.FS

//go:embed all:conf/_defaults.txt
var defaults string

func main() {
\tb, _ := static.ReadFile("static/index.html")
\tfmt.Print(string(b), defaults)
}
`;

describe('cache inputs of build targets', () => {
  it('an embedded file is an input: editing it is a miss and the new content ships; a README nothing embeds is not', () => {
    const ws = workspaceRoot();
    const name = uniqueName('embed');
    const root = newModule(name, {
      'main.go': MAIN_EMBED,
      'static/index.html': '<h1>v1</h1>\n',
      'static/img/logo_windows.svg': '<svg/>\n',
      'conf/_defaults.txt': 'defaults-v1\n',
      'README.md': 'not embedded\n',
    });
    const id = `${name}:build-linux-arm64`;
    const inputs = targetInputs(id);
    expect(inputs.files).toEqual(
      expect.arrayContaining([`${root}/static/index.html`, `${root}/static/img/logo_windows.svg`, `${root}/conf/_defaults.txt`, 'go.work']),
    );
    expect(inputs.files).not.toContain(`${root}/README.md`);

    build(id);
    expect(build(id)).toBe(true);
    const bin = path.join(ws, 'dist', root, 'linux-arm64', name);
    expect(fs.readFileSync(bin).includes('<h1>v1</h1>')).toBe(true);

    writeFile(path.join(ws, root, 'README.md'), 'still not embedded\n');
    expect(build(id)).toBe(true);

    writeFile(path.join(ws, root, 'static/index.html'), '<h1>v2</h1>\n');
    expect(build(id)).toBe(false);
    expect(fs.readFileSync(bin).includes('<h1>v2</h1>')).toBe(true);
    expect(build(id)).toBe(true);

    writeFile(path.join(ws, root, 'conf/_defaults.txt'), 'defaults-v2\n');
    expect(build(id)).toBe(false);
    expect(fs.readFileSync(bin).includes('defaults-v2')).toBe(true);
  });

  it('go.work is an input: editing its go line is a miss', () => {
    const ws = workspaceRoot();
    const name = uniqueName('work');
    newModule(name, { 'main.go': 'package main\n\nfunc main() {}\n' });
    const id = `${name}:build-linux-amd64`;
    expect(targetInputs(id).files).toContain('go.work');
    build(id);
    expect(build(id)).toBe(true);
    const file = path.join(ws, 'go.work');
    const before = fs.readFileSync(file, 'utf8');
    const m = /^go (\d+\.\d+)(\.\d+)?$/m.exec(before);
    expect(m).not.toBeNull();
    try {
      writeFile(file, before.replace(/^go .*$/m, `go ${m![1]}${m![2] ? '' : '.0'}`));
      expect(build(id)).toBe(false);
    } finally {
      writeFile(file, before);
    }
  });

  it('GOFLAGS written with `go env -w` (the GOENV file, not the environment) is in the key', () => {
    const name = uniqueName('goenv');
    newModule(name, { 'main.go': 'package main\n\nfunc main() {}\n' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-goenv-'));
    const env = { env: { GOENV: path.join(dir, 'env'), GOFLAGS: undefined } };
    const id = `${name}:build-linux-amd64`;
    build(id, env);
    expect(build(id, env)).toBe(true);
    expectSuccess('go env -w', run(realGo(), ['env', '-w', 'GOFLAGS=-tags=gocross_e2e'], { env: env.env }));
    expect(build(id, env)).toBe(false);
    expect(build(id, env)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  itIf(haveTools('aarch64-linux-gnu-gcc'))('the C compiler of a cgo target is an input by identity: a compiler whose --version changes is a miss', () => {
    const gcc = requireTool('aarch64-linux-gnu-gcc', 'build the cgo example for linux/arm64');
    const ws = workspaceRoot();
    const name = uniqueName('cgo-cc');
    const root = copyModule('apps/cgo-hello', `apps/${name}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cc-'));
    const version = path.join(dir, 'version');
    const cc = path.join(dir, 'cross-cc');
    fs.writeFileSync(version, 'cross-cc (Debian 12.2.0-14) 12.2.0\n');
    fs.writeFileSync(cc, `#!/bin/sh\nif [ "$1" = "--version" ] && [ $# -eq 1 ]; then cat '${version}'; exit 0; fi\nexec '${gcc}' "$@"\n`, { mode: 0o755 });
    const env = { env: { CC_FOR_linux_arm64: cc } };
    const id = `${name}:build-linux-arm64`;
    expect(showProject(name).targets['build-linux-arm64'].options).toMatchObject({ cgo: true });
    const runtime = targetInputs(id, env).runtime ?? [];
    expect(runtime.some((r) => r.includes('cc-identity') && r.includes('linux/arm64'))).toBe(true);
    build(id, env);
    expect(build(id, env)).toBe(true);
    fs.writeFileSync(version, 'cross-cc (Debian 12.2.0-15) 12.2.1\n');
    expect(build(id, env)).toBe(false);
    expect(build(id, env)).toBe(true);
    expect(fs.existsSync(path.join(ws, 'dist', root, 'linux-arm64-cgo'))).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('npm packages other than @gocross/nx (and what it depends on) are not in the key: a lockfile change is a hit', () => {
    const ws = workspaceRoot();
    const name = uniqueName('npm');
    newModule(name, { 'main.go': 'package main\n\nfunc main() {}\n' });
    const id = `${name}:build-linux-amd64`;
    const external = targetInputs(id).external ?? [];
    expect(external).toContain('npm:@gocross/nx');
    build(id);
    expect(build(id)).toBe(true);
    const lockFile = path.join(ws, 'package-lock.json');
    const pkgFile = path.join(ws, 'package.json');
    const lockBefore = fs.readFileSync(lockFile, 'utf8');
    const pkgBefore = fs.readFileSync(pkgFile, 'utf8');
    try {
      // An unrelated package appears in the lockfile (an entry like the one `npm install left-pad` writes).
      const lock = JSON.parse(lockBefore);
      lock.packages['node_modules/left-pad'] = {
        version: '1.3.0',
        resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
        dev: true,
        license: 'WTFPL',
      };
      lock.packages[''].devDependencies['left-pad'] = '1.3.0';
      const pkg = JSON.parse(pkgBefore);
      pkg.devDependencies['left-pad'] = '1.3.0';
      writeFile(lockFile, JSON.stringify(lock, null, 2) + '\n');
      writeFile(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
      // Nx sees the new package (so the test means something) but does not hash it into the build.
      expect(externalNodes()).toContain('npm:left-pad');
      expect(targetInputs(id).external ?? []).not.toContain('npm:left-pad');
      expect(build(id)).toBe(true);
    } finally {
      writeFile(lockFile, lockBefore);
      writeFile(pkgFile, pkgBefore);
    }
  });
});

describe('main packages', () => {
  it('a main behind a tag nobody sets is not built; gocross.json mains and exclude choose the others', () => {
    const ws = workspaceRoot();
    const name = uniqueName('mains');
    const main = 'package main\n\nfunc main() {}\n';
    const root = newModule(name, {
      'lib.go': 'package lib\n',
      'cmd/a/main.go': main,
      'cmd/b/main.go': main,
      'cmd/c/main_windows.go': main,
      'internal/gen/main.go': `//go:build generate\n\n${main}`,
      'tools.go': '//go:build tools\n\npackage tools\n',
    });
    // the binaries built (each has its build manifest beside it)
    const built = (slug: string): string[] => fs.readdirSync(path.join(ws, 'dist', root, slug)).filter((f) => !f.endsWith('.intoto.json')).sort();

    expect(showProject(name).targets['build-linux-amd64'].options).toMatchObject({ main: ['./cmd/a', './cmd/b'] });
    build(`${name}:build-linux-amd64`);
    expect(built('linux-amd64')).toEqual(['a', 'b']);
    build(`${name}:build-windows-amd64`);
    expect(built('windows-amd64')).toEqual(['a.exe', 'b.exe', 'c.exe']);

    writeFile(path.join(ws, root, 'gocross.json'), JSON.stringify({ mains: ['cmd/*'], exclude: ['./cmd/b'] }));
    fs.rmSync(path.join(ws, 'dist', root), { recursive: true, force: true });
    build(`${name}:build-linux-amd64`);
    expect(built('linux-amd64')).toEqual(['a']);
    build(`${name}:build-windows-amd64`);
    expect(built('windows-amd64')).toEqual(['a.exe', 'c.exe']);
  });

  it('a mains entry that matches nothing is one clear error naming gocross.json, and the file is left as written', () => {
    const ws = workspaceRoot();
    const name = uniqueName('badmains');
    const root = newModule(name, { 'cmd/a/main.go': 'package main\n\nfunc main() {}\n' });
    const file = path.join(ws, root, 'gocross.json');
    const text = JSON.stringify({ mains: ['cmd/nope'] });
    writeFile(file, text);
    try {
      const r = nx(['show', 'projects']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`${root}/go.mod`);
      expect(r.output).toContain(`${root}/gocross.json:1:11: "mains" entry "cmd/nope" matches no main package (main packages found: cmd/a)`);
      expect(r.output.split(`"cmd/nope"`).length - 1).toBe(1);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
    } finally {
      fs.rmSync(file);
    }
    expectSuccess('nx show projects', nx(['show', 'projects']));
  });
});
