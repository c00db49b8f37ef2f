/**
 * Debian/Ubuntu facts per target: the Debian architecture name of a platform and the packages
 * that provide its cross C library. Data only; every name here is checked against
 * `apt-cache show` in debian.spec.ts.
 *
 *   libc6-dev-<arch>-cross   headers (stdio.h, bits/wordsize.h, gnu/stubs-*.h) and crt files
 *                            (crt1.o, crti.o, libc.so) in /usr/<triple>/{include,lib}
 *   libc6-<arch>-cross       the loader and shared libc in /usr/<triple>/lib, what qemu-user
 *                            needs (-L /usr/<triple>) to run a dynamic binary
 *   gcc-<triple>             the cross compiler (see debianGccPackage in toolchain.ts)
 */
import { ARCHES, cTriple } from './arch';
import type { Libc, Platform } from './types';

/** Debian architecture per GOARCH for the glibc hard-float ABI (`arm` is armhf; soft float is armel). */
export const DEBIAN_ARCH: Readonly<Record<string, string>> = Object.fromEntries(
  ARCHES.filter((r) => r.debianArch).map((r) => [r.goarch, r.debianArch as string]),
);

/** Debian architecture per GNU triple of the glibc cross compilers Debian ships (loong64 has none). */
export const DEBIAN_ARCH_BY_TRIPLE: Readonly<Record<string, string>> = Object.fromEntries(
  ARCHES.flatMap((r) => [
    ...(r.debianArch ? [[r.cTriples.glibc, r.debianArch]] : []),
    ...(r.debianArchSoftFloat && r.cTriples.glibcSoftFloat ? [[r.cTriples.glibcSoftFloat, r.debianArchSoftFloat]] : []),
  ]),
);

/** The Debian architecture of a linux glibc platform (`linux/arm/5` → armel), or undefined. */
export function debianArch(p: Platform, libc: Libc = 'glibc'): string | undefined {
  if (p.goos !== 'linux' || libc !== 'glibc') return undefined;
  const triple = cTriple(p, 'glibc');
  return (triple && DEBIAN_ARCH_BY_TRIPLE[triple]) ?? DEBIAN_ARCH[p.goarch];
}

/** `libc6-dev-armhf-cross`: headers and crt files of the target's glibc, for a triple. */
export function debianLibcDevCrossPackage(triple: string): string | undefined {
  const arch = DEBIAN_ARCH_BY_TRIPLE[triple];
  return arch ? `libc6-dev-${arch}-cross` : undefined;
}

/**
 * The package with the C headers and crt files a compiler for `triple` needs on a machine whose
 * own triple is `hostTriple`: `libc6-dev` for the machine's own triple (Debian's native gcc is also
 * named `<triple>-gcc`, e.g. x86_64-linux-gnu-gcc), else `libc6-dev-<arch>-cross`.
 */
export function debianLibcDevPackage(triple: string, hostTriple: string | undefined): string | undefined {
  return triple === hostTriple ? 'libc6-dev' : debianLibcDevCrossPackage(triple);
}

/** `libc6-armhf-cross`: the target's loader and shared glibc (what qemu-user -L needs), for a triple. */
export function debianLibcCrossPackage(triple: string): string | undefined {
  const arch = DEBIAN_ARCH_BY_TRIPLE[triple];
  return arch ? `libc6-${arch}-cross` : undefined;
}

/**
 * The GNU triple a compiler command targets, when it says so: named after it
 * (`/opt/x/bin/arm-linux-gnueabi-gcc-12` → `arm-linux-gnueabi`) or clang's `--target=`/`-target`.
 * zig is left out: it brings its own C library, so no Debian package applies.
 */
export function tripleOfCompiler(cc: string | undefined): string | undefined {
  const words = cc?.trim().split(/\s+/) ?? [];
  const first = words[0];
  if (!first) return undefined;
  const base = first.slice(first.lastIndexOf('/') + 1);
  if (base === 'zig' || base.endsWith('-zig')) return undefined;
  const named = /^([\w.]+-[\w.]+-[\w.]+(?:-[\w.]+)?)-(?:gcc|g\+\+|cc|c\+\+|clang)(?:-[\d.]+)?$/.exec(base);
  if (named) return named[1];
  for (let i = 1; i < words.length; i++) {
    const m = /^--?target=(\S+)$/.exec(words[i]);
    if (m) return m[1];
    if ((words[i] === '-target' || words[i] === '--target') && words[i + 1]) return words[i + 1];
  }
  return undefined;
}

/** MinGW-w64 cross compilers Debian ships for windows targets. */
export const DEBIAN_MINGW_GCC: Readonly<Record<string, string>> = {
  amd64: 'gcc-mingw-w64-x86-64',
  '386': 'gcc-mingw-w64-i686',
};

/**
 * The Debian package with a C compiler for a platform (glibc): `gcc-aarch64-linux-gnu`,
 * `gcc-mingw-w64-x86-64` for windows/amd64; undefined when Debian has none (darwin, musl, loong64).
 */
export function debianCCompilerPackage(p: Platform, libc: Libc = 'glibc'): string | undefined {
  if (libc !== 'glibc') return undefined;
  if (p.goos === 'windows') return DEBIAN_MINGW_GCC[p.goarch];
  const triple = cTriple(p, 'glibc');
  return triple && DEBIAN_ARCH_BY_TRIPLE[triple] ? `gcc-${triple.replace(/_/g, '-')}` : undefined;
}
