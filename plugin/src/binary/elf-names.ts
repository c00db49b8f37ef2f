/**
 * Symbolic names of ELF constants, spelled as in the gABI, the processor supplements and
 * glibc's elf.h (the same spelling Go's debug/elf uses).
 */

export const EM: Record<number, string> = {
  0: 'EM_NONE', 2: 'EM_SPARC', 3: 'EM_386', 4: 'EM_68K', 8: 'EM_MIPS', 10: 'EM_MIPS_RS3_LE',
  15: 'EM_PARISC', 18: 'EM_SPARC32PLUS', 20: 'EM_PPC', 21: 'EM_PPC64', 22: 'EM_S390', 40: 'EM_ARM',
  42: 'EM_SH', 43: 'EM_SPARCV9', 50: 'EM_IA_64', 62: 'EM_X86_64', 183: 'EM_AARCH64', 243: 'EM_RISCV',
  247: 'EM_BPF', 258: 'EM_LOONGARCH', 0x9026: 'EM_ALPHA',
};
export const EM_386 = 3;
export const EM_MIPS = 8;
export const EM_X86_64 = 62;
export const EM_ARM = 40;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_PPC = 20;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_LOONGARCH = 258;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL', 2: 'ET_EXEC', 3: 'ET_DYN', 4: 'ET_CORE' };

export const ELFOSABI: Record<number, string> = {
  0: 'ELFOSABI_NONE', 1: 'ELFOSABI_HPUX', 2: 'ELFOSABI_NETBSD', 3: 'ELFOSABI_LINUX', 6: 'ELFOSABI_SOLARIS',
  7: 'ELFOSABI_AIX', 8: 'ELFOSABI_IRIX', 9: 'ELFOSABI_FREEBSD', 12: 'ELFOSABI_OPENBSD', 97: 'ELFOSABI_ARM',
  255: 'ELFOSABI_STANDALONE',
};

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PT: Record<number, string> = {
  0: 'PT_NULL', 1: 'PT_LOAD', 2: 'PT_DYNAMIC', 3: 'PT_INTERP', 4: 'PT_NOTE', 5: 'PT_SHLIB', 6: 'PT_PHDR',
  7: 'PT_TLS', 0x6474e550: 'PT_GNU_EH_FRAME', 0x6474e551: 'PT_GNU_STACK', 0x6474e552: 'PT_GNU_RELRO',
  0x6474e553: 'PT_GNU_PROPERTY', 0x65041580: 'PT_PAX_FLAGS', 0x70000000: 'PT_LOPROC',
  0x70000001: 'PT_ARM_EXIDX', 0x70000002: 'PT_MIPS_RTPROC', 0x70000003: 'PT_MIPS_ABIFLAGS',
};
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_NOBITS = 8;
export const SHT_DYNAMIC = 6;
export const SHT_SYMTAB = 2;
export const SHT_DYNSYM = 11;
export const SHT_NOTE = 7;
export const SHT_GNU_verdef = 0x6ffffffd;
export const SHT_GNU_verneed = 0x6ffffffe;
export const SHT_GNU_versym = 0x6fffffff;
export const SHT: Record<number, string> = {
  0: 'SHT_NULL', 1: 'SHT_PROGBITS', 2: 'SHT_SYMTAB', 3: 'SHT_STRTAB', 4: 'SHT_RELA', 5: 'SHT_HASH',
  6: 'SHT_DYNAMIC', 7: 'SHT_NOTE', 8: 'SHT_NOBITS', 9: 'SHT_REL', 10: 'SHT_SHLIB', 11: 'SHT_DYNSYM',
  14: 'SHT_INIT_ARRAY', 15: 'SHT_FINI_ARRAY', 16: 'SHT_PREINIT_ARRAY', 17: 'SHT_GROUP', 18: 'SHT_SYMTAB_SHNDX',
  0x6ffffff5: 'SHT_GNU_ATTRIBUTES', 0x6ffffff6: 'SHT_GNU_HASH', 0x6ffffff7: 'SHT_GNU_LIBLIST',
  0x6ffffffd: 'SHT_GNU_verdef', 0x6ffffffe: 'SHT_GNU_verneed', 0x6fffffff: 'SHT_GNU_versym',
  0x70000001: 'SHT_ARM_EXIDX', 0x70000003: 'SHT_ARM_ATTRIBUTES', 0x7000002a: 'SHT_MIPS_ABIFLAGS',
};
export const SHF_WRITE = 1;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_STRTAB = 5;
export const DT_STRSZ = 10;
export const DT_SONAME = 14;
export const DT_RPATH = 15;
export const DT_DEBUG = 21;
export const DT_TEXTREL = 22;
export const DT_BIND_NOW = 24;
export const DT_RUNPATH = 29;
export const DT_FLAGS = 30;
export const DT_FLAGS_1 = 0x6ffffffb;
export const DF_TEXTREL = 0x4;
export const DF_BIND_NOW = 0x8;
export const DF_1_NOW = 0x1;
export const DF_1_PIE = 0x08000000;
export const DT: Record<number, string> = {
  0: 'DT_NULL', 1: 'DT_NEEDED', 2: 'DT_PLTRELSZ', 3: 'DT_PLTGOT', 4: 'DT_HASH', 5: 'DT_STRTAB', 6: 'DT_SYMTAB',
  7: 'DT_RELA', 8: 'DT_RELASZ', 9: 'DT_RELAENT', 10: 'DT_STRSZ', 11: 'DT_SYMENT', 12: 'DT_INIT', 13: 'DT_FINI',
  14: 'DT_SONAME', 15: 'DT_RPATH', 16: 'DT_SYMBOLIC', 17: 'DT_REL', 18: 'DT_RELSZ', 19: 'DT_RELENT',
  20: 'DT_PLTREL', 21: 'DT_DEBUG', 22: 'DT_TEXTREL', 23: 'DT_JMPREL', 24: 'DT_BIND_NOW', 25: 'DT_INIT_ARRAY',
  26: 'DT_FINI_ARRAY', 27: 'DT_INIT_ARRAYSZ', 28: 'DT_FINI_ARRAYSZ', 29: 'DT_RUNPATH', 30: 'DT_FLAGS',
  32: 'DT_PREINIT_ARRAY', 33: 'DT_PREINIT_ARRAYSZ', 34: 'DT_SYMTAB_SHNDX', 35: 'DT_RELRSZ', 36: 'DT_RELR',
  37: 'DT_RELRENT', 0x6ffffef5: 'DT_GNU_HASH', 0x6ffffff0: 'DT_VERSYM', 0x6ffffff9: 'DT_RELACOUNT',
  0x6ffffffa: 'DT_RELCOUNT', 0x6ffffffb: 'DT_FLAGS_1', 0x6ffffffc: 'DT_VERDEF', 0x6ffffffd: 'DT_VERDEFNUM',
  0x6ffffffe: 'DT_VERNEED', 0x6fffffff: 'DT_VERNEEDNUM',
};

export const STB: Record<number, string> = { 0: 'STB_LOCAL', 1: 'STB_GLOBAL', 2: 'STB_WEAK', 10: 'STB_GNU_UNIQUE' };
export const STT: Record<number, string> = {
  0: 'STT_NOTYPE', 1: 'STT_OBJECT', 2: 'STT_FUNC', 3: 'STT_SECTION', 4: 'STT_FILE', 5: 'STT_COMMON', 6: 'STT_TLS',
  10: 'STT_GNU_IFUNC',
};
export const STV: Record<number, string> = { 0: 'STV_DEFAULT', 1: 'STV_INTERNAL', 2: 'STV_HIDDEN', 3: 'STV_PROTECTED' };

export const NT_GNU_ABI_TAG = 1;
export const NT_GNU_BUILD_ID = 3;
export const NT_GO_BUILDID = 4;
export const ELF_NOTE_OS: Record<number, string> = { 0: 'Linux', 1: 'GNU', 2: 'Solaris2', 3: 'FreeBSD' };

export function nameOf(table: Record<number, string>, v: number, prefix: string): string {
  return table[v] ?? `${prefix}(0x${v.toString(16)})`;
}
