/**
 * `nx g @gocross/nx:build-tags` end to end, judged by `go list` / `go build`: a per-platform file
 * set where every GOOS compiles exactly one variant, and `--migrate` turning `// +build` lines
 * into `//go:build` lines that go accepts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyModule, describeRun, expectSuccess, nx, realGo, run, uniqueName, workspaceRoot, writeFile } from './utils';

describe('build-tags generator', () => {
  let ws: string;
  let project: string;
  let root: string;
  const go = (args: string[], env: Record<string, string | undefined> = {}) =>
    run(realGo(), args, {
      cwd: path.join(ws, root),
      env: { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0', ...env },
    });

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('hello-tags');
    root = copyModule('apps/hello', `apps/${project}`);
    // The project.json the application generator writes (name only; targets stay inferred).
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, tags: [] }, null, 2) + '\n');
  });

  test('per-GOOS set: every platform compiles exactly one variant of the set', () => {
    const r = nx([
      'g',
      '@gocross/nx:build-tags',
      `--project=${project}`,
      '--name=sockopt',
      '--platforms=linux,darwin,windows',
      '--directory=internal/sockopt',
      '--no-interactive',
    ]);
    expectSuccess('nx g build-tags', r);
    const pkgDir = path.join(ws, root, 'internal', 'sockopt');
    expect(fs.existsSync(pkgDir)).toBe(true);
    for (const [goos, goarch] of [
      ['linux', 'arm64'],
      ['darwin', 'arm64'],
      ['windows', 'amd64'],
      ['freebsd', 'amd64'],
      ['plan9', '386'],
      ['js', 'wasm'],
      ['wasip1', 'wasm'],
    ]) {
      const l = go(['list', '-f', '{{join .GoFiles " "}}', './internal/sockopt'], { GOOS: goos, GOARCH: goarch });
      if (l.code !== 0) throw new Error(describeRun(`go list (${goos}/${goarch})`, l));
      const variants = l.stdout.trim().split(' ').filter((f) => f.startsWith('sockopt'));
      expect({ platform: `${goos}/${goarch}`, variants: variants.length }).toEqual({ platform: `${goos}/${goarch}`, variants: 1 });
      const b = go(['build', './internal/sockopt'], { GOOS: goos, GOARCH: goarch });
      if (b.code !== 0) throw new Error(describeRun(`go build (${goos}/${goarch})`, b));
    }
  });

  test('--migrate rewrites // +build lines to //go:build lines go accepts', () => {
    const file = path.join(ws, root, 'legacy_unix.go');
    writeFile(file, '// +build linux darwin\n// +build !purego\n\npackage main\n\nconst legacy = true\n');
    const r = nx(['g', '@gocross/nx:build-tags', `--project=${project}`, '--migrate', '--no-interactive']);
    expectSuccess('nx g build-tags --migrate', r);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\/\/go:build \(linux \|\| darwin\) && !purego$/m);
    // go vet's buildtag analyzer checks the pair (or the lone //go:build line) is consistent.
    for (const goos of ['linux', 'darwin']) {
      const v = go(['vet', '.'], { GOOS: goos, GOARCH: 'arm64' });
      if (v.code !== 0) throw new Error(describeRun(`go vet (${goos})`, v));
    }
    const l = go(['list', '-f', '{{join .GoFiles " "}}', '.'], { GOOS: 'windows', GOARCH: 'amd64' });
    expect(l.stdout).not.toMatch(/legacy_unix\.go/);
  });
});
