/**
 * The version, defined once (graph/version.ts), against a real repository: what the release
 * executor labels a release with, what `{version}` resolves to in a build, and what the runtime
 * inputs of both targets print when Nx runs them (`sh -c` at the workspace root) are the same
 * text, clean and with an untracked Go file of a workspace module.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolvePlaceholders } from '../../graph/placeholders';
import { resolveProjectOptions } from '../../graph/options';
import { inferTargets } from '../../graph/targets';
import { gitVersion } from '../../graph/version';
import { writeTree } from '../../release/test-utils/go';
import { versionAndTime } from './executor';

const GIT_ENV = { ...process.env, GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z', GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z', GIT_CONFIG_NOSYSTEM: '1', HOME: os.tmpdir() };

describe('the version of a release and of {version}', () => {
  let ws: string;
  let script: string;
  const g = (...a: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', ...a], { cwd: ws, encoding: 'utf8', env: GIT_ENV }).trim();
  const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { cwd: ws, encoding: 'utf8' }).trim();
  const runtimes = (inputs: unknown[] | undefined) => (inputs ?? []).flatMap((i) => (typeof i === 'object' && i && 'runtime' in i ? [(i as { runtime: string }).runtime] : []));

  beforeAll(() => {
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-version-')));
    const files: Record<string, string> = {
      '.gitignore': 'dist\n',
      'go.work': 'go 1.22\n\nuse (\n\t./apps/devcli\n\t./libs/greet\n)\n',
      'libs/greet/go.mod': 'module example.com/greet\n\ngo 1.22\n',
      'libs/greet/greet.go': 'package greet\n\nfunc Hi() string { return "hi" }\n',
      'apps/devcli/go.mod': 'module example.com/devcli\n\ngo 1.22\n\nrequire example.com/greet v0.0.0\n',
      'apps/devcli/main.go': 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Hi()) }\n',
    };
    writeTree(ws, files);
    g('init', '-q', '-b', 'main');
    g('add', '-A');
    g('commit', '-qm', 'one');
    g('tag', 'v0.1.0');
    // The runtime input runs graph/version.js as the package ships it: here version.ts bundled,
    // at a path relative to the workspace root as create-nodes.ts computes it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('esbuild').buildSync({ entryPoints: [path.join(__dirname, '../../graph/version.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: path.join(ws, 'tools/version.js'), logLevel: 'error' });
    fs.appendFileSync(path.join(ws, '.gitignore'), 'tools\n');
    g('add', '.gitignore');
    g('commit', '-qm', 'ignore tools');
    g('tag', '-f', 'v0.1.0');
    script = 'tools/version.js';
  }, 60_000);
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  /** The version each place computes: the executors (release, {version}) and the runtime inputs Nx hashes. */
  function everyVersion() {
    const opts = resolveProjectOptions({ platforms: ['linux/amd64'] }, { ldflags: '-X main.version={version} -X main.commit={commit}' }, 'apps/devcli/gocross.json');
    const { targets } = inferTargets(opts, ['.'], { goos: 'linux', goarch: 'amd64' }, opts.platforms, { versionScript: script });
    const releaseInput = runtimes(targets.release.inputs).find((r) => r.includes('version.js'));
    const buildInput = runtimes(targets['build-linux-amd64'].inputs).find((r) => r.includes('version.js'));
    const resolved = resolvePlaceholders({ ldflags: '-X main.version={version} -X main.commit={commit}' }, path.join(ws, 'apps/devcli'));
    if (!resolved.ok) throw new Error(resolved.message);
    return {
      release: versionAndTime({}, {}, ws).version,
      placeholder: resolved.values.version,
      releaseInput: sh(releaseInput ?? 'false'),
      buildInput: sh(buildInput ?? 'false'),
      placeholderValues: [resolved.values.version, resolved.values.commit].join('\n'),
    };
  }

  const expectAll = (version: string) => {
    const v = everyVersion();
    expect({ release: v.release, placeholder: v.placeholder, releaseInput: v.releaseInput }).toEqual({ release: version, placeholder: version, releaseInput: version });
    expect(v.buildInput).toBe(v.placeholderValues);
  };

  it('clean at the tag: v0.1.0 everywhere; ignored files do not count', () => {
    fs.mkdirSync(path.join(ws, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'dist/devcli'), 'binary');
    expectAll('v0.1.0');
  });

  it('an untracked Go file of a workspace module: v0.1.0-dirty everywhere, the runtime inputs included', () => {
    fs.writeFileSync(path.join(ws, 'libs/greet/extra.go'), 'package greet\n\nfunc Extra() {}\n');
    expectAll('v0.1.0-dirty');
    // From a subdirectory too: the whole repository counts.
    expect(gitVersion(path.join(ws, 'apps/devcli'))).toEqual({ ok: true, out: 'v0.1.0-dirty' });
  });

  it('after git clean: v0.1.0 again; after a commit of the file: the describe of the new commit, not dirty', () => {
    g('clean', '-fdq', '--', 'libs');
    expectAll('v0.1.0');
    fs.writeFileSync(path.join(ws, 'libs/greet/extra.go'), 'package greet\n\nfunc Extra() {}\n');
    g('add', 'libs/greet/extra.go');
    g('commit', '-qm', 'extra');
    const v = everyVersion().release;
    expect(v).toMatch(/^v0\.1\.0-1-g[0-9a-f]+$/);
    expectAll(v);
  });

  it('a changed tracked file is dirty as before', () => {
    fs.appendFileSync(path.join(ws, 'apps/devcli/main.go'), '// changed\n');
    expect(everyVersion().release).toMatch(/^v0\.1\.0-1-g[0-9a-f]+-dirty$/);
    g('checkout', '--', 'apps/devcli/main.go');
  });
});
