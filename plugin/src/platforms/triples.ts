import type { Libc, Platform } from './types';

/**
 * GNU target triples of the C cross compilers for linux/<goarch>, as Debian and musl-cross
 * name them (`aarch64-linux-gnu-gcc`). Data only: which compiler is actually used is decided
 * by the toolchain resolver.
 */
export interface CTriples {
  glibc: string;
  musl: string;
  /** Triples for soft-float variants (GOARM=5 or `,softfloat`; GOMIPS=softfloat). */
  glibcSoftFloat?: string;
  muslSoftFloat?: string;
}

export const LINUX_C_TRIPLES: Readonly<Record<string, CTriples>> = {
  amd64: { glibc: 'x86_64-linux-gnu', musl: 'x86_64-linux-musl' },
  '386': { glibc: 'i686-linux-gnu', musl: 'i686-linux-musl' },
  arm64: { glibc: 'aarch64-linux-gnu', musl: 'aarch64-linux-musl' },
  arm: {
    glibc: 'arm-linux-gnueabihf',
    musl: 'arm-linux-musleabihf',
    glibcSoftFloat: 'arm-linux-gnueabi',
    muslSoftFloat: 'arm-linux-musleabi',
  },
  riscv64: { glibc: 'riscv64-linux-gnu', musl: 'riscv64-linux-musl' },
  ppc64le: { glibc: 'powerpc64le-linux-gnu', musl: 'powerpc64le-linux-musl' },
  ppc64: { glibc: 'powerpc64-linux-gnu', musl: 'powerpc64-linux-musl' },
  s390x: { glibc: 's390x-linux-gnu', musl: 's390x-linux-musl' },
  mips: { glibc: 'mips-linux-gnu', musl: 'mips-linux-musl', muslSoftFloat: 'mips-linux-muslsf' },
  mipsle: { glibc: 'mipsel-linux-gnu', musl: 'mipsel-linux-musl', muslSoftFloat: 'mipsel-linux-muslsf' },
  mips64: { glibc: 'mips64-linux-gnuabi64', musl: 'mips64-linux-musl' },
  mips64le: { glibc: 'mips64el-linux-gnuabi64', musl: 'mips64el-linux-musl' },
  loong64: { glibc: 'loongarch64-linux-gnu', musl: 'loongarch64-linux-musl' },
};

/** Whether a platform's variant selects soft float (GOARM=5 unless `,hardfloat`; `,softfloat`; GOMIPS=softfloat). */
export function isSoftFloat(p: Platform): boolean {
  const v = p.variant ?? '';
  if (p.goarch === 'arm') {
    if (v.endsWith(',softfloat')) return true;
    if (v.endsWith(',hardfloat')) return false;
    return v.split(',')[0] === '5';
  }
  if (p.goarch === 'mips' || p.goarch === 'mipsle' || p.goarch === 'mips64' || p.goarch === 'mips64le') {
    return v === 'softfloat';
  }
  if (p.goarch === '386') return v === 'softfloat';
  return false;
}

/** The C triple for a linux platform and libc, or undefined when there is none in the table. */
export function cTriple(p: Platform, libc: Libc = 'glibc'): string | undefined {
  if (p.goos !== 'linux') return undefined;
  const t = LINUX_C_TRIPLES[p.goarch];
  if (!t) return undefined;
  const soft = isSoftFloat(p);
  if (libc === 'musl') return (soft && t.muslSoftFloat) || t.musl;
  return (soft && t.glibcSoftFloat) || t.glibc;
}
