/**
 * The example Go workspace itself, checked with plain `go` (no Nx, no plugin): the assembly
 * of libs/mathx has the frame sizes `go vet` (asmdecl) expects on every arch it is built for,
 * every arch without assembly gets the pure-Go fallback, and the tests pass natively, under
 * qemu-aarch64 (running the arm64 assembly) and with the purego tag.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, realGo, REPO_ROOT, requireTool, run } from './utils';
import { haveTools, itIf } from '../plugin/src/test-utils/gates';

const examples = path.join(REPO_ROOT, 'examples');

describe('examples/ Go workspace', () => {
  let go: string;
  let tmp: string;
  let env: Record<string, string | undefined>;

  beforeAll(() => {
    go = realGo();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-examples-'));
    // Never download a toolchain or module: the examples have no external dependencies.
    env = { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0' };
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const goRun = (args: string[], extra: Record<string, string | undefined> = {}) =>
    run(go, args, { cwd: examples, env: { ...env, ...extra } });

  test.each(['amd64', 'arm64', 'riscv64', '386', 's390x'])('go vet libs/mathx for linux/%s (with and without purego)', (arch) => {
    for (const tags of [[], ['-tags', 'purego']]) {
      const r = goRun(['vet', ...tags, './libs/mathx'], { GOOS: 'linux', GOARCH: arch });
      if (r.code !== 0) throw new Error(describeRun(`GOARCH=${arch} go vet ${tags.join(' ')}`, r));
    }
  });

  test('assembly is used exactly on amd64 and arm64, the fallback everywhere else', () => {
    const files = (arch: string, tags: string[] = []) => {
      const r = goRun(['list', ...tags, '-f', '{{join .SFiles " "}}|{{join .GoFiles " "}}', './libs/mathx'], {
        GOOS: 'linux',
        GOARCH: arch,
      });
      if (r.code !== 0) throw new Error(describeRun(`go list (${arch})`, r));
      const [s, g] = r.stdout.trim().split('|');
      return { s: s.split(' ').filter(Boolean), go: g.split(' ').filter(Boolean) };
    };
    expect(files('amd64').s).toEqual(['sum_amd64.s']);
    expect(files('arm64').s).toEqual(['sum_arm64.s']);
    for (const arch of ['amd64', 'arm64']) {
      expect(files(arch).go).toContain('sum_decl.go');
      expect(files(arch).go).not.toContain('sum_generic.go');
      expect(files(arch, ['-tags', 'purego'])).toEqual({ s: [], go: expect.arrayContaining(['sum_generic.go']) });
    }
    for (const arch of ['riscv64', '386', 's390x', 'mips', 'ppc64le', 'loong64', 'arm']) {
      const f = files(arch);
      expect({ arch, s: f.s }).toEqual({ arch, s: [] });
      expect(f.go).toContain('sum_generic.go');
      expect(f.go).not.toContain('sum_decl.go');
    }
  });

  test('hello cross-builds for linux/riscv64, windows/amd64 and linux/mips', () => {
    for (const [goos, goarch] of [
      ['linux', 'riscv64'],
      ['windows', 'amd64'],
      ['linux', 'mips'],
    ]) {
      const out = path.join(tmp, `hello-${goos}-${goarch}`);
      const r = goRun(['build', '-o', out, './apps/hello'], { GOOS: goos, GOARCH: goarch });
      if (r.code !== 0) throw new Error(describeRun(`go build hello ${goos}/${goarch}`, r));
      expect(fs.statSync(out).size).toBeGreaterThan(100_000);
    }
  });

  test('go test libs/mathx natively and with purego', () => {
    for (const tags of [[], ['-tags', 'purego']]) {
      const r = goRun(['test', '-count=1', ...tags, './libs/mathx']);
      if (r.code !== 0) throw new Error(describeRun(`go test ${tags.join(' ')}`, r));
    }
  });

  itIf(haveTools('qemu-s390x'))('go test libs/mathx for s390x (big-endian fallback) under qemu', () => {
    const qemu = requireTool('qemu-s390x', 'run the s390x tests');
    const r = goRun(['test', '-count=1', '-exec', qemu, './libs/mathx'], { GOARCH: 's390x' });
    if (r.code !== 0) throw new Error(describeRun('go test under qemu-s390x', r));
  });

  itIf(haveTools('qemu-aarch64'))('go test libs/mathx for linux/arm64 under qemu-aarch64 runs the arm64 assembly', () => {
    const qemu = requireTool('qemu-aarch64', 'run the arm64 tests');
    const r = goRun(['test', '-count=1', '-v', '-exec', qemu, './libs/mathx'], { GOOS: 'linux', GOARCH: 'arm64' });
    if (r.code !== 0) throw new Error(describeRun('go test under qemu-aarch64', r));
    expect(r.stdout).toMatch(/--- PASS: TestSumMatchesGo/);
  });

  test('hello prints exactly GOOS/GOARCH', () => {
    const hello = path.join(tmp, 'hello-native');
    const r = goRun(['build', '-o', hello, './apps/hello']);
    if (r.code !== 0) throw new Error(describeRun('go build hello', r));
    const goos = goRun(['env', 'GOOS']).stdout.trim();
    const goarch = goRun(['env', 'GOARCH']).stdout.trim();
    expect(run(hello, []).stdout).toBe(`${goos}/${goarch}\n`);
    expect(run(hello, ['-sum', '5', '6', '7']).stdout).toBe(`${goos}/${goarch}\n18\n`);
  });

  itIf(haveTools('gcc'))('cgo-hello calls C', () => {
    const goos = goRun(['env', 'GOOS']).stdout.trim();
    const goarch = goRun(['env', 'GOARCH']).stdout.trim();
    const cc = requireTool('gcc', 'build the cgo example');
    const cgoHello = path.join(tmp, 'cgo-hello-native');
    const r = goRun(['build', '-o', cgoHello, './apps/cgo-hello'], { CGO_ENABLED: '1', CC: cc });
    if (r.code !== 0) throw new Error(describeRun('go build cgo-hello', r));
    expect(run(cgoHello, []).stdout).toBe(`cgo: 2+3=5 ${goos}/${goarch}\n`);
  });
});
