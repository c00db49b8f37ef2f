/**
 * The arch facts the binary checks use (ELF machine, class and byte order, Mach-O CPU type, PE
 * machine, program loaders, float ABI), read from the one table in platforms/arch.ts; plus the
 * version comparison the checks share. No policy here.
 */
import { EM_386, EM_AARCH64, EM_ARM, EM_LOONGARCH, EM_MIPS, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64 } from '../binary/elf-names';

export {
  ELF_ARCH,
  LOADERS,
  MACHO_CPU,
  PE_MACHINE,
  formatForGoos,
  goarchOfElf,
  goarchOfMachO,
  goarchOfPe,
  identifyLoader,
  isSoftFloat as armSoftFloat,
  type ElfArch,
  type LoaderSet,
} from '../platforms/arch';

/** ELF machines the checks look at by name. */
export const EM = {
  I386: EM_386,
  MIPS: EM_MIPS,
  PPC64: EM_PPC64,
  S390: EM_S390,
  ARM: EM_ARM,
  X86_64: EM_X86_64,
  AARCH64: EM_AARCH64,
  RISCV: EM_RISCV,
  LOONGARCH: EM_LOONGARCH,
} as const;

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
