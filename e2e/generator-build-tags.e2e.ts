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
    // gofmt does not read assembly; --migrate does.
    const asm = path.join(ws, root, 'legacy_arm64.s');
    writeFile(asm, '// +build linux,!purego\n\n#include "textflag.h"\n');
    const r = nx(['g', '@gocross/nx:build-tags', `--project=${project}`, '--migrate', '--no-interactive']);
    expectSuccess('nx g build-tags --migrate', r);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\/\/go:build \(linux \|\| darwin\) && !purego$/m);
    expect(fs.readFileSync(asm, 'utf8')).toMatch(/^\/\/go:build linux && !purego$/m);
    expect(r.output).toContain(`migrated ${root}/legacy_arm64.s`);
    // go vet's buildtag analyzer checks the pair (or the lone //go:build line) is consistent.
    for (const goos of ['linux', 'darwin']) {
      const v = go(['vet', '.'], { GOOS: goos, GOARCH: 'arm64' });
      if (v.code !== 0) throw new Error(describeRun(`go vet (${goos})`, v));
    }
    const l = go(['list', '-f', '{{join .GoFiles " "}}', '.'], { GOOS: 'windows', GOARCH: 'amd64' });
    expect(l.stdout).not.toMatch(/legacy_unix\.go/);
  });

  test('build-tags findings: every fix works from the workspace root (gofmt for Go files, the exact lines for assembly)', () => {
    const dir = path.join(ws, root, 'internal', 'legacy');
    const rel = `${root}/internal/legacy`;
    writeFile(path.join(dir, 'legacy.go'), 'package legacy\n');
    writeFile(path.join(dir, 'old_linux.go'), '// +build linux,!purego\n\npackage legacy\n\nconst old = 1\n');
    writeFile(path.join(dir, 'nop_arm64.s'), '// Comment.\n// +build !purego\n\n#include "textflag.h"\n');
    writeFile(path.join(dir, 'bad_arm64.s'), '//go:build !purego\n// +build purego\n\n#include "textflag.h"\n');
    const validate = () => nx(['run', `${project}:validate-linux-arm64`, '--skip-nx-cache', '--formats=json']);
    const findings = () =>
      (
        JSON.parse(fs.readFileSync(path.join(ws, 'reports', 'gocross', project, 'linux-arm64', 'gocross.json'), 'utf8')) as {
          sources: { findings: { checkId: string; file: string; fix: string }[] }[];
        }
      ).sources
        .flatMap((x) => x.findings)
        .filter((f) => f.checkId === 'build-tags');
    const before = validate();
    expect(before.code).not.toBe(0); // bad_arm64.s is an error
    const found = findings();
    expect(found.map((f) => f.file).sort()).toEqual([`${rel}/bad_arm64.s`, `${rel}/nop_arm64.s`, `${rel}/old_linux.go`]);
    // go vet agrees something is wrong before the fixes.
    const vetBefore = go(['vet', './internal/legacy'], { GOOS: 'linux', GOARCH: 'arm64' });
    expect(vetBefore.code).not.toBe(0);
    for (const f of found) {
      const file = path.join(ws, f.file);
      let m: RegExpExecArray | null;
      if ((m = /^run (gofmt -w \S+)/.exec(f.fix))) {
        const [cmd, ...args] = m[1].split(' ');
        const r = run(cmd, args, { cwd: ws });
        if (r.code !== 0) throw new Error(describeRun(m[1], r));
      } else if ((m = /^add the line "([^"]+)" above line (\d+)/.exec(f.fix))) {
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        lines.splice(Number(m[2]) - 1, 0, m[1]);
        writeFile(file, lines.join('\n'));
      } else if ((m = /^replace the \/\/ \+build lines with "([^"]+)"/.exec(f.fix))) {
        const lines = fs.readFileSync(file, 'utf8').split('\n');
        const at = lines.findIndex((l) => l.startsWith('// +build'));
        const kept = lines.filter((l) => !l.startsWith('// +build'));
        kept.splice(at, 0, ...m[1].split(' / '));
        writeFile(file, kept.join('\n'));
      } else {
        throw new Error(`${f.file}: the fix is neither a command nor an exact edit: ${f.fix}`);
      }
    }
    const after = validate();
    if (after.code !== 0) throw new Error(describeRun('validate after the fixes', after));
    expect(findings()).toEqual([]);
    for (const tags of [[], ['-tags', 'purego']]) {
      const v = go(['vet', ...tags, './internal/legacy'], { GOOS: 'linux', GOARCH: 'arm64' });
      if (v.code !== 0) throw new Error(describeRun(`go vet ${tags.join(' ')}`, v));
    }
  });
});
