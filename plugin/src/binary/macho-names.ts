/** Mach-O constants (loader.h, machine.h) by name. */
export const CPU_ARCH_ABI64 = 0x01000000;
export const CPU_NAMES: Record<number, string> = {
  7: 'i386', 0x01000007: 'x86_64', 12: 'arm', 0x0100000c: 'arm64', 0x0200000c: 'arm64_32', 18: 'ppc', 0x01000012: 'ppc64',
};
export const CPU_TYPE: Record<number, string> = {
  7: 'CPU_TYPE_X86', 0x01000007: 'CPU_TYPE_X86_64', 12: 'CPU_TYPE_ARM', 0x0100000c: 'CPU_TYPE_ARM64',
  0x0200000c: 'CPU_TYPE_ARM64_32', 18: 'CPU_TYPE_POWERPC', 0x01000012: 'CPU_TYPE_POWERPC64',
};
export function cpuName(t: number): string {
  return CPU_NAMES[t] ?? `cpu(0x${(t >>> 0).toString(16)})`;
}
export const MH_FILETYPE: Record<number, string> = {
  1: 'MH_OBJECT', 2: 'MH_EXECUTE', 3: 'MH_FVMLIB', 4: 'MH_CORE', 5: 'MH_PRELOAD', 6: 'MH_DYLIB', 7: 'MH_DYLINKER',
  8: 'MH_BUNDLE', 9: 'MH_DYLIB_STUB', 10: 'MH_DSYM', 11: 'MH_KEXT_BUNDLE', 12: 'MH_FILESET',
};
export const LC_SEGMENT = 0x1;
export const LC_SEGMENT_64 = 0x19;
export const LC_LOAD_DYLIB = 0xc;
export const LC_LOAD_WEAK_DYLIB = 0x80000018;
export const LC_REEXPORT_DYLIB = 0x8000001f;
export const LC_RPATH = 0x8000001c;
export const LC_UUID = 0x1b;
export const LC_BUILD_VERSION = 0x32;
export const LC: Record<number, string> = {
  0x1: 'LC_SEGMENT', 0x2: 'LC_SYMTAB', 0x4: 'LC_THREAD', 0x5: 'LC_UNIXTHREAD', 0xb: 'LC_DYSYMTAB', 0xc: 'LC_LOAD_DYLIB',
  0xd: 'LC_ID_DYLIB', 0xe: 'LC_LOAD_DYLINKER', 0xf: 'LC_ID_DYLINKER', 0x19: 'LC_SEGMENT_64', 0x1b: 'LC_UUID',
  0x1d: 'LC_CODE_SIGNATURE', 0x1e: 'LC_SEGMENT_SPLIT_INFO', 0x24: 'LC_VERSION_MIN_MACOSX', 0x25: 'LC_VERSION_MIN_IPHONEOS',
  0x26: 'LC_FUNCTION_STARTS', 0x29: 'LC_DATA_IN_CODE', 0x2a: 'LC_SOURCE_VERSION', 0x32: 'LC_BUILD_VERSION',
  0x80000018: 'LC_LOAD_WEAK_DYLIB', 0x8000001c: 'LC_RPATH', 0x8000001f: 'LC_REEXPORT_DYLIB', 0x80000022: 'LC_DYLD_INFO_ONLY',
  0x80000028: 'LC_MAIN', 0x80000033: 'LC_DYLD_EXPORTS_TRIE', 0x80000034: 'LC_DYLD_CHAINED_FIXUPS',
};
