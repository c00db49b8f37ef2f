import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinPlatformTable } from '../../platforms/table';
import { parsePlatform } from '../../platforms/platform';
import { which } from '../shared/go';
import { diagnose, formatDoctorReport, matrixFromProjects, matrixFromStrings, readProjectSources, runDoctor, type DoctorReport } from './executor';

function need(tool: string): boolean {
  if (which(tool)) return true;
  if (process.env.CI === 'true') throw new Error(`${tool} is required on CI`);
  console.warn(`skipped: ${tool} is not installed`);
  return false;
}

const SUM_GO = 'package sum\n\n// Sum adds xs.\nfunc Sum(xs []uint64) uint64\n';
const SUM_AMD64 = '#include "textflag.h"\n\n// func Sum(xs []uint64) uint64\nTEXT ·Sum(SB),NOSPLIT,$0-32\n\tMOVQ $0, ret+24(FP)\n\tRET\n';
const SUM_ARM64 = '#include "textflag.h"\n\n// func Sum(xs []uint64) uint64\nTEXT ·Sum(SB),NOSPLIT,$0-32\n\tMOVD $0, R0\n\tMOVD R0, ret+24(FP)\n\tRET\n';

describe('diagnose (injected machine)', () => {
  const fake = (...present: string[]) => (cmd: string) => (present.includes(cmd) ? `/usr/bin/${cmd}` : undefined);
  const report = diagnose({
    matrix: [
      { platform: parsePlatform('linux/amd64'), cgo: true },
      { platform: parsePlatform('linux/arm64'), cgo: true },
      { platform: parsePlatform('linux/riscv64'), cgo: true },
      { platform: parsePlatform('linux/s390x'), cgo: false },
      { platform: parsePlatform('darwin/arm64'), cgo: false },
      { platform: parsePlatform('linux/vax'), cgo: false },
    ],
    projects: [
      {
        project: 'sum',
        projectRoot: 'libs/sum',
        sources: [
          { path: 'go.mod', content: 'module example.com/sum\n' },
          { path: 'sum.go', content: SUM_GO },
          { path: 'sum_amd64.s', content: SUM_AMD64 },
          { path: 'sum_arm64.s', content: SUM_ARM64 },
        ],
      },
    ],
    goVersion: 'go1.26.0',
    hostGoos: 'linux',
    hostGoarch: 'amd64',
    table: builtinPlatformTable(),
    env: {},
    which: fake('gcc', 'aarch64-linux-gnu-gcc', 'qemu-aarch64', 'qemu-riscv64'),
    exists: (p) => p === '/usr/aarch64-linux-gnu',
  });
  const row = (p: string) => report.rows.find((r) => r.platform === p)!;

  it('reports the resolved compiler, emulator and sysroot', () => {
    expect(row('linux/amd64')).toMatchObject({ cgo: { status: 'ok', summary: 'gcc' }, tests: { status: 'ok', summary: 'native' }, asm: { status: 'ok' } });
    expect(row('linux/arm64')).toMatchObject({
      cgo: { status: 'ok', summary: 'aarch64-linux-gnu-gcc' },
      tests: { status: 'ok', summary: 'qemu-aarch64 -L /usr/aarch64-linux-gnu' },
    });
  });
  it('names the command for each gap', () => {
    const fixes = report.gaps.map((g) => `${g.platform} ${g.area}: ${g.fix}`);
    expect(fixes).toContain('linux/riscv64 cgo: apt-get install -y gcc-riscv64-linux-gnu');
    expect(fixes).toContain('linux/riscv64 tests: apt-get install -y libc6-riscv64-cross');
    expect(fixes).toContain("linux/riscv64 asm: nx g @gocross/nx:asm --project=sum --directory=. --signature='func Sum(xs []uint64) uint64'");
    expect(fixes).toContain('linux/s390x tests: apt-get install -y qemu-user');
    expect(report.gaps.find((g) => g.platform === 'linux/vax')?.area).toBe('go');
    expect(report.ok).toBe(false);
  });
  it('does not count what nothing here can fix (darwin tests) or what is not needed (cgo off)', () => {
    expect(row('darwin/arm64').tests).toMatchObject({ status: 'info', summary: 'compile only' });
    expect(row('linux/s390x').cgo).toMatchObject({ status: 'info', summary: 'no C compiler' });
    expect(report.gaps.filter((g) => g.platform === 'darwin/arm64')).toEqual([]);
    expect(row('linux/s390x').asm).toMatchObject({ status: 'gap', summary: '1 missing' });
  });
  it('prints a table with the gaps and their fixes', () => {
    const text = formatDoctorReport(report);
    expect(text).toMatch(/^PLATFORM\s+GO\s+CGO\s+TESTS\s+ASM$/m);
    expect(text).toMatch(/^linux\/arm64\s+ok\s+aarch64-linux-gnu-gcc\s+qemu-aarch64 -L \/usr\/aarch64-linux-gnu\s+ok$/m);
    expect(text).toContain('✗ no C compiler');
    expect(text).toContain('fix: apt-get install -y gcc-riscv64-linux-gnu');
  });
});

describe('matrix', () => {
  it('collects build targets of projects, merging cgo', () => {
    const m = matrixFromProjects(
      {
        projects: {
          a: {
            root: 'apps/a',
            targets: {
              'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64' } },
              'build-linux-arm-7': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm', goarm: '7', cgo: true } },
              lint: { executor: 'nx:run-commands', options: {} },
            },
          },
          b: { root: 'apps/b', targets: { 'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true } } } },
        },
      },
      ['a', 'b'],
    );
    expect(m).toEqual([
      { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true },
      { platform: { goos: 'linux', goarch: 'arm', variant: '7' }, cgo: true },
    ]);
  });
  it('parses platform strings with a libc suffix', () => {
    expect(matrixFromStrings(['linux/arm64:musl', 'linux/arm/6'], true)).toEqual([
      { platform: { goos: 'linux', goarch: 'arm64' }, cgo: true, libc: 'musl' },
      { platform: { goos: 'linux', goarch: 'arm', variant: '6' }, cgo: true },
    ]);
    expect(() => matrixFromStrings(['linux/arm64:bionic'], false)).toThrow(/unknown libc/);
  });
});

describe('doctor on this machine, for real', () => {
  let ws: string;
  const projects = {
    projects: {
      sum: {
        root: 'libs/sum',
        targets: {
          'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', compileOnly: true } },
          'build-linux-arm64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: true, compileOnly: true } },
          'build-linux-riscv64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'riscv64', compileOnly: true } },
        },
      },
    },
  };
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-doctor-'));
    const dir = path.join(ws, 'libs/sum');
    fs.mkdirSync(path.join(dir, 'testdata'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/sum\n\ngo 1.22\n');
    fs.writeFileSync(path.join(dir, 'sum.go'), SUM_GO);
    fs.writeFileSync(path.join(dir, 'sum_amd64.s'), SUM_AMD64);
    fs.writeFileSync(path.join(dir, 'sum_arm64.s'), SUM_ARM64);
    fs.writeFileSync(path.join(dir, 'testdata/ignored.go'), 'package x\n\nfunc Ignored()\n');
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('reads only the project sources go builds', () => {
    expect(readProjectSources(path.join(ws, 'libs/sum')).map((f) => f.path).sort()).toEqual(['sum.go', 'sum_amd64.s', 'sum_arm64.s']);
  });

  it('finds the riscv64 gap go build also hits, prints JSON and fails', async () => {
    if (!need('go') || !need('aarch64-linux-gnu-gcc') || !need('qemu-aarch64') || !need('qemu-riscv64')) return;
    // go agrees: riscv64 has no Sum, arm64 builds.
    const env = { ...process.env, GOWORK: 'off', CGO_ENABLED: '0' };
    const riscv = spawnSync('go', ['build', './...'], { cwd: path.join(ws, 'libs/sum'), env: { ...env, GOARCH: 'riscv64' }, encoding: 'utf8' });
    expect(riscv.stderr).toContain('missing function body');
    const arm = spawnSync('go', ['build', './...'], { cwd: path.join(ws, 'libs/sum'), env: { ...env, GOARCH: 'arm64' }, encoding: 'utf8' });
    expect(arm.status).toBe(0);

    let out = '';
    const r = await runDoctor({ json: true }, { workspaceRoot: ws, projectName: 'sum', projects, env: process.env }, { write: (t) => (out += t) });
    expect(r.success).toBe(false);
    const report = JSON.parse(out) as DoctorReport;
    expect(report.goVersion).toMatch(/^go1\./);
    expect(report.rows.map((x) => x.platform)).toEqual(['linux/amd64', 'linux/arm64', 'linux/riscv64']);
    const arm64 = report.rows[1];
    expect(arm64.cgo).toMatchObject({ status: 'ok', summary: 'aarch64-linux-gnu-gcc' });
    expect(arm64.tests).toMatchObject({ status: 'ok', summary: 'qemu-aarch64 -L /usr/aarch64-linux-gnu' });
    expect(arm64.asm.status).toBe('ok');
    expect(report.gaps).toEqual([
      expect.objectContaining({ platform: 'linux/riscv64', area: 'asm', fix: expect.stringContaining('nx g @gocross/nx:asm --project=sum') }),
    ]);
  });

  it('takes cgo from the build targets when platforms are given without cgo', async () => {
    if (!need('go')) return;
    let out = '';
    const r = await runDoctor({ platforms: ['linux/arm64', 'linux/riscv64'], json: true }, { workspaceRoot: ws, projectName: 'sum', projects, env: process.env }, { write: (t) => (out += t) });
    const report = JSON.parse(out) as DoctorReport;
    expect(report.rows.map((x) => [x.platform, x.cgoRequired])).toEqual([
      ['linux/arm64', true],
      ['linux/riscv64', false],
    ]);
    expect(r.success).toBe(false); // riscv64 lacks Sum
  });

  it('succeeds when the matrix is fully served, and prints a table', async () => {
    if (!need('go') || !need('aarch64-linux-gnu-gcc') || !need('qemu-aarch64')) return;
    let out = '';
    const r = await runDoctor(
      { platforms: ['linux/arm64', 'linux/amd64'], cgo: true },
      { workspaceRoot: ws, projectName: 'sum', projects, env: process.env },
      { write: (t) => (out += t) },
    );
    expect(out).toMatch(/^linux\/arm64\s+ok\s+aarch64-linux-gnu-gcc\s+qemu-aarch64 -L \/usr\/aarch64-linux-gnu\s+ok$/m);
    expect(out).toContain('Every platform of the matrix can be built, linked and tested here.');
    expect(r.success).toBe(true);
  });
});
