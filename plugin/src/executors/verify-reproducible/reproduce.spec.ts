import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBuild, type BuildLogger } from '../build/executor';
import type { BuildExecutorSchema } from '../build/schema';
import { localReplaceDirs, porcelainV2Paths, verifyReproducible, type ReproduceResult } from './reproduce';
import { writeTree } from '../../release/test-utils/go';
import { diagnose, sampleAt } from './diagnose';

jest.setTimeout(600_000);

const host = { goos: 'linux', goarch: process.arch === 'arm64' ? 'arm64' : 'amd64' };
const dirs: string[] = [];
const mk = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const lines: string[] = [];
/** No go.work from above the temp dir (another run may leave one in it). */
const env = { ...process.env, GOWORK: 'off' };
const logger: BuildLogger = { info: (m) => void lines.push(m), error: (m) => void lines.push(m) };
/** One GOCACHE for the second builds of these tests (the executor's default, an empty one, is what the e2e test runs). */
let cache: string;

function gitRepo(): string {
  const ws = mk('gocross-repro-ws-');
  const g = (...a: string[]) => execFileSync('git', a, { cwd: ws, encoding: 'utf8' });
  fs.mkdirSync(path.join(ws, 'apps/hello'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'apps/hello/go.mod'), 'module example.com/hello\n\ngo 1.22\n');
  fs.writeFileSync(path.join(ws, 'apps/hello/main.go'), 'package main\n\nimport "fmt"\n\nvar t = "unset"\n\nfunc main() { fmt.Println("hello", t) }\n');
  fs.writeFileSync(path.join(ws, 'apps/hello/README.md'), '# hello\n');
  fs.writeFileSync(path.join(ws, '.gitignore'), 'dist/\n');
  g('init', '-q');
  g('add', '.');
  g('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'one');
  return ws;
}

async function check(ws: string, options: Partial<BuildExecutorSchema>, extra: { useExisting?: boolean } = {}): Promise<ReproduceResult> {
  lines.length = 0;
  return verifyReproducible({ workspaceRoot: ws, projectRoot: 'apps/hello', options: { ...host, ...options }, logger, secondGocache: cache, env, ...extra });
}

const kinds = (r: ReproduceResult) => r.artifacts.flatMap((a) => a.causes.map((c) => c.kind));
const messages = (r: ReproduceResult) => r.artifacts.flatMap((a) => a.causes.map((c) => c.message)).join('\n');

describe('verify-reproducible', () => {
  beforeAll(() => {
    cache = mk('gocross-repro-cache-');
  });

  it('a default build (trimpath, reproducible) is identical when rebuilt from a clone at another path', async () => {
    const ws = gitRepo();
    const r = await check(ws, {});
    expect(r.error).toBeUndefined();
    expect(r.checkout?.method).toBe('git-clone');
    expect(r.artifacts).toHaveLength(1);
    expect(r.artifacts[0]).toMatchObject({ file: `dist/apps/hello/linux-${host.goarch}/hello`, identical: true });
    expect(r.artifacts[0].sha256First).toMatch(/^[0-9a-f]{64}$/);
    expect(r.success).toBe(true);
    expect(r.checkout && fs.existsSync(r.checkout.dir)).toBe(false);
  });

  it('trimpath: false is named as paths, with the source directory each binary holds', async () => {
    const ws = gitRepo();
    const r = await check(ws, { trimpath: false });
    expect(r.success).toBe(false);
    expect(kinds(r)).toContain('paths');
    const m = messages(r);
    expect(m).toContain(`the first holds its source path ${fs.realpathSync(ws)}/apps/hello`);
    expect(m).toContain(`the second holds ${r.checkout!.dir}/apps/hello`);
    expect(m).toMatch(/in [^)]*\.gopclntab/);
  });

  it('-X main.t=<time> that changed between two builds is named as data, in the section that holds it', async () => {
    // The executor rebuilds an artifact whose manifest records other options (see below), so the
    // diagnosis of two builds whose time stamp differed is checked on two real builds directly.
    const ws = fs.realpathSync(gitRepo());
    const build = async (t: string, outputDir: string) => {
      const r = await runBuild({ ...host, ldflags: `-X main.t=${t}`, outputDir }, { workspaceRoot: ws, projectRoot: 'apps/hello', env }, { logger });
      expect(r.success).toBe(true);
      return r.artifacts[0];
    };
    const a = await build('2026-11-28T10:00:00Z', 'dist/a');
    const b = await build('2026-11-28T10:00:05Z', 'dist/b');
    const causes = diagnose(a, b, { first: [ws], second: [ws] });
    expect(causes.map((c) => c.kind)).toEqual(['sections']);
    expect(causes[0].message).toMatch(/^differs in data: \.rodata \(\d+ bytes; at \+0x[0-9a-f]+: "[^"]*2026-11-28T10:00:00Z[^"]*" vs "[^"]*2026-11-28T10:00:05Z[^"]*"\)$/);
  });

  it('-buildvcs=true from a dirty tree vs the clean HEAD is named as vcs stamps', async () => {
    const ws = gitRepo();
    fs.writeFileSync(path.join(ws, 'apps/hello/NOTES.txt'), 'untracked\n');
    fs.appendFileSync(path.join(ws, 'apps/hello/README.md'), 'changed\n');
    const r = await check(ws, { args: ['-buildvcs=true'] });
    expect(r.success).toBe(false);
    expect(lines.join('\n')).toContain('note: apps/hello or what its build reads (go.work, its modules, local replaces) has uncommitted changes; the second checkout is HEAD without them (2 paths: apps/hello/README.md, apps/hello/NOTES.txt)');
    expect(kinds(r)[0]).toBe('vcs');
    expect(messages(r)).toContain('vcs stamps differ');
    expect(messages(r)).toContain('vcs.modified true vs false');
    expect(kinds(r)).not.toContain('paths');
  });

  it('an untracked Go file in a go.work module the project imports: the not-reproducible verdict names it', async () => {
    const ws = gitRepo();
    const files: Record<string, string> = {
      'go.work': 'go 1.22\n\nuse (\n\t./apps/hello\n\t./libs/greet\n)\n',
      'libs/greet/go.mod': 'module example.com/greet\n\ngo 1.22\n',
      'libs/greet/greet.go': 'package greet\n\nfunc Hi() string { return "hi" }\n',
      'apps/hello/main.go': 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Hi()) }\n',
    };
    writeTree(ws, files);
    const g = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...a], { cwd: ws, encoding: 'utf8' });
    g('add', '-A');
    g('commit', '-qm', 'greet');
    fs.writeFileSync(path.join(ws, 'libs/greet/extra.go'), 'package greet\n\nfunc init() { println("extra") }\n');
    lines.length = 0;
    const r = await verifyReproducible({ workspaceRoot: ws, projectRoot: 'apps/hello', options: { ...host }, logger, secondGocache: cache, env: { ...process.env, GOWORK: path.join(fs.realpathSync(ws), 'go.work') } });
    expect(r.error).toBeUndefined();
    expect(r.success).toBe(false);
    const note = 'note: apps/hello or what its build reads (go.work, its modules, local replaces) has uncommitted changes; the second checkout is HEAD without them (1 path: libs/greet/extra.go)';
    expect(lines).toContain(note);
    // Under the verdict too, where the reader looks for why.
    expect(lines.slice(lines.findIndex((l) => l.includes('is not reproducible')))).toContain(`  - ${note}`);
  });

  it('outside git: a copy of the module and its local replace, identical', async () => {
    const ws = mk('gocross-repro-nogit-');
    fs.mkdirSync(path.join(ws, 'apps/hello'), { recursive: true });
    fs.mkdirSync(path.join(ws, 'libs/greet'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'libs/greet/go.mod'), 'module example.com/greet\n\ngo 1.22\n');
    fs.writeFileSync(path.join(ws, 'libs/greet/greet.go'), 'package greet\n\nfunc Hi() string { return "hi" }\n');
    fs.writeFileSync(path.join(ws, 'apps/hello/go.mod'), 'module example.com/hello\n\ngo 1.22\n\nrequire example.com/greet v0.0.0\n\nreplace example.com/greet => ../../libs/greet\n');
    fs.writeFileSync(path.join(ws, 'apps/hello/main.go'), 'package main\n\nimport (\n\t"fmt"\n\t"example.com/greet"\n)\n\nfunc main() { fmt.Println(greet.Hi()) }\n');
    const r = await check(ws, {});
    expect(r.error).toBeUndefined();
    expect(r.checkout?.method).toBe('copy');
    expect(r.success).toBe(true);
  });

  it('takes the artifact in dist only when its manifest records the same options', async () => {
    const ws = gitRepo();
    const first = await runBuild({ ...host }, { workspaceRoot: fs.realpathSync(ws), projectRoot: 'apps/hello', env }, { logger });
    expect(first.success).toBe(true);
    const same = await check(ws, {}, { useExisting: true });
    expect(same.success).toBe(true);
    expect(lines.join('\n')).toContain('comparing with the artifacts in dist/apps/hello/');
    const other = await check(ws, { trimpath: false }, { useExisting: true });
    expect(lines.join('\n')).toContain('records other options (or is missing): building it again first');
    // Both builds without -trimpath: each holds its own path.
    expect(messages(other)).toContain(`the first holds its source path ${fs.realpathSync(ws)}/apps/hello`);
  });

  it("uses the workspace's go.work in the second checkout too, copied there when it is not committed", async () => {
    const ws = gitRepo();
    fs.writeFileSync(path.join(ws, 'go.work'), 'go 1.22\n\nuse ./apps/hello\n');
    const { GOWORK: _unset, ...noGowork } = process.env;
    lines.length = 0;
    // The kept checkout goes into a directory of this test's own, removed with the others in afterAll.
    const tmpRoot = mk('gocross-repro-kept-');
    const r = await verifyReproducible({ workspaceRoot: ws, projectRoot: 'apps/hello', options: { ...host }, logger, secondGocache: cache, env: noGowork, keepCheckout: true, tmpRoot });
    expect(r.success).toBe(true);
    const second = r.checkout!.dir;
    expect(second.startsWith(fs.realpathSync(tmpRoot) + path.sep) || second.startsWith(tmpRoot + path.sep)).toBe(true);
    expect(fs.readFileSync(path.join(second, 'go.work'), 'utf8')).toBe('go 1.22\n\nuse ./apps/hello\n');
  });

  it('refuses a library build', async () => {
    const r = await check(mk('gocross-repro-lib-'), { compileOnly: true });
    expect(r).toMatchObject({ success: false, error: 'verify-reproducible compares artifacts: a library build (compileOnly) writes none' });
  });
});

describe('helpers', () => {
  it('finds local replaces, single and in blocks, not module ones', () => {
    const mod = 'module a\n\nreplace x => ../x\nreplace (\n\ty v1.0.0 => ./third_party/y // local\n\tz => example.com/z v1.2.0\n)\n';
    expect(localReplaceDirs(mod, '/w/apps/a')).toEqual(['/w/apps/x', '/w/apps/a/third_party/y']);
  });

  it("names every changed path as git status lists it: modified, untracked, renamed, with spaces (no first letter lost)", () => {
    const ws = gitRepo();
    const g = (...a: string[]) => execFileSync('git', a, { cwd: path.join(ws, 'apps/hello'), encoding: 'utf8' });
    fs.appendFileSync(path.join(ws, 'apps/hello/main.go'), '// changed\n');
    fs.writeFileSync(path.join(ws, 'apps/hello/new notes.txt'), 'untracked\n');
    g('mv', 'go.mod', 'go.mod.old');
    // As git itself prints them, in its own order.
    const out = execFileSync('git', ['status', '--porcelain=v2', '--', 'apps/hello'], { cwd: ws, encoding: 'utf8' }).trim();
    expect(porcelainV2Paths(out).sort()).toEqual(['apps/hello/go.mod.old', 'apps/hello/main.go', 'apps/hello/new notes.txt']);
    // The v1 listing of the same tree, for comparison: the first line starts with a space.
    expect(g('status', '--porcelain', '--', '.')).toMatch(/^ ?[MR?]/);
  });

  it('samples the printable text around an offset, else hex', () => {
    const b = Buffer.concat([Buffer.from([0, 1]), Buffer.from('main.t=2026'), Buffer.from([0, 0xff, 0xfe])]);
    expect(sampleAt(b, 5)).toBe('"main.t=2026"');
    expect(sampleAt(b, 14)).toBe('ff fe'.replace(' ', ''));
  });
});
