/**
 * What each GOARCH looks like inside an object file: ELF machine, class and byte order, Mach-O
 * CPU type, PE machine, and the program loaders (PT_INTERP) of glibc and musl. Shared by the
 * binary checks; no policy here.
 */
import type { Platform } from '../platforms/types';

export const EM = {
  I386: 3,
  MIPS: 8,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258,
} as const;

export interface ElfArch {
  machine: number;
  machineName: string;
  class: 32 | 64;
  data: 'little' | 'big';
}

export const ELF_ARCH: Readonly<Record<string, ElfArch>> = {
  '386': { machine: EM.I386, machineName: 'EM_386', class: 32, data: 'little' },
  amd64: { machine: EM.X86_64, machineName: 'EM_X86_64', class: 64, data: 'little' },
  arm: { machine: EM.ARM, machineName: 'EM_ARM', class: 32, data: 'little' },
  arm64: { machine: EM.AARCH64, machineName: 'EM_AARCH64', class: 64, data: 'little' },
  riscv64: { machine: EM.RISCV, machineName: 'EM_RISCV', class: 64, data: 'little' },
  mips: { machine: EM.MIPS, machineName: 'EM_MIPS', class: 32, data: 'big' },
  mipsle: { machine: EM.MIPS, machineName: 'EM_MIPS', class: 32, data: 'little' },
  mips64: { machine: EM.MIPS, machineName: 'EM_MIPS', class: 64, data: 'big' },
  mips64le: { machine: EM.MIPS, machineName: 'EM_MIPS', class: 64, data: 'little' },
  ppc64: { machine: EM.PPC64, machineName: 'EM_PPC64', class: 64, data: 'big' },
  ppc64le: { machine: EM.PPC64, machineName: 'EM_PPC64', class: 64, data: 'little' },
  s390x: { machine: EM.S390, machineName: 'EM_S390', class: 64, data: 'big' },
  loong64: { machine: EM.LOONGARCH, machineName: 'EM_LOONGARCH', class: 64, data: 'little' },
};

/** The GOARCH(es) an ELF header describes, for messages ("built for arm64"). */
export function goarchOfElf(machine: number, cls: number, data: string): string | undefined {
  for (const [arch, a] of Object.entries(ELF_ARCH)) {
    if (a.machine === machine && a.class === cls && a.data === data) return arch;
  }
  return undefined;
}

export const MACHO_CPU: Readonly<Record<string, number>> = {
  amd64: 0x01000007,
  arm64: 0x0100000c,
  '386': 7,
  arm: 12,
};

export const PE_MACHINE: Readonly<Record<string, number>> = {
  amd64: 0x8664,
  '386': 0x14c,
  arm64: 0xaa64,
  arm: 0x1c4,
};

export function goarchOfMachO(cputype: number): string | undefined {
  return Object.entries(MACHO_CPU).find(([, v]) => v === cputype)?.[0];
}
export function goarchOfPe(machine: number): string | undefined {
  return Object.entries(PE_MACHINE).find(([, v]) => v === machine)?.[0];
}

const ELF_OS = new Set(['linux', 'android', 'freebsd', 'netbsd', 'openbsd', 'dragonfly', 'solaris', 'illumos']);
/** Container format of a GOOS's programs. */
export function formatForGoos(goos: string): 'elf' | 'macho' | 'pe' | undefined {
  if (ELF_OS.has(goos)) return 'elf';
  if (goos === 'darwin' || goos === 'ios') return 'macho';
  if (goos === 'windows') return 'pe';
  return undefined;
}

/** ARM float ABI the target asks for: GOARM=5 or a `,softfloat` suffix means soft float. */
export function armSoftFloat(p: Platform): boolean {
  const v = p.variant ?? '';
  return v.startsWith('5') || v.includes('softfloat');
}

export interface LoaderSet {
  glibc: string[];
  musl: string[];
}

/** Program loaders per GOARCH (all spellings a correct binary may carry). */
export const LOADERS: Readonly<Record<string, LoaderSet>> = {
  amd64: { glibc: ['/lib64/ld-linux-x86-64.so.2'], musl: ['/lib/ld-musl-x86_64.so.1'] },
  '386': { glibc: ['/lib/ld-linux.so.2'], musl: ['/lib/ld-musl-i386.so.1'] },
  arm64: { glibc: ['/lib/ld-linux-aarch64.so.1'], musl: ['/lib/ld-musl-aarch64.so.1'] },
  arm: { glibc: ['/lib/ld-linux-armhf.so.3', '/lib/ld-linux.so.3'], musl: ['/lib/ld-musl-armhf.so.1', '/lib/ld-musl-arm.so.1'] },
  riscv64: { glibc: ['/lib/ld-linux-riscv64-lp64d.so.1'], musl: ['/lib/ld-musl-riscv64.so.1'] },
  ppc64le: { glibc: ['/lib64/ld64.so.2'], musl: ['/lib/ld-musl-powerpc64le.so.1'] },
  ppc64: { glibc: ['/lib64/ld64.so.1'], musl: ['/lib/ld-musl-powerpc64.so.1'] },
  s390x: { glibc: ['/lib/ld64.so.1', '/lib64/ld64.so.1'], musl: ['/lib/ld-musl-s390x.so.1'] },
  mips: { glibc: ['/lib/ld.so.1'], musl: ['/lib/ld-musl-mips.so.1', '/lib/ld-musl-mips-sf.so.1'] },
  mipsle: { glibc: ['/lib/ld.so.1'], musl: ['/lib/ld-musl-mipsel.so.1', '/lib/ld-musl-mipsel-sf.so.1'] },
  mips64: { glibc: ['/lib64/ld.so.1'], musl: ['/lib/ld-musl-mips64.so.1'] },
  mips64le: { glibc: ['/lib64/ld.so.1'], musl: ['/lib/ld-musl-mips64el.so.1'] },
  loong64: { glibc: ['/lib64/ld-linux-loongarch-lp64d.so.1'], musl: ['/lib/ld-musl-loongarch64.so.1'] },
};

/** Which arch and libc a loader path belongs to, when it is a known one. */
export function identifyLoader(interp: string): { goarch: string; libc: 'glibc' | 'musl' }[] {
  const out: { goarch: string; libc: 'glibc' | 'musl' }[] = [];
  for (const [goarch, set] of Object.entries(LOADERS)) {
    if (set.glibc.includes(interp)) out.push({ goarch, libc: 'glibc' });
    if (set.musl.includes(interp)) out.push({ goarch, libc: 'musl' });
  }
  return out;
}

/** Compare dotted numeric versions: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
