import { spawnSync } from 'node:child_process';
import { aptInstallable } from '../executors/doctor/test-utils/apt';
import { which } from './which';
import { debianArch, debianCCompilerPackage, DEBIAN_MINGW_GCC, debianLibcCrossPackage, debianLibcDevCrossPackage, DEBIAN_ARCH, DEBIAN_ARCH_BY_TRIPLE, tripleOfCompiler } from './debian';
import { parsePlatform } from './platform';
import { debianGccPackage } from './toolchain';
import { cTriple } from './arch';

describe('Debian architecture of a platform', () => {
  it.each([
    ['linux/arm64', 'arm64'],
    ['linux/arm/7', 'armhf'],
    ['linux/arm/6', 'armhf'],
    ['linux/arm/5', 'armel'],
    ['linux/arm/7,softfloat', 'armel'],
    ['linux/riscv64', 'riscv64'],
    ['linux/ppc64le', 'ppc64el'],
    ['linux/386', 'i386'],
    ['linux/mips64le', 'mips64el'],
  ])('%s → %s', (p, arch) => {
    expect(debianArch(parsePlatform(p))).toBe(arch);
  });
  it('has none for musl, other OSes, or arches Debian 12 ships no cross libc for', () => {
    expect(debianArch(parsePlatform('linux/arm64'), 'musl')).toBeUndefined();
    expect(debianArch(parsePlatform('darwin/arm64'))).toBeUndefined();
    expect(debianArch(parsePlatform('linux/loong64'))).toBeUndefined();
  });
  it('agrees with the triple table for every glibc triple', () => {
    for (const [goarch, arch] of Object.entries(DEBIAN_ARCH)) {
      const triple = cTriple({ goos: 'linux', goarch }, 'glibc') as string;
      expect(DEBIAN_ARCH_BY_TRIPLE[triple]).toBe(arch);
    }
  });
  it('names the Debian C compiler package, where Debian has one', () => {
    expect(debianCCompilerPackage(parsePlatform('linux/arm/7'))).toBe('gcc-arm-linux-gnueabihf');
    expect(debianCCompilerPackage(parsePlatform('linux/arm/5'))).toBe('gcc-arm-linux-gnueabi');
    expect(debianCCompilerPackage(parsePlatform('linux/arm/5'))).toBe(debianGccPackage(cTriple(parsePlatform('linux/arm/5')) as string));
    expect(debianCCompilerPackage(parsePlatform('windows/amd64'))).toBe('gcc-mingw-w64-x86-64');
    expect(debianCCompilerPackage(parsePlatform('windows/arm64'))).toBeUndefined();
    expect(debianCCompilerPackage(parsePlatform('darwin/arm64'))).toBeUndefined();
    expect(debianCCompilerPackage(parsePlatform('linux/arm64'), 'musl')).toBeUndefined();
    expect(debianCCompilerPackage(parsePlatform('linux/loong64'))).toBeUndefined();
  });
  it('reads the triple from a compiler command', () => {
    expect(tripleOfCompiler('arm-linux-gnueabihf-gcc')).toBe('arm-linux-gnueabihf');
    expect(tripleOfCompiler('/opt/cross/bin/aarch64-linux-gnu-gcc-12 -O2')).toBe('aarch64-linux-gnu');
    expect(tripleOfCompiler('x86_64-w64-mingw32-gcc')).toBe('x86_64-w64-mingw32');
    expect(tripleOfCompiler('gcc')).toBeUndefined();
    expect(tripleOfCompiler('musl-gcc')).toBeUndefined();
    expect(tripleOfCompiler('zig cc -target aarch64-linux-gnu')).toBeUndefined();
    expect(tripleOfCompiler('clang --target=aarch64-linux-gnu')).toBe('aarch64-linux-gnu');
    expect(tripleOfCompiler('clang-16 -target riscv64-linux-gnu -O2')).toBe('riscv64-linux-gnu');
    expect(tripleOfCompiler('clang -O2')).toBeUndefined();
  });
});

describe("every package named exists in this machine's apt lists", () => {
  it('libc6-dev-<arch>-cross, libc6-<arch>-cross and gcc-<triple> for every triple', () => {
    if (!which('apt-cache')) {
      if (process.env.CI === 'true') throw new Error('apt-cache is required on CI');
      console.warn('skipped: apt-cache is not installed (not a Debian/Ubuntu machine)');
      return;
    }
    const names = Object.keys(DEBIAN_ARCH_BY_TRIPLE).flatMap((t) => [debianLibcDevCrossPackage(t) as string, debianLibcCrossPackage(t) as string, debianGccPackage(t)]);
    names.push(...Object.values(DEBIAN_MINGW_GCC));
    expect(names.length).toBeGreaterThan(30);
    expect(aptInstallable(names)).toEqual(names);
    expect(aptInstallable(['libc6-dev-nosucharch-cross'])).toEqual([]);
  });
});
