/**
 * `go vet -asmdecl` only where assembly is built (validate's way since it skips platforms and
 * packages without assembly) finds exactly what the old way found (`./...` on every GOOS/GOARCH
 * of the matrix), on real modules with assembly from the Go module proxy, pinned:
 * github.com/cespare/xxhash/v2 (amd64 and arm64 assembly, a nested main package and a
 * test-only package) and golang.org/x/sys trimmed to its cpu package (assembly selected by
 * file name, GOOS_GOARCH file names and //go:build lines, for 386/amd64, arm64, s390x, ppc64
 * on aix, openbsd/arm64, darwin/amd64), each as released and with a seeded wrong frame size so
 * that diagnostics exist and must be found both ways.
 *
 * Needs network access to the Go module proxy (or the module cache it fills under the temp
 * dir). Without it the test fails: the proxy's modules are what it is about.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareAsmdecl, type AsmdeclComparison } from '../plugin/src/checks/test-utils/asmdecl-compare';
import { parsePlatform } from '../plugin/src/platforms/platform';
import { realGo } from './utils';

const MODULES = { xxhash: 'github.com/cespare/xxhash/v2@v2.3.0', xsys: 'golang.org/x/sys@v0.30.0' };
const MODCACHE = path.join(os.tmpdir(), 'gocross-asmdecl-modcache');
const VET_ENV = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };

/** `go mod download -json` into MODCACHE; the module's directory. */
function download(go: string, mod: string): string {
  const r = spawnSync(go, ['mod', 'download', '-json', mod], {
    cwd: os.tmpdir(),
    env: { ...process.env, GOMODCACHE: MODCACHE, GOFLAGS: '-modcacherw', GOTOOLCHAIN: 'local', GOWORK: 'off' },
    encoding: 'utf8',
    timeout: 300_000,
  });
  const info = JSON.parse(r.stdout || '{}') as { Dir?: string; Error?: string };
  if (r.status !== 0 || !info.Dir) throw new Error(`go mod download ${mod} failed: ${info.Error ?? r.stderr}`);
  return info.Dir;
}

const show = (c: AsmdeclComparison) => c.newDiagnostics.map((d) => JSON.parse(d) as Record<string, string | number>).map((d) => `${d.goos}/${d.goarch} ${d.file}:${d.line} ${d.message}`);

function expectSame(c: AsmdeclComparison): void {
  expect(c.newDiagnostics).toEqual(c.oldDiagnostics);
  expect(c.newFindings).toEqual(c.oldFindings);
  // Neither way failed to check anything.
  expect([...c.oldRuns, ...c.newRuns].filter((r) => r.error).map((r) => r.error)).toEqual([]);
}

describe('go vet -asmdecl where assembly is built vs ./... on every platform: real modules', () => {
  let tmp: string;
  let go: string;
  beforeAll(() => {
    go = realGo();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmdecl-vet-'));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('github.com/cespare/xxhash/v2 v2.3.0, as released and with a wrong frame size in xxhash_amd64.s', async () => {
    const dir = path.join(tmp, 'xxhash');
    fs.cpSync(download(go, MODULES.xxhash), dir, { recursive: true });
    const matrix = ['linux/amd64', 'linux/arm64', 'linux/arm/6', 'linux/arm/7', 'linux/386', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'].map(parsePlatform);
    const clean = await compareAsmdecl(dir, matrix, VET_ENV);
    expectSame(clean);
    // v2.3.0 as released has one: xxhash_amd64.s reads writeBlocks' first argument as s+0(FP),
    // the Go declaration names it d. Found on both amd64 platforms, both ways.
    expect(show(clean)).toEqual([
      'linux/amd64 xxhash_amd64.s:189 writeBlocks: unknown variable s; offset 0 is d+0(FP)',
      'windows/amd64 xxhash_amd64.s:189 writeBlocks: unknown variable s; offset 0 is d+0(FP)',
    ]);
    expect(clean.plan.runs.map((r) => `${r.goos}/${r.goarch} ${r.packages.join(' ')}`)).toEqual(['linux/amd64 .', 'linux/arm64 .', 'darwin/arm64 .', 'windows/amd64 .']);
    expect(clean.plan.skipped.map((p) => `${p.goos}/${p.goarch}`)).toEqual(['linux/arm', 'linux/386', 'linux/riscv64']);

    const s = path.join(dir, 'xxhash_amd64.s');
    fs.writeFileSync(s, fs.readFileSync(s, 'utf8').replace('TEXT ·Sum64(SB), NOSPLIT|NOFRAME, $0-32', 'TEXT ·Sum64(SB), NOSPLIT|NOFRAME, $0-24'));
    const broken = await compareAsmdecl(dir, matrix, VET_ENV);
    expectSame(broken);
    expect(show(broken)).toEqual([
      'linux/amd64 xxhash_amd64.s:189 writeBlocks: unknown variable s; offset 0 is d+0(FP)',
      'linux/amd64 xxhash_amd64.s:61 Sum64: wrong argument size 24; expected $...-32',
      'windows/amd64 xxhash_amd64.s:189 writeBlocks: unknown variable s; offset 0 is d+0(FP)',
      'windows/amd64 xxhash_amd64.s:61 Sum64: wrong argument size 24; expected $...-32',
    ]);
  });

  test('golang.org/x/sys v0.30.0 (its cpu package), as released and with a wrong frame size in cpu_gc_x86.s', async () => {
    const dir = path.join(tmp, 'xsys');
    const src = download(go, MODULES.xsys);
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(src, 'go.mod'), path.join(dir, 'go.mod'));
    fs.cpSync(path.join(src, 'cpu'), path.join(dir, 'cpu'), { recursive: true });
    const matrix = ['linux/amd64', 'linux/386', 'darwin/amd64', 'linux/arm64', 'openbsd/arm64', 'linux/s390x', 'aix/ppc64', 'linux/riscv64', 'linux/mips64le'].map(parsePlatform);
    const clean = await compareAsmdecl(dir, matrix, VET_ENV);
    expectSame(clean);
    expect(clean.plan.runs.map((r) => `${r.goos}/${r.goarch}`)).toEqual(['linux/amd64', 'linux/386', 'darwin/amd64', 'linux/arm64', 'openbsd/arm64', 'linux/s390x', 'aix/ppc64']);
    expect(clean.plan.skipped.map((p) => `${p.goos}/${p.goarch}`)).toEqual(['linux/riscv64', 'linux/mips64le']);

    const s = path.join(dir, 'cpu', 'cpu_gc_x86.s');
    fs.writeFileSync(s, fs.readFileSync(s, 'utf8').replace('TEXT ·cpuid(SB), NOSPLIT, $0-24', 'TEXT ·cpuid(SB), NOSPLIT, $0-20'));
    const broken = await compareAsmdecl(dir, matrix, VET_ENV);
    expectSame(broken);
    expect(show(broken)).toEqual([
      'darwin/amd64 cpu/cpu_gc_x86.s:10 cpuid: wrong argument size 20; expected $...-24',
      'linux/386 cpu/cpu_gc_x86.s:10 cpuid: wrong argument size 20; expected $...-24',
      'linux/amd64 cpu/cpu_gc_x86.s:10 cpuid: wrong argument size 20; expected $...-24',
    ]);
  });
});
