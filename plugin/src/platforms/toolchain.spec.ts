import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { debianGccPackage, guessCxx, resolveCToolchain, ToolchainRequest, variantCflags, zigTarget } from './toolchain';
import { parsePlatform } from './platform';
import { which as realWhich } from './which';
import { all, haveTools, hostIs, itIf } from '../test-utils/gates';
import { goTestEnv } from '../test-utils/go';

function fakeWhich(...present: string[]): (cmd: string) => string | undefined {
  return (cmd) => (present.includes(cmd) ? `/usr/bin/${cmd}` : undefined);
}

function req(platform: string, extra: Partial<ToolchainRequest> = {}): ToolchainRequest {
  return {
    platform: parsePlatform(platform),
    env: {},
    hostGoos: 'linux',
    hostGoarch: 'amd64',
    which: fakeWhich(),
    ...extra,
  };
}

const goChildEnv = goTestEnv;

describe('resolveCToolchain order', () => {
  it('prefers the cc/cxx options', () => {
    const r = resolveCToolchain(
      req('linux/arm64', {
        cc: 'clang --target=aarch64-linux-gnu',
        env: { CC_FOR_linux_arm64: 'aarch64-linux-gnu-gcc' },
        which: fakeWhich('clang', 'aarch64-linux-gnu-gcc'),
      }),
    );
    expect(r).toEqual({
      ok: true,
      toolchain: expect.objectContaining({ cc: 'clang --target=aarch64-linux-gnu', cxx: 'clang++ --target=aarch64-linux-gnu', source: 'option' }),
    });
  });

  it('refuses an option compiler that does not exist', () => {
    const r = resolveCToolchain(req('linux/arm64', { cc: 'nope-gcc' }));
    expect(r).toEqual({ ok: false, message: expect.stringContaining('"nope-gcc" (option cc) was not found') });
  });

  it('uses CC_FOR_<goos>_<goarch>, upper-case form, then CC_FOR_TARGET', () => {
    const w = fakeWhich('a-gcc', 'b-gcc', 'c-gcc', 'aarch64-linux-gnu-gcc');
    const lower = resolveCToolchain(
      req('linux/arm64', { env: { CC_FOR_linux_arm64: 'a-gcc', CC_FOR_LINUX_ARM64: 'b-gcc', CC_FOR_TARGET: 'c-gcc' }, which: w }),
    );
    expect(lower.ok && lower.toolchain).toMatchObject({ cc: 'a-gcc', cxx: 'a-g++', source: 'env' });
    const upper = resolveCToolchain(req('linux/arm64', { env: { CC_FOR_LINUX_ARM64: 'b-gcc', CC_FOR_TARGET: 'c-gcc' }, which: w }));
    expect(upper.ok && upper.toolchain).toMatchObject({ cc: 'b-gcc', source: 'env' });
    const target = resolveCToolchain(
      req('linux/arm64', { env: { CC_FOR_TARGET: 'c-gcc', CXX_FOR_TARGET: 'c-clang++' }, which: w }),
    );
    expect(target.ok && target.toolchain).toMatchObject({ cc: 'c-gcc', cxx: 'c-clang++', source: 'env' });
  });

  it('ignores plain $CC (it names the host compiler)', () => {
    const r = resolveCToolchain(req('linux/arm64', { env: { CC: 'gcc' }, which: fakeWhich('gcc') }));
    expect(r.ok).toBe(false);
  });

  it('finds cross compilers by triple, per variant and libc', () => {
    const w = fakeWhich(
      'aarch64-linux-gnu-gcc', 'arm-linux-gnueabihf-gcc', 'arm-linux-gnueabi-gcc', 'riscv64-linux-gnu-gcc',
      'aarch64-linux-musl-gcc', 'mips-linux-gnu-gcc', 'x86_64-linux-gnu-gcc',
    );
    const cc = (p: string, libc?: 'glibc' | 'musl') => {
      const r = resolveCToolchain(req(p, { which: w, libc }));
      return r.ok ? `${r.toolchain.source}:${r.toolchain.cc}` : r.message;
    };
    expect(cc('linux/arm64')).toBe('path:aarch64-linux-gnu-gcc');
    expect(cc('linux/arm64', 'musl')).toBe('path:aarch64-linux-musl-gcc');
    expect(cc('linux/arm/7')).toBe('path:arm-linux-gnueabihf-gcc');
    expect(cc('linux/arm')).toBe('path:arm-linux-gnueabihf-gcc');
    expect(cc('linux/arm/6')).toBe('path:arm-linux-gnueabihf-gcc');
    expect(cc('linux/arm/5')).toBe('path:arm-linux-gnueabi-gcc');
    expect(cc('linux/arm/7,softfloat')).toBe('path:arm-linux-gnueabi-gcc');
    expect(cc('linux/riscv64')).toBe('path:riscv64-linux-gnu-gcc');
    expect(cc('linux/mips/hardfloat')).toBe('path:mips-linux-gnu-gcc');
    expect(cc('linux/amd64')).toBe('path:x86_64-linux-gnu-gcc');
  });

  it('uses musl-gcc for host musl only', () => {
    const w = fakeWhich('musl-gcc', 'gcc');
    const host = resolveCToolchain(req('linux/amd64', { libc: 'musl', which: w }));
    expect(host.ok && host.toolchain).toMatchObject({ cc: 'musl-gcc', source: 'path' });
    const foreign = resolveCToolchain(req('linux/arm64', { libc: 'musl', which: w }));
    expect(foreign.ok).toBe(false);
    if (!foreign.ok) expect(foreign.message).toMatch(/musl/);
  });

  it('falls back to zig cc with the matching target', () => {
    const w = fakeWhich('zig', 'gcc');
    const r = resolveCToolchain(req('linux/arm64', { which: w, libc: 'musl' }));
    expect(r.ok && r.toolchain).toMatchObject({ cc: 'zig cc -target aarch64-linux-musl', cxx: 'zig c++ -target aarch64-linux-musl', source: 'zig' });
    const mac = resolveCToolchain(req('darwin/arm64', { which: w }));
    expect(mac.ok && mac.toolchain.cc).toBe('zig cc -target aarch64-macos');
    expect(zigTarget(parsePlatform('linux/arm/6'))).toBe('arm-linux-gnueabihf');
    expect(zigTarget(parsePlatform('linux/arm/5'))).toBe('arm-linux-gnueabi');
    expect(zigTarget(parsePlatform('linux/mips64le'))).toBe('mips64el-linux-gnuabi64');
    expect(zigTarget(parsePlatform('plan9/amd64'))).toBeUndefined();
  });

  it('uses the host compiler only for the host platform with glibc', () => {
    const w = fakeWhich('gcc');
    const host = resolveCToolchain(req('linux/amd64', { which: w }));
    expect(host.ok && host.toolchain).toMatchObject({ cc: 'gcc', cxx: 'g++', source: 'host' });
    const v3 = resolveCToolchain(req('linux/amd64/v3', { which: w }));
    expect(v3.ok && v3.toolchain.cflags).toEqual(['-march=x86-64-v3']);
    expect(resolveCToolchain(req('linux/arm64', { which: w })).ok).toBe(false);
    expect(resolveCToolchain(req('linux/amd64', { which: w, libc: 'musl' })).ok).toBe(false);
    const mac = resolveCToolchain(req('darwin/arm64', { which: fakeWhich('cc'), hostGoos: 'darwin', hostGoarch: 'arm64' }));
    expect(mac.ok && mac.toolchain).toMatchObject({ cc: 'cc', cxx: 'c++', source: 'host' });
  });

  it('names the Debian package and the zig alternative when nothing fits', () => {
    const r = resolveCToolchain(req('linux/riscv64', { which: fakeWhich('gcc') }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('apt-get install -y gcc-riscv64-linux-gnu');
    expect(r.message).toContain('zig cc -target riscv64-linux-gnu');
    expect(r.message).toContain('CC_FOR_linux_riscv64');
    expect(r.message.split('\n')).toHaveLength(1);
    const arm5 = resolveCToolchain(req('linux/arm/5'));
    expect(!arm5.ok && arm5.message).toContain('gcc-arm-linux-gnueabi ');
    expect(debianGccPackage('x86_64-linux-gnu')).toBe('gcc-x86-64-linux-gnu');
    expect(debianGccPackage('mips64el-linux-gnuabi64')).toBe('gcc-mips64el-linux-gnuabi64');
  });

  it('finds MinGW-w64 for windows and names its Debian package', () => {
    const r = resolveCToolchain(req('windows/amd64', { which: fakeWhich('x86_64-w64-mingw32-gcc') }));
    expect(r.ok && r.toolchain).toMatchObject({ cc: 'x86_64-w64-mingw32-gcc', cxx: 'x86_64-w64-mingw32-g++', source: 'path' });
    const none = resolveCToolchain(req('windows/amd64'));
    expect(!none.ok && none.message).toContain('apt-get install -y gcc-mingw-w64-x86-64');
    expect(!none.ok && none.message).toContain('zig cc -target x86_64-windows-gnu');
  });

  it('refuses musl for non-linux targets', () => {
    const r = resolveCToolchain(req('darwin/arm64', { libc: 'musl', which: fakeWhich('zig') }));
    expect(r.ok).toBe(false);
  });
});

describe('variantCflags', () => {
  const f = (p: string, user: string[] = []) => variantCflags(parsePlatform(p), user);
  it('derives -march from the variant', () => {
    expect(f('linux/arm64')).toEqual([]);
    expect(f('linux/arm64/v8.0')).toEqual(['-march=armv8-a']);
    expect(f('linux/arm64/v8.2')).toEqual(['-march=armv8.2-a']);
    expect(f('linux/arm64/v8.2,lse,crypto')).toEqual(['-march=armv8.2-a+lse+crypto']);
    expect(f('linux/arm64/v9.0')).toEqual(['-march=armv9-a']);
    expect(f('linux/arm/7')).toEqual(['-march=armv7-a+fp', '-mfloat-abi=hard']);
    expect(f('linux/arm/6')).toEqual(['-march=armv6+fp', '-marm', '-mfloat-abi=hard']);
    expect(f('linux/arm/5')).toEqual(['-march=armv5te', '-marm', '-mfloat-abi=soft']);
    expect(f('linux/amd64/v1')).toEqual([]);
    expect(f('linux/riscv64/rva22u64')).toEqual(['-march=rv64gc_zba_zbb_zbs']);
    expect(f('linux/ppc64le/power9')).toEqual(['-mcpu=power9']);
    expect(f('linux/mipsle/softfloat')).toEqual(['-msoft-float']);
  });
  it('leaves out the kinds the user sets', () => {
    expect(f('linux/arm/7', ['-march=armv7-a+neon-vfpv4'])).toEqual(['-mfloat-abi=hard']);
    expect(f('linux/arm/6', ['-mthumb'])).toEqual(['-march=armv6+fp', '-mfloat-abi=hard']);
    expect(f('linux/arm64/v8.2', ['-mcpu=cortex-a76'])).toEqual(['-march=armv8.2-a']);
  });
  it('guesses CXX from CC', () => {
    expect(guessCxx('aarch64-linux-gnu-gcc')).toBe('aarch64-linux-gnu-g++');
    expect(guessCxx('/opt/x/bin/arm-linux-gnueabihf-gcc-12')).toBe('/opt/x/bin/arm-linux-gnueabihf-g++-12');
    expect(guessCxx('zig cc -target aarch64-linux-musl')).toBe('zig c++ -target aarch64-linux-musl');
    expect(guessCxx('cc')).toBe('c++');
  });
});

/** Every -march the resolver emits must be accepted by the installed Debian cross gcc. */
describe('variant flags against the installed cross gcc', () => {
  const cases: [string, string][] = [
    ['linux/arm64/v8.0', 'aarch64-linux-gnu-gcc'],
    ['linux/arm64/v8.2,lse,crypto', 'aarch64-linux-gnu-gcc'],
    ['linux/arm64/v8.8', 'aarch64-linux-gnu-gcc'],
    ['linux/arm/7', 'arm-linux-gnueabihf-gcc'],
    ['linux/arm/6', 'arm-linux-gnueabihf-gcc'],
    ['linux/riscv64/rva20u64', 'riscv64-linux-gnu-gcc'],
    ['linux/riscv64/rva22u64', 'riscv64-linux-gnu-gcc'],
    ['linux/riscv64/rva23u64', 'riscv64-linux-gnu-gcc'],
  ];
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cflags-'));
    fs.writeFileSync(path.join(dir, 't.c'), 'double f(double x, int n) { return x * n; }\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [platform, gcc] of cases)
  itIf(haveTools(gcc))(`${platform} with ${gcc}`, () => {
    const flags = variantCflags(parsePlatform(platform));
    const r = spawnSync(gcc, ['-c', ...flags, path.join(dir, 't.c'), '-o', path.join(dir, 't.o')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('GOARM=6 C code is ARMv6 code (readelf as an independent oracle)', () => {
  itIf(haveTools('arm-linux-gnueabihf-gcc', 'readelf'))('defaults emit v7/Thumb-2, derived flags emit v6 with VFPv2 and the hard-float ABI', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-armv6-'));
    try {
      fs.writeFileSync(path.join(dir, 't.c'), 'double f(double x, int n) { return x * n; }\n');
      const attrs = (flags: string[]) => {
        const o = path.join(dir, `t${flags.length}.o`);
        expect(spawnSync('arm-linux-gnueabihf-gcc', ['-c', ...flags, 't.c', '-o', o], { cwd: dir }).status).toBe(0);
        return spawnSync('readelf', ['-A', o], { encoding: 'utf8' }).stdout;
      };
      const plain = attrs([]);
      expect(plain).toMatch(/Tag_CPU_arch: v7\b/);
      expect(plain).toMatch(/Tag_THUMB_ISA_use: Thumb-2/);
      const v6 = attrs(variantCflags(parsePlatform('linux/arm/6')));
      expect(v6).toMatch(/Tag_CPU_arch: v6\b/);
      expect(v6).not.toMatch(/Thumb-2/);
      expect(v6).toMatch(/Tag_FP_arch: VFPv2/);
      expect(v6).toMatch(/Tag_ABI_VFP_args: VFP registers/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Minimal ELF32/64 LE header + PT_INTERP reader, independent of the plugin's readers. */
function elfFacts(file: string): { cls: number; machine: number; flags: number; interp?: string } {
  const b = fs.readFileSync(file);
  expect(b.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  expect(b[5]).toBe(1); // little endian for the platforms tested here
  const cls = b[4];
  const machine = b.readUInt16LE(18);
  const is64 = cls === 2;
  const phoff = is64 ? Number(b.readBigUInt64LE(32)) : b.readUInt32LE(28);
  const flags = b.readUInt32LE(is64 ? 48 : 36);
  const phentsize = b.readUInt16LE(is64 ? 54 : 42);
  const phnum = b.readUInt16LE(is64 ? 56 : 44);
  let interp: string | undefined;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (b.readUInt32LE(o) !== 3) continue;
    const off = is64 ? Number(b.readBigUInt64LE(o + 8)) : b.readUInt32LE(o + 4);
    const size = is64 ? Number(b.readBigUInt64LE(o + 32)) : b.readUInt32LE(o + 16);
    interp = b.subarray(off, off + size).toString('latin1').replace(/\0+$/, '');
  }
  return { cls, machine, flags, interp };
}

describe('real cgo cross builds with the resolved toolchain', () => {
  const workspace = path.resolve(__dirname, '../../..');
  const example = path.join(workspace, 'examples/apps/cgo-hello');
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-cgo-'));
    if (!fs.existsSync(path.join(example, 'main.go'))) {
      // Stand-alone copy when the example is not there.
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src/go.mod'), 'module example.com/cgohello\n\ngo 1.22\n');
      fs.writeFileSync(
        path.join(dir, 'src/main.go'),
        'package main\n\n/*\nstatic int add(int a, int b) { return a + b; }\n*/\nimport "C"\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() {\n\tfmt.Printf("cgo: 2+3=%d %s/%s\\n", int(C.add(2, 3)), runtime.GOOS, runtime.GOARCH)\n}\n',
      );
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { platform: 'linux/arm64', gcc: 'aarch64-linux-gnu-gcc', qemu: 'qemu-aarch64', sysroot: '/usr/aarch64-linux-gnu', interp: '/lib/ld-linux-aarch64.so.1', machine: 183, cls: 2 },
    { platform: 'linux/arm/7', gcc: 'arm-linux-gnueabihf-gcc', qemu: 'qemu-arm', sysroot: '/usr/arm-linux-gnueabihf', interp: '/lib/ld-linux-armhf.so.3', machine: 40, cls: 1 },
  ];
  for (const c of cases)
  itIf(haveTools('go', c.gcc, c.qemu))(`${c.platform} builds with ${c.gcc}, has the right loader and runs under ${c.qemu}`, () => {
    const go = realWhich('go');
    if (!go) throw new Error('go is required');
    const p = parsePlatform(c.platform);
    const r = resolveCToolchain({ platform: p, env: process.env, hostGoos: 'linux', hostGoarch: hostGoarch() });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.toolchain).toMatchObject({ cc: c.gcc, source: 'path' });
    const src = fs.existsSync(path.join(example, 'main.go')) ? example : path.join(dir, 'src');
    const out = path.join(dir, `hello-${p.goarch}`);
    const env = goChildEnv({
      GOFLAGS: '-mod=mod',
      GOOS: p.goos,
      GOARCH: p.goarch,
      CGO_ENABLED: '1',
      CC: r.toolchain.cc,
      CXX: r.toolchain.cxx,
      CGO_CFLAGS: ['-O2', '-g', ...r.toolchain.cflags].join(' '),
    });
    if (p.variant) env.GOARM = p.variant;
    const b = spawnSync(go, ['build', '-trimpath', '-o', out, '.'], { cwd: src, env, encoding: 'utf8' });
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    const facts = elfFacts(out);
    expect(facts.machine).toBe(c.machine);
    expect(facts.cls).toBe(c.cls);
    expect(facts.interp).toBe(c.interp);
    if (p.goarch === 'arm') {
      expect(facts.flags & 0xff000000).toBe(0x05000000); // EABI version 5
      expect(facts.flags & 0x400).toBe(0x400); // EF_ARM_ABI_FLOAT_HARD
    }
    const run = spawnSync(c.qemu, ['-L', c.sysroot, out], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`cgo: 2+3=5 linux/${p.goarch}\n`);
  });
});

describe('musl on the host, for real', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-musl-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/muslhello\n\ngo 1.22\n');
    fs.writeFileSync(
      path.join(dir, 'main.go'),
      'package main\n\n/*\n#include <stdio.h>\nstatic void hello(void) { puts("hello from musl"); fflush(stdout); }\n*/\nimport "C"\n\nfunc main() { C.hello() }\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  itIf(all(hostIs('linux', 'x64'), haveTools('musl-gcc')))('links against musl: musl loader when dynamic, no loader with -extldflags -static', () => {
    const r = resolveCToolchain({ platform: parsePlatform('linux/amd64'), libc: 'musl', env: process.env, hostGoos: 'linux', hostGoarch: 'amd64' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.toolchain.cc).toMatch(/^(x86_64-linux-musl-gcc|musl-gcc)$/);
    const env = goChildEnv({ CGO_ENABLED: '1', CC: r.toolchain.cc });
    const dyn = path.join(dir, 'dyn');
    const st = path.join(dir, 'static');
    expect(spawnSync('go', ['build', '-o', dyn, '.'], { cwd: dir, env, encoding: 'utf8' }).stderr).toBe('');
    expect(elfFacts(dyn).interp).toBe('/lib/ld-musl-x86_64.so.1');
    const b = spawnSync('go', ['build', '-ldflags=-linkmode=external -extldflags=-static', '-o', st, '.'], { cwd: dir, env, encoding: 'utf8' });
    expect(b.stderr).toBe('');
    expect(elfFacts(st).interp).toBeUndefined();
    expect(spawnSync(st, [], { encoding: 'utf8' }).stdout).toBe('hello from musl\n');
  });
});

function hostGoarch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64' } as Record<string, string>)[
    process.arch
  ] ?? process.arch;
}

describe('the package the no-compiler message names exists', () => {
  const haveApt = haveTools('apt-cache', 'dpkg');
  const pkgOf = (message: string) => /apt-get install -y (\S+)/.exec(message)?.[1];

  it('names gcc, not a virtual gcc-<triple>, for the host platform', () => {
    for (const arch of ['amd64', 'arm64', hostGoarch()]) {
      const r = resolveCToolchain(req(`linux/${arch}`, { which: fakeWhich(), hostGoarch: arch }));
      expect(!r.ok && r.message).toMatch(/^no C compiler for linux\/\w+ \(gcc, cc, clang and [\w-]+-gcc not on PATH\): apt-get install -y gcc \(Debian\/Ubuntu\)/);
    }
  });

  itIf(haveApt)('apt-cache show knows every package it names', () => {
    const named: [string, string | undefined][] = [];
    const host = resolveCToolchain(req(`linux/${hostGoarch()}`, { which: fakeWhich(), hostGoarch: hostGoarch() }));
    named.push(['host', pkgOf(!host.ok ? host.message : '')]);
    for (const p of ['linux/arm64', 'linux/arm/7', 'linux/arm/5', 'linux/riscv64', 'linux/386', 'linux/ppc64le', 'windows/amd64']) {
      const r = resolveCToolchain(req(p, { which: fakeWhich() }));
      named.push([p, pkgOf(!r.ok ? r.message : '')]);
    }
    const musl = resolveCToolchain(req(`linux/${hostGoarch()}`, { which: fakeWhich(), hostGoarch: hostGoarch(), libc: 'musl' }));
    named.push(['host musl', pkgOf(!musl.ok ? musl.message : '')]);
    expect(named[0][1]).toBe('gcc');
    expect(named[named.length - 1][1]).toBe('musl-tools');
    // One apt-cache call: it reads the package lists each time.
    const pkgs = named.map(([, pkg]) => pkg ?? 'none');
    const stdout = spawnSync('apt-cache', ['show', '--no-all-versions', ...pkgs], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout;
    const shown = new Set([...stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
    expect(named.filter(([, pkg]) => !pkg || !shown.has(pkg))).toEqual([]);
  });
  itIf(all(haveApt, haveTools('gcc')))('dpkg -S of the host gcc names gcc', () => {
    const gcc = realWhich('gcc', process.env) as string;
    expect(spawnSync('dpkg', ['-S', gcc], { encoding: 'utf8' }).stdout).toMatch(/^gcc: /m);
  });
  itIf(all(haveApt, haveTools('musl-gcc')))('dpkg -S of musl-gcc names musl-tools', () => {
    const muslGcc = realWhich('musl-gcc', process.env) as string;
    expect(spawnSync('dpkg', ['-S', muslGcc], { encoding: 'utf8' }).stdout).toMatch(/^musl-tools: /m);
  });
});
