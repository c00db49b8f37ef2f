import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { builtinPlatformTable } from '../../platforms/table';
import { parsePlatform } from '../../platforms/platform';
import { which } from '../shared/go';
import { planTest, runTests } from './executor';
import { qemuSuffixForElf } from '../../platforms/qemu';
import { peekElf, qemuExecScript, quoteField, runMethod } from './qemu';
import { memoryLogger } from '../shared/test-utils/memory-logger';
import { all, haveTools, itIf, lackFiles } from '../../test-utils/gates';


const fake = (...present: string[]) => (cmd: string) => (present.includes(cmd) ? `/usr/bin/${cmd}` : undefined);

describe('runMethod', () => {
  const base = { hostGoos: 'linux', hostGoarch: 'amd64', exists: (p: string) => p === '/usr/aarch64-linux-gnu' };
  it('runs the host platform (and 386 on amd64) natively', () => {
    expect(runMethod({ ...base, platform: parsePlatform('linux/amd64/v3'), which: fake() })).toEqual({ kind: 'native' });
    expect(runMethod({ ...base, platform: parsePlatform('linux/386'), which: fake() })).toEqual({ kind: 'native' });
  });
  it('picks qemu-<arch> and the Debian sysroot when it exists', () => {
    expect(runMethod({ ...base, platform: parsePlatform('linux/arm64'), which: fake('qemu-aarch64') })).toEqual({
      kind: 'qemu',
      qemu: 'qemu-aarch64',
      qemuPath: '/usr/bin/qemu-aarch64',
      sysroot: '/usr/aarch64-linux-gnu',
    });
    expect(runMethod({ ...base, platform: parsePlatform('linux/mipsle'), which: fake('qemu-mipsel') })).toEqual({
      kind: 'qemu',
      qemu: 'qemu-mipsel',
      qemuPath: '/usr/bin/qemu-mipsel',
    });
  });
  it('says what is missing and how to fix it', () => {
    expect(runMethod({ ...base, platform: parsePlatform('linux/s390x'), which: fake() })).toEqual({
      kind: 'unavailable',
      reason: 'qemu-s390x is not installed',
      fix: 'apt-get install -y qemu-user',
    });
    const mac = runMethod({ ...base, platform: parsePlatform('darwin/arm64'), which: fake('qemu-aarch64') });
    expect(mac.kind).toBe('unavailable');
  });
});

describe('helpers', () => {
  it('quotes -exec fields as go splits them', () => {
    expect(quoteField('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteField('/opt/my node/node')).toBe("'/opt/my node/node'");
    expect(() => quoteField(`a'b"c d`)).toThrow();
  });
  it('maps ELF headers to qemu', () => {
    expect(qemuSuffixForElf({ machine: 8, is64: true, littleEndian: true })).toBe('mips64el');
    expect(qemuSuffixForElf({ machine: 8, is64: false, littleEndian: false })).toBe('mips');
    expect(qemuSuffixForElf({ machine: 21, is64: true, littleEndian: true })).toBe('ppc64le');
    expect(qemuSuffixForElf({ machine: 22, is64: true, littleEndian: false })).toBe('s390x');
  });
  it('ships the -exec wrapper as plain JavaScript', () => {
    expect(fs.existsSync(qemuExecScript())).toBe(true);
  });
});

describe('planTest', () => {
  const ctx = {
    workspaceRoot: '/ws',
    projectRoot: 'libs/x',
    go: '/usr/bin/go',
    goVersion: 'go1.26.0',
    hostGoos: 'linux',
    hostGoarch: 'amd64',
    table: builtinPlatformTable(),
    env: { PATH: '/usr/bin', CC: 'gcc', GOARCH: 'mips' },
    exists: (p: string) => p === '/usr/aarch64-linux-gnu',
  };
  it('uses -exec with the wrapper and passes the sysroot', () => {
    const r = planTest(
      { goos: 'linux', goarch: 'arm64', cgo: true, tags: ['netgo'], args: ['-count=1'] },
      { ...ctx, which: fake('qemu-aarch64', 'aarch64-linux-gnu-gcc') },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.cwd).toBe(path.resolve('/ws/libs/x'));
    expect(r.plan.args).toEqual(['test', '-tags=netgo', `-exec=${process.execPath} ${qemuExecScript()}`, '-count=1', './...']);
    expect(r.plan.env).toMatchObject({
      GOOS: 'linux',
      GOARCH: 'arm64',
      CGO_ENABLED: '1',
      CC: 'aarch64-linux-gnu-gcc',
      GOCROSS_QEMU: '/usr/bin/qemu-aarch64',
      GOCROSS_QEMU_SYSROOT: '/usr/aarch64-linux-gnu',
    });
  });
  it('passes the cpu model to the wrapper, and refuses it for native runs', () => {
    const r = planTest({ goos: 'linux', goarch: 'arm', goarm: '6', cpu: 'arm1176' }, { ...ctx, which: fake('qemu-arm') });
    expect(r.ok && r.plan.env.GOCROSS_QEMU_CPU).toBe('arm1176');
    const n = planTest({ goos: 'linux', goarch: 'amd64', cpu: 'qemu64' }, { ...ctx, which: fake('qemu-x86_64') });
    expect(n.ok).toBe(false);
  });

  it('runs the host platform without a wrapper', () => {
    const r = planTest({ goos: 'linux', goarch: 'amd64', packages: ['./pkg/...'] }, { ...ctx, which: fake() });
    expect(r.ok && r.plan.args).toEqual(['test', './pkg/...']);
    expect(r.ok && r.plan.env.CGO_ENABLED).toBe('0');
  });
  it('compiles only when no emulator is available', () => {
    const r = planTest({ goos: 'linux', goarch: 's390x' }, { ...ctx, which: fake() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.notRun).toEqual({ reason: 'qemu-s390x is not installed', fix: 'apt-get install -y qemu-user' });
    expect(r.plan.args.slice(0, 3)).toEqual(['test', '-c', '-o']);
    fs.rmSync(r.plan.compileDir as string, { recursive: true, force: true });
  });
  it('refuses cgo without a C compiler, naming the package', () => {
    const r = planTest({ goos: 'linux', goarch: 'riscv64', cgo: true }, { ...ctx, which: fake('qemu-riscv64', 'gcc') });
    expect(r).toEqual({ ok: false, message: expect.stringContaining('apt-get install -y gcc-riscv64-linux-gnu') });
  });
  it('refuses unknown platforms and misplaced variants', () => {
    expect(planTest({ goos: 'linux', goarch: 'vax' }, { ...ctx, which: fake() }).ok).toBe(false);
    expect(planTest({ goos: 'linux', goarch: 'arm64', goarm: '7' }, { ...ctx, which: fake() }).ok).toBe(false);
  });
});

describe('go test under qemu-user, for real', () => {
  let ws: string;
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-test-exec-'));
    const lib = path.join(ws, 'libs/endian');
    fs.mkdirSync(lib, { recursive: true });
    fs.writeFileSync(path.join(lib, 'go.mod'), 'module example.com/endian\n\ngo 1.22\n');
    fs.writeFileSync(
      path.join(lib, 'endian.go'),
      '// Package endian decodes a header the way a careless port does: through memory order.\npackage endian\n\nimport "unsafe"\n\n// FirstByte returns the byte of v stored first in memory.\nfunc FirstByte(v uint32) byte { return *(*byte)(unsafe.Pointer(&v)) }\n',
    );
    fs.writeFileSync(
      path.join(lib, 'add_cgo.go'),
      '//go:build cgo\n\npackage endian\n\n/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport "C"\n\nfunc Add(a, b int) int { return int(C.add(C.int(a), C.int(b))) }\n',
    );
    fs.writeFileSync(path.join(lib, 'add_nocgo.go'), '//go:build !cgo\n\npackage endian\n\nfunc Add(a, b int) int { return a + b }\n');
    fs.writeFileSync(
      path.join(lib, 'endian_test.go'),
      'package endian\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal("add")\n\t}\n}\n\n// Passes only on little-endian machines.\nfunc TestFirstByteIsLow(t *testing.T) {\n\tif got := FirstByte(0x11223344); got != 0x44 {\n\t\tt.Fatalf("first byte %#x: this code assumes little-endian", got)\n\t}\n}\n',
    );
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  const env = () => ({ ...process.env, GOWORK: 'off', GOFLAGS: '-mod=mod', CI: process.env.CI ?? '' });
  const cases: { platform: string; qemu: string; cgo: boolean; gcc?: string; pass: boolean }[] = [
    { platform: 'linux/arm64', qemu: 'qemu-aarch64', cgo: true, gcc: 'aarch64-linux-gnu-gcc', pass: true },
    { platform: 'linux/riscv64', qemu: 'qemu-riscv64', cgo: false, pass: true },
    { platform: 'linux/s390x', qemu: 'qemu-s390x', cgo: false, pass: false },
  ];
  for (const c of cases)
  itIf(haveTools('go', c.qemu, ...(c.gcc ? [c.gcc] : [])))(`${c.platform} (cgo ${c.cgo}) → success ${c.pass}`, async () => {
    const p = parsePlatform(c.platform);
    const logger = memoryLogger();
    const r = await runTests(
      { goos: p.goos, goarch: p.goarch, cgo: c.cgo, args: ['-count=1', '-v'] },
      { workspaceRoot: ws, projectRoot: 'libs/endian', env: env() },
      { logger, stdout: null, stderr: null },
    );
    expect(r.ran).toBe('qemu');
    expect(r.output).toMatch(/--- PASS: TestAdd/);
    if (c.pass) {
      expect(r.success).toBe(true);
      expect(r.output).toMatch(/--- PASS: TestFirstByteIsLow/);
    } else {
      expect(r.success).toBe(false);
      expect(r.output).toMatch(/--- FAIL: TestFirstByteIsLow/);
      expect(r.output).toContain('first byte 0x11: this code assumes little-endian');
      expect(logger.lines.join('\n')).toContain('go test for linux/s390x failed');
    }
  });

  itIf(haveTools('go', 'qemu-arm'))('tests on the device CPU: GOARM=7 fails on arm1176 with a hint, GOARM=6 passes', async () => {
    const run = async (goarm: string) => {
      const logger = memoryLogger();
      const r = await runTests(
        { goos: 'linux', goarch: 'arm', goarm, cpu: 'arm1176', args: ['-count=1', '-run', 'TestAdd'] },
        { workspaceRoot: ws, projectRoot: 'libs/endian', env: env() },
        { logger, stdout: null, stderr: null },
      );
      return { r, log: logger.lines.join('\n') };
    };
    const v7 = await run('7');
    expect(v7.r.success).toBe(false);
    expect(v7.log).toContain('hint [cpu-too-old]');
    const v6 = await run('6');
    expect(v6.r.success).toBe(true);
    expect(v6.log).toContain('under qemu-arm -cpu arm1176');
  });

  const arm64Cgo = haveTools('go', 'aarch64-linux-gnu-gcc', 'qemu-aarch64');
  let noSysroot: ReturnType<typeof spawnSync> | undefined;
  itIf(arm64Cgo)('the cgo arm64 test binary is dynamic and the wrapper supplies -L', () => {
    const bin = path.join(ws, 'endian.test');
    const b = spawnSync('go', ['test', '-c', '-o', bin, '.'], {
      cwd: path.join(ws, 'libs/endian'),
      env: { ...env(), GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc' },
      encoding: 'utf8',
    });
    expect(b.status).toBe(0);
    const info = peekElf(bin);
    expect(info?.interp).toBe('/lib/ld-linux-aarch64.so.1');
    expect(info && qemuSuffixForElf(info)).toBe('aarch64');
    noSysroot = spawnSync(process.execPath, [qemuExecScript(), bin, '-test.run', 'TestAdd'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    const withSysroot = spawnSync(process.execPath, [qemuExecScript(), bin, '-test.run', 'TestAdd', '-test.v'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GOCROSS_QEMU_SYSROOT: '/usr/aarch64-linux-gnu' },
    });
    expect(withSysroot.status).toBe(0);
    expect(withSysroot.stdout).toContain('--- PASS: TestAdd');
    const failing = spawnSync(process.execPath, [qemuExecScript(), bin, '-test.run', 'TestNothing', '-test.count', 'x'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, GOCROSS_QEMU_SYSROOT: '/usr/aarch64-linux-gnu' },
    });
    expect(failing.status).toBe(2); // flag error of the test binary passes through
  });
  // With the loader at /lib (an arm64 host, or libc6:arm64 installed) qemu finds it without -L.
  itIf(all(arm64Cgo, lackFiles('/lib/ld-linux-aarch64.so.1')))('without the wrapper\'s -L that binary cannot find its loader', () => {
    expect(noSysroot).toBeDefined();
    expect(noSysroot!.status).not.toBe(0);
    expect(noSysroot!.stderr).toContain("Could not open '/lib/ld-linux-aarch64.so.1'");
  });

  itIf(haveTools('go'))('without the emulator: compiled only, success locally, failure on CI', async () => {
    const pathOnlyGo = path.join(ws, 'bin');
    fs.mkdirSync(pathOnlyGo, { recursive: true });
    const goBin = which('go') as string;
    fs.symlinkSync(goBin, path.join(pathOnlyGo, 'go'));
    const noQemuEnv = { ...env(), PATH: pathOnlyGo, GOROOT: spawnSync(goBin, ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim() };
    const local = memoryLogger();
    const r1 = await runTests(
      { goos: 'linux', goarch: 's390x' },
      { workspaceRoot: ws, projectRoot: 'libs/endian', env: { ...noQemuEnv, CI: 'false' } },
      { logger: local, stdout: null, stderr: null },
    );
    expect(r1).toMatchObject({ success: true, ran: 'compiled' });
    expect(local.lines.join('\n')).toContain('skipped running the tests for linux/s390x: qemu-s390x is not installed — fix: apt-get install -y qemu-user');
    const ci = memoryLogger();
    const r2 = await runTests(
      { goos: 'linux', goarch: 's390x' },
      { workspaceRoot: ws, projectRoot: 'libs/endian', env: { ...noQemuEnv, CI: 'true' } },
      { logger: ci, stdout: null, stderr: null },
    );
    expect(r2).toMatchObject({ success: false, ran: 'none' });
    expect(ci.lines.join('\n')).toContain('CI=true: not skipped');
  });
});
