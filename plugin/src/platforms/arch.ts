/**
 * The facts of each GOARCH in one table: what its programs look like inside an object file
 * (ELF machine, class, byte order and e_flags; Mach-O CPU type; PE machine), its float-ABI rule,
 * the program loaders of glibc and musl, the qemu-user that runs it, the C cross triples of
 * Debian, musl-cross, MinGW-w64 and zig, the Debian architecture and Go's default variant.
 *
 * Everything else that needs one of these facts (the binary checks, the C toolchain resolver,
 * the qemu runner, doctor, the failure explainer, the Debian package names) reads it from here.
 * arch.spec.ts derives every row it can from the installed Go, cross compilers and readelf.
 *
 * ELF machine names come from the reader's spec list (binary/elf-names): the reader knows the
 * gABI, this table knows which machine a GOARCH uses.
 */
import {
  EM,
  EM_386,
  EM_AARCH64,
  EM_ARM,
  EM_LOONGARCH,
  EM_MIPS,
  EM_PPC64,
  EM_RISCV,
  EM_S390,
  EM_X86_64,
} from '../binary/elf-names';
import type { Libc, Platform } from './types';

export type ByteOrder = 'little' | 'big';

/** ELF header facts of a GOARCH's programs. */
export interface ElfArch {
  /** e_machine. */
  machine: number;
  /** e_machine as spelled in elf.h (`EM_AARCH64`). */
  machineName: string;
  /** The machine in words, for messages (`AArch64`); the same in every row of a machine. */
  machineLabel: string;
  /** ELFCLASS32 or ELFCLASS64. */
  class: 32 | 64;
  /** e_ident[EI_DATA]. */
  data: ByteOrder;
  /**
   * e_flags Go's internal linker writes (CGO_ENABLED=0). ARM: EABI5 with no float-ABI bit,
   * whatever GOARM is; RISC-V: double-float ABI (0x4), no RVC; MIPS: O32 (0x1000), CPIC and the
   * ISA level; ppc64: ELF ABI v1/v2; s390x: highgprs; LoongArch: OBJABI v1, double-float ABI.
   */
  goFlags: number;
}

/**
 * How the platform variant selects the float ABI:
 *   goarm      GOARM=5 is soft float, 6 and 7 hard; a `,softfloat` or `,hardfloat` suffix wins
 *   softfloat  the variant value `softfloat` (GOMIPS, GOMIPS64, GO386) is soft float
 */
export type FloatRule = 'goarm' | 'softfloat';

/** C cross-compiler triples of a GOARCH for linux (`aarch64-linux-gnu`, used as `<triple>-gcc`). */
export interface CTriples {
  /** Debian's gcc cross compiler for glibc (hard-float ABI where there is a choice). */
  glibc: string;
  /** musl-cross-make's name for musl. */
  musl: string;
  /** Triples for soft-float variants (GOARM=5 or `,softfloat`; GOMIPS=softfloat), when they differ. */
  glibcSoftFloat?: string;
  muslSoftFloat?: string;
}

/** Program loaders (PT_INTERP) a correct binary may carry, per C library. */
export interface LoaderSet {
  glibc: readonly string[];
  musl: readonly string[];
}

export interface ArchFacts {
  goarch: string;
  elf: ElfArch;
  /** Mach-O cputype, for the arches darwin/ios have. */
  machoCpu?: number;
  /** PE/COFF machine, for the arches windows has. */
  peMachine?: number;
  /** How the variant picks the float ABI; absent where there is no choice. */
  floatRule?: FloatRule;
  /** The variant Go uses when the variant variable is unset (`go env` with only GOARCH set). */
  defaultVariant?: string;
  /** Loaders per libc; the first is the one a C toolchain of the default float ABI writes. */
  loaders: LoaderSet;
  /** qemu-user's name of the arch: the program is `qemu-<qemu>`. */
  qemu: string;
  /** C cross triples for linux. */
  cTriples: CTriples;
  /** MinGW-w64 triple for windows, where Go supports windows on the arch. */
  mingwTriple?: string;
  /** zig's name of the arch (`zig cc -target <zigArch>-linux-gnu`). */
  zigArch: string;
  /**
   * Debian architecture of the glibc hard-float ABI (`arm` is armhf), when Debian ships cross
   * packages for it (loong64 is left out: Debian 12 has none, and a fix must name a package that
   * exists).
   */
  debianArch?: string;
  /** Debian architecture of the soft-float ABI (`armel`), when Debian has a separate one. */
  debianArchSoftFloat?: string;
}

const MACHINE_LABEL: Readonly<Record<number, string>> = {
  [EM_386]: 'x86 (386)',
  [EM_X86_64]: 'x86-64',
  [EM_AARCH64]: 'AArch64',
  [EM_ARM]: 'ARM (32-bit)',
  [EM_RISCV]: 'RISC-V',
  [EM_PPC64]: 'PowerPC 64',
  [EM_S390]: 's390',
  [EM_MIPS]: 'MIPS',
  [EM_LOONGARCH]: 'LoongArch',
};

function elf(machine: number, cls: 32 | 64, data: ByteOrder, goFlags: number): ElfArch {
  return { machine, machineName: EM[machine], machineLabel: MACHINE_LABEL[machine], class: cls, data, goFlags };
}

const ROWS: readonly ArchFacts[] = [
  {
    goarch: 'amd64',
    elf: elf(EM_X86_64, 64, 'little', 0),
    machoCpu: 0x01000007,
    peMachine: 0x8664,
    defaultVariant: 'v1',
    loaders: { glibc: ['/lib64/ld-linux-x86-64.so.2'], musl: ['/lib/ld-musl-x86_64.so.1'] },
    qemu: 'x86_64',
    cTriples: { glibc: 'x86_64-linux-gnu', musl: 'x86_64-linux-musl' },
    mingwTriple: 'x86_64-w64-mingw32',
    zigArch: 'x86_64',
    debianArch: 'amd64',
  },
  {
    goarch: '386',
    elf: elf(EM_386, 32, 'little', 0),
    machoCpu: 7,
    peMachine: 0x14c,
    floatRule: 'softfloat',
    defaultVariant: 'sse2',
    loaders: { glibc: ['/lib/ld-linux.so.2'], musl: ['/lib/ld-musl-i386.so.1'] },
    qemu: 'i386',
    cTriples: { glibc: 'i686-linux-gnu', musl: 'i686-linux-musl' },
    mingwTriple: 'i686-w64-mingw32',
    zigArch: 'x86',
    debianArch: 'i386',
  },
  {
    goarch: 'arm64',
    elf: elf(EM_AARCH64, 64, 'little', 0),
    machoCpu: 0x0100000c,
    peMachine: 0xaa64,
    defaultVariant: 'v8.0',
    loaders: { glibc: ['/lib/ld-linux-aarch64.so.1'], musl: ['/lib/ld-musl-aarch64.so.1'] },
    qemu: 'aarch64',
    cTriples: { glibc: 'aarch64-linux-gnu', musl: 'aarch64-linux-musl' },
    mingwTriple: 'aarch64-w64-mingw32',
    zigArch: 'aarch64',
    debianArch: 'arm64',
  },
  {
    goarch: 'arm',
    elf: elf(EM_ARM, 32, 'little', 0x05000002),
    machoCpu: 12,
    peMachine: 0x1c4,
    floatRule: 'goarm',
    // Go's default when cross-compiling; a native build on an arm machine takes the host's.
    defaultVariant: '7',
    // Hard float first; Go's internal linker writes /lib/ld-linux.so.3 whatever GOARM is.
    loaders: { glibc: ['/lib/ld-linux-armhf.so.3', '/lib/ld-linux.so.3'], musl: ['/lib/ld-musl-armhf.so.1', '/lib/ld-musl-arm.so.1'] },
    qemu: 'arm',
    cTriples: {
      glibc: 'arm-linux-gnueabihf',
      musl: 'arm-linux-musleabihf',
      glibcSoftFloat: 'arm-linux-gnueabi',
      muslSoftFloat: 'arm-linux-musleabi',
    },
    zigArch: 'arm',
    debianArch: 'armhf',
    debianArchSoftFloat: 'armel',
  },
  {
    goarch: 'riscv64',
    elf: elf(EM_RISCV, 64, 'little', 0x4),
    defaultVariant: 'rva20u64',
    loaders: { glibc: ['/lib/ld-linux-riscv64-lp64d.so.1'], musl: ['/lib/ld-musl-riscv64.so.1'] },
    qemu: 'riscv64',
    cTriples: { glibc: 'riscv64-linux-gnu', musl: 'riscv64-linux-musl' },
    zigArch: 'riscv64',
    debianArch: 'riscv64',
  },
  {
    goarch: 'ppc64le',
    elf: elf(EM_PPC64, 64, 'little', 0x2),
    defaultVariant: 'power8',
    loaders: { glibc: ['/lib64/ld64.so.2'], musl: ['/lib/ld-musl-powerpc64le.so.1'] },
    qemu: 'ppc64le',
    cTriples: { glibc: 'powerpc64le-linux-gnu', musl: 'powerpc64le-linux-musl' },
    zigArch: 'powerpc64le',
    debianArch: 'ppc64el',
  },
  {
    goarch: 'ppc64',
    elf: elf(EM_PPC64, 64, 'big', 0x1),
    defaultVariant: 'power8',
    loaders: { glibc: ['/lib64/ld64.so.1'], musl: ['/lib/ld-musl-powerpc64.so.1'] },
    qemu: 'ppc64',
    cTriples: { glibc: 'powerpc64-linux-gnu', musl: 'powerpc64-linux-musl' },
    zigArch: 'powerpc64',
    debianArch: 'ppc64',
  },
  {
    goarch: 's390x',
    elf: elf(EM_S390, 64, 'big', 0x1),
    // glibc's loader, and the spelling Go's internal linker writes.
    loaders: { glibc: ['/lib/ld64.so.1', '/lib64/ld64.so.1'], musl: ['/lib/ld-musl-s390x.so.1'] },
    qemu: 's390x',
    cTriples: { glibc: 's390x-linux-gnu', musl: 's390x-linux-musl' },
    zigArch: 's390x',
    debianArch: 's390x',
  },
  {
    goarch: 'mips',
    elf: elf(EM_MIPS, 32, 'big', 0x50001004),
    floatRule: 'softfloat',
    defaultVariant: 'hardfloat',
    loaders: { glibc: ['/lib/ld.so.1'], musl: ['/lib/ld-musl-mips.so.1', '/lib/ld-musl-mips-sf.so.1'] },
    qemu: 'mips',
    cTriples: { glibc: 'mips-linux-gnu', musl: 'mips-linux-musl', muslSoftFloat: 'mips-linux-muslsf' },
    zigArch: 'mips',
    debianArch: 'mips',
  },
  {
    goarch: 'mipsle',
    elf: elf(EM_MIPS, 32, 'little', 0x50001004),
    floatRule: 'softfloat',
    defaultVariant: 'hardfloat',
    loaders: { glibc: ['/lib/ld.so.1'], musl: ['/lib/ld-musl-mipsel.so.1', '/lib/ld-musl-mipsel-sf.so.1'] },
    qemu: 'mipsel',
    cTriples: { glibc: 'mipsel-linux-gnu', musl: 'mipsel-linux-musl', muslSoftFloat: 'mipsel-linux-muslsf' },
    zigArch: 'mipsel',
    debianArch: 'mipsel',
  },
  {
    goarch: 'mips64',
    elf: elf(EM_MIPS, 64, 'big', 0x20000004),
    floatRule: 'softfloat',
    defaultVariant: 'hardfloat',
    loaders: { glibc: ['/lib64/ld.so.1'], musl: ['/lib/ld-musl-mips64.so.1'] },
    qemu: 'mips64',
    cTriples: { glibc: 'mips64-linux-gnuabi64', musl: 'mips64-linux-musl' },
    zigArch: 'mips64',
    debianArch: 'mips64',
  },
  {
    goarch: 'mips64le',
    elf: elf(EM_MIPS, 64, 'little', 0x20000004),
    floatRule: 'softfloat',
    defaultVariant: 'hardfloat',
    loaders: { glibc: ['/lib64/ld.so.1'], musl: ['/lib/ld-musl-mips64el.so.1'] },
    qemu: 'mips64el',
    cTriples: { glibc: 'mips64el-linux-gnuabi64', musl: 'mips64el-linux-musl' },
    zigArch: 'mips64el',
    debianArch: 'mips64el',
  },
  {
    goarch: 'loong64',
    elf: elf(EM_LOONGARCH, 64, 'little', 0x43),
    loaders: { glibc: ['/lib64/ld-linux-loongarch-lp64d.so.1'], musl: ['/lib/ld-musl-loongarch64.so.1'] },
    qemu: 'loongarch64',
    cTriples: { glibc: 'loongarch64-linux-gnu', musl: 'loongarch64-linux-musl' },
    zigArch: 'loongarch64',
  },
];

/** The table, keyed by GOARCH. */
export const ARCH: Readonly<Record<string, ArchFacts>> = Object.fromEntries(ROWS.map((r) => [r.goarch, r]));

/** Every row, in table order. */
export const ARCHES: readonly ArchFacts[] = ROWS;

/** The facts of a GOARCH, or undefined for an arch the table does not know (wasm, …). */
export function archFacts(goarch: string): ArchFacts | undefined {
  return Object.prototype.hasOwnProperty.call(ARCH, goarch) ? ARCH[goarch] : undefined;
}

function view<T>(pick: (r: ArchFacts) => T | undefined): Readonly<Record<string, T>> {
  const out: Record<string, T> = {};
  for (const r of ROWS) {
    const v = pick(r);
    if (v !== undefined) out[r.goarch] = v;
  }
  return out;
}

/** ELF header facts per GOARCH. */
export const ELF_ARCH: Readonly<Record<string, ElfArch>> = view((r) => r.elf);
/** Mach-O cputype per GOARCH. */
export const MACHO_CPU: Readonly<Record<string, number>> = view((r) => r.machoCpu);
/** PE machine per GOARCH. */
export const PE_MACHINE: Readonly<Record<string, number>> = view((r) => r.peMachine);
/** Program loaders per GOARCH (all spellings a correct binary may carry). */
export const LOADERS: Readonly<Record<string, LoaderSet>> = view((r) => r.loaders);

/**
 * An ELF machine in words for messages: the label of a GOARCH's machine (`AArch64`), else the
 * elf.h name (`EM_PPC`), else the number.
 */
export function elfMachineLabel(machine: number): string {
  return ROWS.find((r) => r.elf.machine === machine)?.elf.machineLabel ?? EM[machine] ?? `ELF machine ${machine}`;
}

/** The GOARCH an ELF header describes, for messages ("built for arm64"). */
export function goarchOfElf(machine: number, cls: number, data: string): string | undefined {
  return ROWS.find((r) => r.elf.machine === machine && r.elf.class === cls && r.elf.data === data)?.goarch;
}
export function goarchOfMachO(cputype: number): string | undefined {
  return ROWS.find((r) => r.machoCpu === cputype)?.goarch;
}
export function goarchOfPe(machine: number): string | undefined {
  return ROWS.find((r) => r.peMachine === machine)?.goarch;
}

/** Which arch and libc a loader path belongs to, when it is a known one. */
export function identifyLoader(interp: string): { goarch: string; libc: Libc }[] {
  const out: { goarch: string; libc: Libc }[] = [];
  for (const r of ROWS) {
    if (r.loaders.glibc.includes(interp)) out.push({ goarch: r.goarch, libc: 'glibc' });
    if (r.loaders.musl.includes(interp)) out.push({ goarch: r.goarch, libc: 'musl' });
  }
  return out;
}

const ELF_OS = new Set(['linux', 'android', 'freebsd', 'netbsd', 'openbsd', 'dragonfly', 'solaris', 'illumos']);
/** Container format of a GOOS's programs. */
export function formatForGoos(goos: string): 'elf' | 'macho' | 'pe' | undefined {
  if (ELF_OS.has(goos)) return 'elf';
  if (goos === 'darwin' || goos === 'ios') return 'macho';
  if (goos === 'windows') return 'pe';
  return undefined;
}

/**
 * Whether a platform's variant selects soft float: for arm GOARM=5 unless `,hardfloat`, or any
 * level with `,softfloat` (so `5,hardfloat` is hard float, `7,softfloat` soft); for mips and
 * 386 the value `softfloat`. The one rule the C toolchain, the triples and the checks share.
 */
export function isSoftFloat(p: Platform): boolean {
  const rule = archFacts(p.goarch)?.floatRule;
  const v = p.variant ?? '';
  if (rule === 'goarm') {
    const [level, suffix] = v.split(',');
    if (suffix === 'softfloat') return true;
    if (suffix === 'hardfloat') return false;
    return level === '5';
  }
  if (rule === 'softfloat') return v === 'softfloat';
  return false;
}

/** The C triple for a linux platform and libc, or undefined when there is none in the table. */
export function cTriple(p: Platform, libc: Libc = 'glibc'): string | undefined {
  if (p.goos !== 'linux') return undefined;
  const t = archFacts(p.goarch)?.cTriples;
  if (!t) return undefined;
  const soft = isSoftFloat(p);
  if (libc === 'musl') return (soft && t.muslSoftFloat) || t.musl;
  return (soft && t.glibcSoftFloat) || t.glibc;
}

/** The MinGW-w64 triple for a windows platform (`x86_64-w64-mingw32`), or undefined. */
export function mingwTriple(p: Platform): string | undefined {
  return p.goos === 'windows' ? archFacts(p.goarch)?.mingwTriple : undefined;
}
