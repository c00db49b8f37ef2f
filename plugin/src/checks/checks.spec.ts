/**
 * Binary checks on real artifacts: each good build of the default matrix passes every check,
 * and each defect, produced for real by `go` and the (cross) C compilers, is reported by its
 * check. Artifacts are built once into a cache shared by the spec files (test-utils/fixtures).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archiveArch, sysoNameFor } from './rules/archive-arch';
import { buildId } from './rules/build-id';
import { buildinfo } from './rules/buildinfo';
import { binaryArch as elfArch } from './rules/binary-arch';
import { cgoExportsFromSymbols, exportsCheck, parseCgoHeaderExports } from './rules/exports';
import { glibcVersion } from './rules/glibc-version';
import { hardening } from './rules/hardening';
import { linkage } from './rules/linkage';
import { rpath } from './rules/rpath';
import { neededLibs } from './rules/needed-libs';
import { ALL_CHECKS } from './registry';
import { buildFixture, CGO_HELLO, compileC, cSharedLib, haveTools, HELLO, REPRO } from './test-utils/fixtures';
import { lines, target, validate } from './test-utils/run';

const MATRIX: { platform: string; env: Record<string, string> }[] = [
  { platform: 'linux/amd64', env: { GOOS: 'linux', GOARCH: 'amd64' } },
  { platform: 'linux/arm64', env: { GOOS: 'linux', GOARCH: 'arm64' } },
  { platform: 'linux/arm/7', env: { GOOS: 'linux', GOARCH: 'arm', GOARM: '7' } },
  { platform: 'linux/riscv64', env: { GOOS: 'linux', GOARCH: 'riscv64' } },
  { platform: 'darwin/arm64', env: { GOOS: 'darwin', GOARCH: 'arm64' } },
  { platform: 'windows/amd64', env: { GOOS: 'windows', GOARCH: 'amd64' } },
];

const hello = (env: Record<string, string>, args: string[] = REPRO) => buildFixture({ files: HELLO, env, args });

function cgo(cc: string, env: Record<string, string>, args: string[] = ['-trimpath', '-buildvcs=false'], files = CGO_HELLO): string {
  return buildFixture({ files, env: { CGO_ENABLED: '1', CC: cc, GOOS: 'linux', ...env }, args });
}

describe('good builds of the default matrix', () => {
  it.each(MATRIX)('$platform: zero findings from every check', async ({ platform, env }) => {
    const file = hello(env);
    const r = await validate(file, target(platform));
    expect(lines(r)).toEqual([]);
    expect(r.artifacts[0].checksRun).toEqual(ALL_CHECKS.filter((c) => c.meta.kind === 'binary').map((c) => c.meta.id));
    expect(r.artifacts[0].kind).toBe(platform.startsWith('darwin') ? 'macho' : platform.startsWith('windows') ? 'pe' : 'elf');
  });

  it.each([
    ['linux/mipsle', { GOARCH: 'mipsle' }],
    ['linux/s390x', { GOARCH: 's390x' }],
  ])('%s (beyond the default matrix): zero findings; a near twin is rejected', async (platform, env) => {
    const file = hello({ GOOS: 'linux', ...env });
    expect(lines(await validate(file, target(platform)))).toEqual([]);
    const twin: Record<string, string> = { mipsle: 'linux/mips', s390x: 'linux/ppc64' };
    const other = twin[env.GOARCH];
    expect(lines(await validate(file, target(other), { checks: [elfArch] }))).toEqual([
      expect.stringMatching(new RegExp(`^error binary-arch: built for GOARCH=${env.GOARCH}, target is ${other}`)),
    ]);
  });

  it('cgo enabled but no C code: Go links internally and statically; no finding for a cgo target', async () => {
    if (!haveTools('arm-linux-gnueabihf-gcc', 'aarch64-linux-gnu-gcc')) return;
    const arm = buildFixture({ files: HELLO, env: { CGO_ENABLED: '1', CC: 'arm-linux-gnueabihf-gcc', GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }, args: REPRO });
    expect(lines(await validate(arm, target('linux/arm/7', { cgo: true })))).toEqual([]);
    const arm64 = buildFixture({ files: HELLO, env: { CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc', GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO });
    expect(lines(await validate(arm64, target('linux/arm64', { cgo: true })))).toEqual([]);
  });

  it('a PIE built by Go\'s internal linker (interpreter, no libraries) passes with buildmode pie', async () => {
    const file = hello({ GOOS: 'linux', GOARCH: 'amd64' }, [...REPRO, '-buildmode=pie']);
    expect(lines(await validate(file, target('linux/amd64', { buildmode: 'pie' })))).toEqual([]);
  });
});

describe('good cgo builds', () => {
  const cases: { name: string; tools: string[]; build: () => string; platform: string; libc: 'glibc' | 'musl'; linkmode?: 'internal' | 'external' }[] = [
    { name: 'linux/amd64 glibc (gcc)', tools: ['gcc'], build: () => cgo('gcc', { GOARCH: 'amd64' }), platform: 'linux/amd64', libc: 'glibc' },
    {
      name: 'linux/arm64 glibc (aarch64-linux-gnu-gcc)',
      tools: ['aarch64-linux-gnu-gcc'],
      build: () => cgo('aarch64-linux-gnu-gcc', { GOARCH: 'arm64' }),
      platform: 'linux/arm64',
      libc: 'glibc',
    },
    {
      name: 'linux/arm/7 armhf (arm-linux-gnueabihf-gcc)',
      tools: ['arm-linux-gnueabihf-gcc'],
      build: () => cgo('arm-linux-gnueabihf-gcc', { GOARCH: 'arm', GOARM: '7' }),
      platform: 'linux/arm/7',
      libc: 'glibc',
    },
    {
      name: 'linux/riscv64 glibc (riscv64-linux-gnu-gcc, RVC + double-float flags)',
      tools: ['riscv64-linux-gnu-gcc'],
      build: () => cgo('riscv64-linux-gnu-gcc', { GOARCH: 'riscv64' }),
      platform: 'linux/riscv64',
      libc: 'glibc',
    },
    { name: 'linux/amd64 musl (musl-gcc)', tools: ['musl-gcc'], build: () => cgo('musl-gcc', { GOARCH: 'amd64' }), platform: 'linux/amd64', libc: 'musl' },
    {
      name: 'linux/arm/7 cgo linked by Go\'s internal linker (-linkmode=internal)',
      tools: ['arm-linux-gnueabihf-gcc'],
      build: () => cgo('arm-linux-gnueabihf-gcc', { GOARCH: 'arm', GOARM: '7' }, ['-trimpath', '-ldflags=-linkmode=internal']),
      platform: 'linux/arm/7',
      libc: 'glibc',
      linkmode: 'internal',
    },
  ];
  it.each(cases)('$name: zero findings', async ({ tools, build, platform, libc, linkmode = 'external' }) => {
    if (!haveTools(...tools)) return;
    const file = build();
    const r = await validate(file, target(platform, { cgo: true, libc, linkmode }));
    expect(lines(r)).toEqual([]);
    if (linkmode === 'internal') {
      // Go's internal linker writes no PT_GNU_RELRO for an executable: only a full-RELRO policy objects.
      const full = await validate(file, target(platform, { cgo: true, libc, linkmode }), { policy: { checks: { hardening: ['error', { relro: 'full' }] } } });
      expect(lines(full)).toEqual(['error hardening: no RELRO (PT_GNU_RELRO missing): GOT and dynamic data stay writable']);
    }
  });
});

describe('defects produced for real are reported by their check', () => {
  it('elf-arch: an arm64 binary for a linux/amd64 target', async () => {
    const file = hello({ GOOS: 'linux', GOARCH: 'arm64' });
    const r = await validate(file, target('linux/amd64'), { checks: [elfArch] });
    expect(lines(r)).toEqual(['error binary-arch: built for GOARCH=arm64, target is linux/amd64 (EM_X86_64 64-bit little-endian)']);
    expect(r.findings[0].fix).toMatch(/GOARCH=amd64/);
  });

  it('elf-arch: a 32-bit arm binary for arm64, and a riscv64 one for arm', async () => {
    const arm = hello({ GOOS: 'linux', GOARCH: 'arm', GOARM: '7' });
    expect(lines(await validate(arm, target('linux/arm64'), { checks: [elfArch] }))[0]).toMatch(/built for GOARCH=arm,/);
    const rv = hello({ GOOS: 'linux', GOARCH: 'riscv64' });
    expect(lines(await validate(rv, target('linux/arm/7'), { checks: [elfArch] }))[0]).toMatch(/built for GOARCH=riscv64/);
  });

  it('elf-arch: wrong container format for the GOOS (PE for linux, ELF for windows, Mach-O CPU)', async () => {
    const exe = hello({ GOOS: 'windows', GOARCH: 'amd64' });
    expect(lines(await validate(exe, target('linux/amd64'), { checks: [elfArch] }))).toEqual([
      expect.stringMatching(/is a PE file but GOOS=linux runs ELF binaries/),
    ]);
    const elf = hello({ GOOS: 'linux', GOARCH: 'amd64' });
    expect(lines(await validate(elf, target('windows/amd64'), { checks: [elfArch] }))[0]).toMatch(/ELF file but GOOS=windows runs PE/);
    const mac = hello({ GOOS: 'darwin', GOARCH: 'arm64' });
    expect(lines(await validate(mac, target('darwin/amd64'), { checks: [elfArch] }))).toEqual(['error binary-arch: Mach-O built for arm64, target is darwin/amd64']);
    const winArm = hello({ GOOS: 'windows', GOARCH: 'arm64' });
    expect(lines(await validate(winArm, target('windows/amd64'), { checks: [elfArch] }))).toEqual(['error binary-arch: PE built for arm64, target is windows/amd64']);
  });

  it('elf-arch: artifact in another platform\'s output directory', async () => {
    const file = hello({ GOOS: 'linux', GOARCH: 'amd64' });
    const { validateArtifacts } = await import('./engine');
    const r = await validateArtifacts({
      artifacts: [{ path: file, target: target('linux/amd64'), expectedPlatform: { goos: 'linux', goarch: 'arm64' } }],
      policy: { sources: [], checks: {} },
      checks: [elfArch],
    });
    expect(lines(r)).toEqual(['error binary-arch: artifact lives in the linux/arm64 output directory but its target is linux/amd64']);
  });

  it('elf-arch: ABI flags patched into copies of real binaries (RISC-V soft-float, ARM EABI4, MIPS O64 ABI field)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-flags-'));
    const patch = (src: string, name: string, flags: number) => {
      const b = fs.readFileSync(src);
      const off = b[4] === 2 ? 0x30 : 0x24; // e_flags in ELF64 / ELF32 headers
      if (b[5] === 2) b.writeUInt32BE(flags >>> 0, off);
      else b.writeUInt32LE(flags >>> 0, off);
      const out = path.join(dir, name);
      fs.writeFileSync(out, b);
      return out;
    };
    try {
      const rv = patch(hello({ GOOS: 'linux', GOARCH: 'riscv64' }), 'rv', 0x1);
      expect(lines(await validate(rv, target('linux/riscv64'), { checks: [elfArch] }))).toEqual([
        'error binary-arch: RISC-V soft-float ABI (e_flags 0x1); Go on riscv64 uses the double-float (lp64d) ABI',
      ]);
      const arm = patch(hello({ GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }), 'arm', 0x04000002);
      expect(lines(await validate(arm, target('linux/arm/7'), { checks: [elfArch] }))).toEqual([
        'error binary-arch: ARM EABI version 4 (e_flags 0x4000002), expected EABI5',
      ]);
      const mipsle = patch(hello({ GOOS: 'linux', GOARCH: 'mipsle' }), 'mipsle', 0x50002004);
      expect(lines(await validate(mipsle, target('linux/mipsle'), { checks: [elfArch] }))).toEqual([
        'error binary-arch: MIPS ABI field 0x2000 (e_flags 0x50002004); Go on mipsle uses O32',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('elf-arch: an armhf cgo binary for a soft-float target', async () => {
    if (!haveTools('arm-linux-gnueabihf-gcc')) return;
    const file = cgo('arm-linux-gnueabihf-gcc', { GOARCH: 'arm', GOARM: '7' });
    const r = await validate(file, target('linux/arm/5', { cgo: true }), { checks: [elfArch] });
    expect(lines(r)).toEqual([expect.stringMatching(/hard-float ABI binary \(e_flags 0x5000400\) for a soft-float target linux\/arm\/5/)]);
  });

  it('linkage: a cgo binary where a static one is expected', async () => {
    if (!haveTools('gcc')) return;
    const file = cgo('gcc', { GOARCH: 'amd64' });
    const r = await validate(file, target('linux/amd64'), { checks: [linkage] });
    expect(lines(r)).toEqual([
      'error linkage: dynamically linked (interpreter /lib64/ld-linux-x86-64.so.2, needs libc.so.6) but the target has cgo off and should be static',
    ]);
  });

  it('linkage: glibc loader when musl is expected, and musl loader when glibc is expected', async () => {
    if (!haveTools('gcc', 'musl-gcc')) return;
    const glibc = cgo('gcc', { GOARCH: 'amd64' });
    const r = await validate(glibc, target('linux/amd64', { cgo: true, libc: 'musl' }), { checks: [linkage] });
    expect(lines(r)).toEqual([
      expect.stringMatching(/^error linkage: glibc loader \/lib64\/ld-linux-x86-64\.so\.2 but the target expects musl \(\/lib\/ld-musl-x86_64\.so\.1\)/),
    ]);
    expect(r.findings[0].fix).toMatch(/musl-gcc/);
    const musl = cgo('musl-gcc', { GOARCH: 'amd64' });
    expect(lines(await validate(musl, target('linux/amd64', { cgo: true, libc: 'glibc' }), { checks: [linkage] }))[0]).toMatch(
      /musl loader \/lib\/ld-musl-x86_64\.so\.1 but the target expects glibc/,
    );
  });

  it('linkage: a c-shared library linked against musl for a glibc target (and the reverse)', async () => {
    if (!haveTools('gcc', 'musl-gcc')) return;
    const files = { 'go.mod': 'module example.com/libadd\n\ngo 1.22\n', 'lib.go': 'package main\n\nimport "C"\n\n//export Add\nfunc Add(a, b C.int) C.int { return a + b }\n\nfunc main() {}\n' };
    const musl = buildFixture({ files, env: { CGO_ENABLED: '1', CC: 'musl-gcc' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
    const glibc = buildFixture({ files, env: { CGO_ENABLED: '1', CC: 'gcc' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
    const t = (libc: 'glibc' | 'musl') => target('linux/amd64', { cgo: true, libc, buildmode: 'c-shared' });
    expect(lines(await validate(musl, t('glibc'), { checks: [linkage] }))).toEqual(['error linkage: needs libc.so, the musl C library, but the target expects glibc']);
    expect(lines(await validate(glibc, t('musl'), { checks: [linkage] }))).toEqual(['error linkage: needs libc.so.6, the glibc C library, but the target expects musl']);
    const sources = Object.entries(files).map(([path, content]) => ({ path, content }));
    expect(lines(await validate(musl, t('musl'), { sources }))).toEqual([]);
    expect(lines(await validate(glibc, t('glibc'), { sources }))).toEqual([]);
  });

  it('linkage: a loader of another arch (host-linked arm64 binary validated as arm64 target)', async () => {
    if (!haveTools('gcc', 'aarch64-linux-gnu-gcc')) return;
    // elf-arch catches the machine; linkage names the foreign loader on its own.
    const host = cgo('gcc', { GOARCH: 'amd64' });
    const r = await validate(host, target('linux/arm64', { cgo: true }), { checks: [linkage] });
    expect(lines(r)).toEqual(['error linkage: loader /lib64/ld-linux-x86-64.so.2 belongs to amd64/glibc, not linux/arm64']);
  });

  it('rpath: -extldflags=-Wl,-rpath,/tmp/x (RUNPATH into /tmp), and policy off silences it', async () => {
    if (!haveTools('gcc')) return;
    const file = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-rpath,/tmp/x']);
    const r = await validate(file, target('linux/amd64', { cgo: true }));
    expect(lines(r)).toEqual(['error rpath: DT_RUNPATH entry "/tmp/x" is a world-writable directory (anyone can plant a library there)']);
    expect((await validate(file, target('linux/amd64', { cgo: true }), { policy: { checks: { rpath: 'off' } } })).findings).toEqual([]);
    const warn = await validate(file, target('linux/amd64', { cgo: true }), { policy: { checks: { rpath: 'warn' } } });
    expect(warn.counts).toMatchObject({ error: 0, warn: 1, total: 1 });
  });

  it('rpath: DT_RPATH (old tags) with relative and empty entries, and an allow-list', async () => {
    if (!haveTools('gcc')) return;
    const file = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,--disable-new-dtags,-rpath,lib::/opt/vendor/lib']);
    const r = await validate(file, target('linux/amd64', { cgo: true }), { checks: [rpath] });
    expect(lines(r)).toEqual([
      'warn rpath: DT_RPATH is used (lib::/opt/vendor/lib); it overrides LD_LIBRARY_PATH and is deprecated',
      'error rpath: DT_RPATH entry "lib" is a relative entry (resolved against the current directory)',
      'error rpath: DT_RPATH entry "" is an empty entry (searches the current directory)',
    ]);
    const allow = await validate(file, target('linux/amd64', { cgo: true }), {
      checks: [rpath],
      policy: { checks: { rpath: ['error', { allow: ['/usr/lib'], allowRpath: true }] } },
    });
    expect(lines(allow)).toContain('error rpath: DT_RPATH entry "/opt/vendor/lib" is not on the policy allow-list');
    expect(lines(allow).some((l) => l.startsWith('warn'))).toBe(false);
  });

  it('rpath: following the fixes (--enable-new-dtags; $ORIGIN instead of /tmp) leaves no finding', async () => {
    if (!haveTools('gcc')) return;
    const old = await validate(cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,--disable-new-dtags,-rpath,/opt/vendor/lib']), target('linux/amd64', { cgo: true }), { checks: [rpath] });
    const [f] = old.findings;
    expect(f.fix).toBe('link with -Wl,--enable-new-dtags (DT_RUNPATH) or drop the rpath');
    const flag = /link with (-Wl,--enable-new-dtags)/.exec(f.fix)![1];
    const fixed = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', `-ldflags=-extldflags=${flag},-rpath,/opt/vendor/lib`]);
    expect((await validate(fixed, target('linux/amd64', { cgo: true }), { checks: [rpath] })).findings).toEqual([]);
    const tmp = await validate(cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-rpath,/tmp/x']), target('linux/amd64', { cgo: true }), { checks: [rpath] });
    expect(tmp.findings[0].fix).toMatch(/or \$ORIGIN$/);
    const origin = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-rpath,$ORIGIN/lib']);
    expect((await validate(origin, target('linux/amd64', { cgo: true }), { checks: [rpath] })).findings).toEqual([]);
  });

  it('hardening: -z execstack', async () => {
    if (!haveTools('gcc')) return;
    const file = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,execstack']);
    const r = await validate(file, target('linux/amd64', { cgo: true }), { checks: [hardening] });
    expect(lines(r)).toEqual(['error hardening: executable stack (PT_GNU_STACK has PF_X)']);
  });

  it('hardening: lazy binding fails a full-RELRO policy; -z now passes it; partial is the default', async () => {
    if (!haveTools('gcc')) return;
    const lazy = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,lazy']);
    const full = { checks: { hardening: ['error', { relro: 'full' }] } };
    expect(lines(await validate(lazy, target('linux/amd64', { cgo: true }), { checks: [hardening], policy: full }))).toEqual([
      'error hardening: partial RELRO: lazy binding leaves the GOT writable (no DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW)',
    ]);
    expect(lines(await validate(lazy, target('linux/amd64', { cgo: true }), { checks: [hardening] }))).toEqual([]);
    const now = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,now']);
    expect(lines(await validate(now, target('linux/amd64', { cgo: true }), { checks: [hardening], policy: full }))).toEqual([]);
    const norelro = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath', '-ldflags=-extldflags=-Wl,-z,norelro']);
    expect(lines(await validate(norelro, target('linux/amd64', { cgo: true }), { checks: [hardening] }))).toEqual([
      'error hardening: no RELRO (PT_GNU_RELRO missing): GOT and dynamic data stay writable',
    ]);
  });

  it('hardening: buildmode pie target but a non-PIE executable; static Go binaries are not asked for RELRO', async () => {
    const exe = hello({ GOOS: 'linux', GOARCH: 'amd64' });
    expect(lines(await validate(exe, target('linux/amd64', { buildmode: 'pie' }), { checks: [hardening] }))).toEqual([
      'error hardening: not position independent (e_type ET_EXEC) though buildmode is pie',
    ]);
    expect(lines(await validate(exe, target('linux/amd64'), { checks: [hardening], policy: { checks: { hardening: ['error', { relro: 'full' }] } } }))).toEqual([]);
  });

  it('hardening: a windows image built with -buildmode=exe has no ASLR', async () => {
    const exe = hello({ GOOS: 'windows', GOARCH: 'amd64' }, [...REPRO, '-buildmode=exe']);
    expect(lines(await validate(exe, target('windows/amd64'), { checks: [hardening] }))).toEqual([
      'error hardening: no ASLR (IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE not set): the image always loads at its preferred base',
    ]);
    expect(lines(await validate(exe, target('windows/amd64'), { checks: [hardening], policy: { checks: { hardening: ['error', { aslr: false }] } } }))).toEqual([]);
  });

  it('hardening: a darwin executable built with -buildmode=exe is not PIE', async () => {
    const exe = hello({ GOOS: 'darwin', GOARCH: 'amd64' }, [...REPRO, '-buildmode=exe']);
    expect(lines(await validate(exe, target('darwin/amd64'), { checks: [hardening] }))).toEqual([
      'error hardening: x86_64 executable is not position independent (MH_PIE not set): no ASLR, and current macOS may refuse to run it',
    ]);
    const pie = hello({ GOOS: 'darwin', GOARCH: 'amd64' });
    expect(lines(await validate(pie, target('darwin/amd64')))).toEqual([]);
  });

  it('exports: a non-static C helper and a C global leak from a c-shared library; a clean one passes', async () => {
    if (!haveTools('gcc')) return;
    const leak = cSharedLib(true);
    const file = buildFixture({ files: leak, env: { CGO_ENABLED: '1', CC: 'gcc' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
    const sources = Object.entries(leak).map(([path, content]) => ({ path, content }));
    const t = target('linux/amd64', { cgo: true, buildmode: 'c-shared' });
    const r = await validate(file, t, { checks: [exportsCheck], sources });
    expect(lines(r).sort()).toEqual([
      'error exports: exports function helper_add1, which is not an //export of the Go sources',
      'error exports: exports object leaky_global, which is not an //export of the Go sources',
    ]);
    const allowed = await validate(file, t, { checks: [exportsCheck], sources, policy: { checks: { exports: ['error', { allow: ['helper_add1', 'leaky_global'] }] } } });
    expect(lines(allowed)).toEqual([]);
    const clean = cSharedLib(false);
    const cleanFile = buildFixture({ files: clean, env: { CGO_ENABLED: '1', CC: 'gcc' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
    const all = await validate(cleanFile, t, { sources: Object.entries(clean).map(([path, content]) => ({ path, content })) });
    expect(lines(all)).toEqual([]);
    if (haveTools('aarch64-linux-gnu-gcc')) {
      const arm64 = buildFixture({
        files: clean,
        env: { CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc', GOARCH: 'arm64' },
        args: ['-trimpath', '-buildmode=c-shared'],
        out: 'libadd.so',
      });
      const srcs = Object.entries(clean).map(([path, content]) => ({ path, content }));
      expect(lines(await validate(arm64, target('linux/arm64', { cgo: true, buildmode: 'c-shared' }), { sources: srcs }))).toEqual([]);
    }
    // Sources declaring an export the library lacks: the artifact is stale.
    const stale = await validate(cleanFile, t, { checks: [exportsCheck], sources: [{ path: 'x.go', content: '//export Sub\nfunc Sub() {}\n' }] });
    expect(lines(stale)).toEqual([
      'error exports: exports function Add, which is not an //export of the Go sources',
      'error exports: //export Sub is declared in the sources but not exported by the library',
    ]);
  });

  it('exports without sources: _cgoexp_ wrappers and the cgo header say what is exported', async () => {
    expect(cgoExportsFromSymbols(['_cgoexp_fa8042028ea6_Add', '_cgoexp_0a1b_Hello', '_cgo_fa8042028ea6_Cfunc_helper', 'Add', '_cgoexp_x_Bad'])).toEqual(new Set(['Add', 'Hello']));
    const header =
      '/* Start of preamble from import "C" comments.  */\nextern int preamble_decl(int);\n' +
      'extern size_t _GoStringLen(_GoString_ s);\n/* End of boilerplate cgo prologue.  */\n' +
      '#ifdef __cplusplus\nextern "C" {\n#endif\nextern int Add(int a, int b);\nextern void Hello(void);\n' +
      'extern struct Pair_return Pair(GoInt x);\nextern __declspec(dllexport) char* Name(void);\n#ifdef __cplusplus\n}\n#endif\n';
    expect(parseCgoHeaderExports(header)).toEqual(['Add', 'Hello', 'Pair', 'Name']);
    expect(parseCgoHeaderExports('extern int Add(int);\n')).toEqual([]);
    if (!haveTools('gcc')) return;
    const t = target('linux/amd64', { cgo: true, buildmode: 'c-shared' });
    const build = (leak: boolean) => buildFixture({ files: cSharedLib(leak), env: { CGO_ENABLED: '1', CC: 'gcc' }, args: ['-trimpath', '-buildmode=c-shared'], out: 'libadd.so' });
    expect(lines(await validate(build(false), t, { checks: [exportsCheck] }))).toEqual([]);
    expect(lines(await validate(build(true), t, { checks: [exportsCheck] })).sort()).toEqual([
      'error exports: exports function helper_add1, which is not an //export (no _cgoexp_ wrapper)',
      'error exports: exports object leaky_global, which is not an //export (no _cgoexp_ wrapper)',
    ]);
  });

  it('glibc-version: ceiling 2.2 on a cgo binary names the symbols; no ceiling, no finding', async () => {
    if (!haveTools('gcc')) return;
    const file = cgo('gcc', { GOARCH: 'amd64' });
    const r = await validate(file, target('linux/amd64', { cgo: true }), { checks: [glibcVersion], policy: { checks: { 'glibc-version': ['error', { max: '2.2' }] } } });
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f.message).toMatch(/^requires GLIBC_2\.\d+ \(ceiling GLIBC_2\.2\): \S+@GLIBC_2\.\d+/);
    const symbols = (f.data as { symbols: string[] }).symbols;
    expect(symbols.length).toBeGreaterThan(3);
    expect(symbols.some((s) => s.startsWith('pthread_') || s.startsWith('__libc_start_main'))).toBe(true);
    expect(f.fix).toBe("link against an older glibc sysroot (glibc ≤ 2.2, e.g. an older distribution's cross toolchain or zig cc -target x86_64-linux-gnu.2.2), or raise the ceiling");
    expect((await validate(file, target('linux/amd64', { cgo: true }), { checks: [glibcVersion] })).findings).toEqual([]);
    expect((await validate(file, target('linux/amd64', { cgo: true }), { checks: [glibcVersion], policy: { checks: { 'glibc-version': ['error', { max: '99.0' }] } } })).findings).toEqual([]);
  });

  it('needed-libs: a library off the allow-list, and the extra parameter', async () => {
    if (!haveTools('gcc')) return;
    const files = {
      'go.mod': CGO_HELLO['go.mod'],
      'main.go':
        'package main\n\n/*\n#cgo LDFLAGS: -lcrypt\n#include <crypt.h>\nstatic const char* hash(void) { return crypt("pw", "ab"); }\n*/\nimport "C"\n\nimport "fmt"\n\nfunc main() { fmt.Println(C.GoString(C.hash())) }\n',
    };
    let file: string;
    try {
      file = cgo('gcc', { GOARCH: 'amd64' }, ['-trimpath'], files);
    } catch (e) {
      if (process.env.CI === 'true') throw e;
      console.warn(`skipping: libcrypt not linkable here: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    const r = await validate(file, target('linux/amd64', { cgo: true }), { checks: [neededLibs] });
    expect(lines(r)).toEqual([expect.stringMatching(/^error needed-libs: needs libcrypt\.so\.\d, which is not on the allowed library list$/)]);
    const lib = (r.findings[0].data as { library: string }).library;
    expect((await validate(file, target('linux/amd64', { cgo: true }), { checks: [neededLibs], policy: { checks: { 'needed-libs': ['error', { extra: [lib] }] } } })).findings).toEqual([]);
  });

  it('buildinfo: GOAMD64=v3 binary for a v1 target, GOARCH/CGO/tags/trimpath mismatches', async () => {
    const v3 = hello({ GOOS: 'linux', GOARCH: 'amd64', GOAMD64: 'v3' });
    expect(lines(await validate(v3, target('linux/amd64/v1'), { checks: [buildinfo] }))).toEqual([
      'error buildinfo: built with GOAMD64=v3, target is GOAMD64=v1: the binary may use instructions the device lacks',
    ]);
    expect(lines(await validate(v3, target('linux/amd64'), { checks: [buildinfo] }))[0]).toMatch(/GOAMD64=v3, target is GOAMD64=v1/);
    expect(lines(await validate(v3, target('linux/amd64/v3'), { checks: [buildinfo] }))).toEqual([]);
    const arm6 = hello({ GOOS: 'linux', GOARCH: 'arm', GOARM: '6' });
    expect(lines(await validate(arm6, target('linux/arm/7'), { checks: [buildinfo] }))[0]).toMatch(/GOARM=6, target is GOARM=7/);
    const tagged = hello({ GOOS: 'linux', GOARCH: 'amd64' }, [...REPRO, '-tags=netgo,osusergo']);
    expect(lines(await validate(tagged, target('linux/amd64'), { checks: [buildinfo] }))).toEqual([
      'error buildinfo: built with tags [netgo, osusergo], target has tags []',
    ]);
    expect(lines(await validate(tagged, target('linux/amd64', { tags: ['osusergo', 'netgo'] }), { checks: [buildinfo] }))).toEqual([]);
    const untrimmed = hello({ GOOS: 'linux', GOARCH: 'amd64' }, ['-buildvcs=false']);
    expect(lines(await validate(untrimmed, target('linux/amd64'), { checks: [buildinfo] }))).toEqual([
      'warn buildinfo: built without -trimpath: local paths are embedded and the build is not reproducible',
    ]);
    const arm64 = hello({ GOOS: 'linux', GOARCH: 'arm64' });
    expect(lines(await validate(arm64, target('linux/amd64', { cgo: true }), { checks: [buildinfo] }))).toEqual([
      'error buildinfo: built with GOARCH=arm64, target is GOARCH=amd64',
      'error buildinfo: built with CGO_ENABLED=0, target has cgo on',
    ]);
    const old = await validate(arm64, target('linux/arm64'), { checks: [buildinfo], policy: { checks: { buildinfo: ['error', { minGoVersion: '99.1' }] } } });
    expect(lines(old)).toEqual([expect.stringMatching(/^error buildinfo: built with go1\.\S+, policy requires go99\.1 or newer$/)]);
  });

  it('buildinfo: replace of golang.org/x/sys with a local directory', async () => {
    const files = {
      'go.mod': 'module example.com/rep\n\ngo 1.22\n\nrequire golang.org/x/sys v0.30.0\n\nreplace golang.org/x/sys => ./third_party/sys\n',
      'third_party/sys/go.mod': 'module golang.org/x/sys\n\ngo 1.22\n',
      'third_party/sys/unix/unix.go': 'package unix\n\nfunc Name() string { return "patched" }\n',
      'main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"golang.org/x/sys/unix"\n)\n\nfunc main() { fmt.Println(unix.Name()) }\n',
    };
    const file = buildFixture({ files, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: REPRO });
    const r = await validate(file, target('linux/arm64'), { checks: [buildinfo] });
    expect(lines(r)).toEqual(['error buildinfo: module golang.org/x/sys is replaced by ./third_party/sys: a local or unofficial copy of a low-level module']);
    expect((await validate(file, target('linux/arm64'), { checks: [buildinfo], policy: { checks: { buildinfo: ['error', { allowReplace: ['golang.org/x/sys'] }] } } })).findings).toEqual([]);
  });

  it('buildinfo: vcs.modified=true fails a policy that forbids dirty builds', async () => {
    if (!haveTools('git')) return;
    const dirty = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: ['-trimpath', '-buildvcs=true'], git: 'dirty' });
    const clean = buildFixture({ files: HELLO, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: ['-trimpath', '-buildvcs=true'], git: 'clean' });
    const strict = { checks: { buildinfo: ['error', { allowDirty: false }] } };
    expect(lines(await validate(dirty, target('linux/arm64'), { checks: [buildinfo], policy: strict }))).toEqual([
      expect.stringMatching(/^error buildinfo: built from a modified working tree \(vcs\.modified=true, revision [0-9a-f]{40}\)$/),
    ]);
    expect(lines(await validate(clean, target('linux/arm64'), { checks: [buildinfo], policy: strict }))).toEqual([]);
    expect(lines(await validate(dirty, target('linux/arm64'), { checks: [buildinfo] }))).toEqual([]);
  });

  it('build-id: present vs empty as the policy demands', async () => {
    const withId = hello({ GOOS: 'linux', GOARCH: 'arm64' }, ['-trimpath', '-buildvcs=false']);
    const noId = hello({ GOOS: 'linux', GOARCH: 'arm64' });
    const t = target('linux/arm64');
    const empty = { checks: { 'build-id': ['error', { require: 'empty' }] } };
    const present = { checks: { 'build-id': ['error', { require: 'present' }] } };
    expect(lines(await validate(withId, t, { checks: [buildId], policy: empty }))).toEqual([expect.stringMatching(/^error build-id: carries Go build id "\S+"/)]);
    expect(lines(await validate(noId, t, { checks: [buildId], policy: empty }))).toEqual([]);
    expect(lines(await validate(noId, t, { checks: [buildId], policy: present }))).toEqual(['error build-id: has no Go build id; the policy asks for one']);
    expect(lines(await validate(withId, t, { checks: [buildId], policy: present }))).toEqual([]);
    expect(lines(await validate(withId, t, { checks: [buildId] }))).toEqual([]);
  });

  it('archive-arch: an x86-64 .syso and .a in an arm64 project; arm64 ones pass', async () => {
    if (!haveTools('gcc', 'aarch64-linux-gnu-gcc', 'ar')) return;
    const code = 'int vendored_add(int a, int b) { return a + b; }\n';
    const sysoX86 = compileC('gcc', code, 'vendor_linux.syso');
    const arX86 = compileC('gcc', code, 'libvendor.a');
    const sysoArm = compileC('aarch64-linux-gnu-gcc', code, 'vendor_linux.syso');
    const arArm = compileC('aarch64-linux-gnu-gcc', code, 'libvendor.a');
    const t = target('linux/arm64');
    expect(lines(await validate(sysoX86, t))).toEqual(['error archive-arch: object is an amd64 ELF object, target is linux/arm64']);
    expect(lines(await validate(arX86, t))).toEqual(['error archive-arch: member x.o is an amd64 ELF object, target is linux/arm64']);
    expect(lines(await validate(sysoArm, t))).toEqual([]);
    expect(lines(await validate(arArm, t))).toEqual([]);
  });

  it('archive-arch: the rename the fix names keeps a foreign .syso out of the link (go build fails before, passes after)', async () => {
    if (!haveTools('gcc', 'go')) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-syso-'));
    try {
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/syso\n\ngo 1.22\n');
      fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
      const syso = path.join(dir, 'vendor_linux.syso');
      fs.copyFileSync(compileC('gcc', 'int vendored_add(int a, int b) { return a + b; }\n', 'vendor_linux.syso'), syso);
      const [f] = (await validate(syso, target('linux/arm64'), { checks: [archiveArch] })).findings;
      expect(f.fix).toBe('rebuild it for arm64, or rename it to vendor_linux_amd64.syso so only linux/amd64 builds link it');
      const env = { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };
      const build = () => spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env, encoding: 'utf8' });
      const before = build();
      expect(before.status).not.toBe(0);
      expect(before.stderr).toMatch(/elf object but not arm64/);
      fs.renameSync(syso, path.join(dir, /rename it to (\S+)/.exec(f.fix)![1]));
      const after = build();
      expect(after.stderr).toBe('');
      expect(after.status).toBe(0);
      // The renamed object still links where it belongs.
      expect(spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: dir, env: { ...env, GOARCH: 'amd64' }, encoding: 'utf8' }).status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('archive-arch: the rename a fix names for .syso files of another OS or format', () => {
    expect(sysoNameFor('libs/app/rsrc.syso', 'windows', 'amd64')).toBe('rsrc_windows_amd64.syso');
    expect(sysoNameFor('vendor_linux.syso', 'linux', 'amd64')).toBe('vendor_linux_amd64.syso');
  });

  it('archive-arch: a COFF .syso for amd64 in a windows/arm64 build, and an ELF .syso in a windows build', async () => {
    if (!haveTools('gcc', 'aarch64-linux-gnu-gcc', 'objcopy')) return;
    // COFF objects made from ELF ones by objcopy (the way resource .syso files are COFF).
    const coff = (cc: string, bfd: string) => {
      const elfObj = compileC(cc, 'int resource_blob(void) { return 1; }\n', 'r.o');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-coff-'));
      const out = path.join(dir, 'rsrc.syso');
      const r = spawnSync('objcopy', ['-O', bfd, elfObj, out], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`objcopy failed: ${r.stderr}`);
      return out;
    };
    const x64 = coff('gcc', 'pe-x86-64');
    const a64 = coff('aarch64-linux-gnu-gcc', 'pe-aarch64-little');
    expect(lines(await validate(x64, target('windows/arm64')))).toEqual(['error archive-arch: object is a COFF object for amd64, target is windows/arm64']);
    expect((await validate(x64, target('windows/arm64'))).findings[0].fix).toMatch(/, or rename it to rsrc_windows_amd64\.syso so only windows\/amd64 builds link it$/);
    expect(lines(await validate(a64, target('windows/arm64')))).toEqual([]);
    expect(lines(await validate(x64, target('linux/amd64')))).toEqual(['error archive-arch: object is a COFF object, but GOOS=linux links ELF objects, target is linux/amd64']);
    const elfObj = compileC('gcc', 'int f(void) { return 1; }\n', 'x.syso');
    expect(lines(await validate(elfObj, target('windows/amd64')))).toEqual(['error archive-arch: object is an ELF object, but GOOS=windows links COFF objects, target is windows/amd64']);
    expect((await validate(elfObj, target('windows/amd64'))).findings[0].fix).toMatch(/, or rename it to x_linux_amd64\.syso so only linux\/amd64 builds link it$/);
    for (const f of [x64, a64]) fs.rmSync(path.dirname(f), { recursive: true, force: true });
  });

  it('archive-arch: a Go package archive compiled for linux/arm64 in a linux/amd64 or windows/arm64 link', async () => {
    const files = { 'go.mod': 'module example.com/lib\n\ngo 1.22\n', 'lib.go': 'package lib\n\nfunc Twice(x int) int { return 2 * x }\n' };
    const file = buildFixture({ files, env: { GOOS: 'linux', GOARCH: 'arm64' }, args: ['-trimpath'], out: 'lib.a' });
    expect(lines(await validate(file, target('linux/arm64')))).toEqual([]);
    // The export data (__.PKGDEF) and the code (_go_.o) both carry the header.
    expect(lines(await validate(file, target('linux/amd64'), { checks: [archiveArch] })).sort()).toEqual([
      'error archive-arch: member __.PKGDEF is a Go object for linux/arm64, target is linux/amd64',
      'error archive-arch: member _go_.o is a Go object for linux/arm64, target is linux/amd64',
    ]);
    expect(lines(await validate(file, target('windows/arm64'), { checks: [archiveArch] }))[0]).toMatch(/is a Go object for linux\/arm64, target is windows\/arm64/);
  });

  it('archive-arch: a c-archive built for arm64 validated as amd64 names Go and C members', async () => {
    if (!haveTools('aarch64-linux-gnu-gcc')) return;
    const file = buildFixture({
      files: cSharedLib(false),
      env: { CGO_ENABLED: '1', CC: 'aarch64-linux-gnu-gcc', GOARCH: 'arm64' },
      args: ['-trimpath', '-buildmode=c-archive'],
      out: 'libadd.a',
    });
    expect(lines(await validate(file, target('linux/arm64', { cgo: true, buildmode: 'c-archive' })))).toEqual([]);
    const r = await validate(file, target('linux/amd64', { cgo: true, buildmode: 'c-archive' }), { checks: [archiveArch] });
    expect(r.findings.length).toBeGreaterThan(1);
    expect(lines(r).every((l) => /member \S+ is an arm64 ELF object, target is linux\/amd64/.test(l))).toBe(true);
  });
});
