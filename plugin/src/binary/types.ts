/**
 * Shared types of the binary readers. Readers are pure: they parse bytes and report what is
 * there, with names taken straight from the format specifications (ELF gABI/psABI, ar(5),
 * Mach-O loader.h, PE/COFF). They never judge whether what they read is right for a target:
 * that is the job of the checks in ../checks.
 */

/**
 * Random access to a file's bytes. Readers ask only for the ranges they need (pread), so a
 * 50 MB binary can be validated while reading a few hundred kilobytes of it.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Bytes [offset, offset+length). Returns fewer bytes only when the range runs past the end;
   * never throws for an in-range request.
   */
  read(offset: number, length: number): Buffer;
  /** Total number of bytes handed out by read() so far (for the "bytes read" metric). */
  readonly bytesRead: number;
}

/**
 * Raised for any malformed, truncated or hostile input. Readers never throw anything else for
 * bad bytes (no RangeError, no TypeError, no out-of-memory, no endless loop).
 */
export class BinaryFormatError extends Error {
  override readonly name = 'BinaryFormatError';
  constructor(
    /** The format being read: 'elf', 'ar', 'macho', 'pe', 'buildinfo', 'goobj'. */
    readonly format: string,
    /** File offset at which the problem was found. */
    readonly offset: number,
    /** What was expected there, e.g. 'section header table within file'. */
    readonly expected: string,
  ) {
    super(`${format}: at offset ${offset}: expected ${expected}`);
  }
}

/** Which container format a file is, judged from its magic bytes. */
export type FileKind = 'elf' | 'macho' | 'macho-fat' | 'pe' | 'ar' | 'goobj' | 'unknown';

/** A ByteSource backed by an open file descriptor; close() releases it. */
export interface FileSource extends ByteSource {
  readonly path: string;
  close(): void;
}

// ---------------------------------------------------------------------------------------------
// ELF
// ---------------------------------------------------------------------------------------------

export interface ElfHeader {
  /** ELFCLASS32 → 32, ELFCLASS64 → 64. */
  class: 32 | 64;
  /** ELFDATA2LSB → 'little', ELFDATA2MSB → 'big'. */
  data: 'little' | 'big';
  /** EI_OSABI value and its name (ELFOSABI_NONE, ELFOSABI_LINUX, …). */
  osabi: number;
  osabiName: string;
  abiVersion: number;
  /** e_type value and name (ET_EXEC, ET_DYN, ET_REL, ET_CORE). */
  type: number;
  typeName: string;
  /** e_machine value and name (EM_X86_64, EM_AARCH64, EM_ARM, EM_RISCV, …). */
  machine: number;
  machineName: string;
  version: number;
  entry: number;
  /** e_flags (processor specific). */
  flags: number;
  phoff: number;
  shoff: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export interface ElfProgramHeader {
  index: number;
  /** p_type and name (PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_GNU_STACK, PT_GNU_RELRO, …). */
  type: number;
  typeName: string;
  /** p_flags: PF_X = 1, PF_W = 2, PF_R = 4. */
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfSection {
  index: number;
  name: string;
  /** sh_type and name (SHT_PROGBITS, SHT_DYNSYM, SHT_GNU_versym, SHT_NOBITS, …). */
  type: number;
  typeName: string;
  /** sh_flags: SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4. */
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfDynamicEntry {
  /** d_tag and name (DT_NEEDED, DT_RPATH, DT_RUNPATH, DT_FLAGS, DT_FLAGS_1, …). */
  tag: number;
  tagName: string;
  value: number;
}

export interface ElfDynamic {
  entries: ElfDynamicEntry[];
  /** DT_NEEDED strings, in order. */
  needed: string[];
  /** DT_RPATH string(s) (the raw string, colon separated paths inside). */
  rpath: string[];
  /** DT_RUNPATH string(s). */
  runpath: string[];
  soname?: string;
  /** DT_FLAGS value, when present. */
  flags?: number;
  /** DT_FLAGS_1 value, when present. */
  flags1?: number;
  /** DT_TEXTREL present or DT_FLAGS & DF_TEXTREL. */
  textrel: boolean;
  /** DT_BIND_NOW present, DT_FLAGS & DF_BIND_NOW, or DT_FLAGS_1 & DF_1_NOW. */
  bindNow: boolean;
  /** DT_DEBUG present. */
  debug: boolean;
}

export interface ElfSymbol {
  /** Index in its symbol table. */
  index: number;
  name: string;
  value: number;
  size: number;
  /** STB_* value and name (STB_LOCAL, STB_GLOBAL, STB_WEAK, STB_GNU_UNIQUE). */
  bind: number;
  bindName: string;
  /** STT_* value and name (STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_TLS, …). */
  type: number;
  typeName: string;
  /** STV_* value and name (STV_DEFAULT, STV_HIDDEN, …). */
  visibility: number;
  visibilityName: string;
  /** st_shndx (SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2). */
  shndx: number;
  /** Name of the section st_shndx refers to, when it is a real section. */
  sectionName?: string;
  /** st_shndx !== SHN_UNDEF. */
  defined: boolean;
  /** Version name from .gnu.version_r / .gnu.version_d (dynamic symbols only), e.g. 'GLIBC_2.34'. */
  version?: string;
  /** For imported symbols: the library the version belongs to (vn_file), e.g. 'libc.so.6'. */
  versionLibrary?: string;
  /** VERSYM_HIDDEN bit (readelf prints '@' instead of '@@'). */
  versionHidden?: boolean;
}

export interface ElfVersionNeedAux {
  name: string;
  hash: number;
  flags: number;
  /** vna_other: the index used in SHT_GNU_versym. */
  other: number;
}
export interface ElfVersionNeed {
  /** vn_file: library name. */
  file: string;
  versions: ElfVersionNeedAux[];
}
export interface ElfVersionDef {
  index: number;
  flags: number;
  /** First name is the version itself, following ones its parents. */
  names: string[];
}

export interface ElfNote {
  /** Note owner ('GNU', 'Go', …) without the trailing NUL. */
  owner: string;
  type: number;
  desc: Buffer;
  /** Section name the note came from, or '' when read from a PT_NOTE segment. */
  section: string;
}

export interface ElfAbiTag {
  /** ELF_NOTE_OS_LINUX = 0, … */
  os: number;
  osName: string;
  major: number;
  minor: number;
  patch: number;
}

export interface ElfFile {
  readonly kind: 'elf';
  readonly header: ElfHeader;
  readonly programs: readonly ElfProgramHeader[];
  readonly sections: readonly ElfSection[];
  /** PT_INTERP string without the NUL, when the file has one. */
  readonly interpreter: string | undefined;
  /** First section with that name. */
  section(name: string): ElfSection | undefined;
  /** Raw bytes of a section (empty for SHT_NOBITS). */
  sectionData(section: ElfSection): Buffer;
  /** Parsed dynamic section (from SHT_DYNAMIC, else PT_DYNAMIC), undefined when there is none. */
  dynamic(): ElfDynamic | undefined;
  /** .dynsym, with symbol versions attached. Index 0 (the null symbol) is omitted. */
  dynamicSymbols(): ElfSymbol[];
  /** .symtab (may be large — only read when asked). Index 0 omitted. */
  symbols(): ElfSymbol[];
  versionNeeds(): ElfVersionNeed[];
  versionDefs(): ElfVersionDef[];
  /** Notes from SHT_NOTE sections, else from PT_NOTE segments. */
  notes(): ElfNote[];
  /** NT_GNU_BUILD_ID as lower-case hex. */
  gnuBuildId(): string | undefined;
  /** NT_GNU_ABI_TAG. */
  abiTag(): ElfAbiTag | undefined;
  /** Go build id from the "Go\0\0" note of type 4 (NT_GO_BUILDID). */
  goBuildId(): string | undefined;
}

// ---------------------------------------------------------------------------------------------
// ar
// ---------------------------------------------------------------------------------------------

/** What an archive member (or a .syso) is, from its first bytes. */
export type ObjectInfo =
  | { format: 'elf'; class: 32 | 64; data: 'little' | 'big'; type: number; typeName: string; machine: number; machineName: string; flags: number }
  | { format: 'coff'; machine: number; machineName: string }
  | { format: 'macho'; cputype: number; cpusubtype: number; cpuName: string; is64: boolean; bigEndian: boolean }
  | { format: 'goobj'; goos: string; goarch: string; version: string; header: string }
  | { format: 'llvm-bitcode' }
  | { format: 'unknown' };

export interface ArMember {
  /** Resolved name (long names expanded, trailing '/' removed). */
  name: string;
  /** Offset of the 60-byte member header. */
  headerOffset: number;
  /** Offset of the member data (after the header and, for BSD #1/n names, after the name). */
  offset: number;
  /** Size of the member data. */
  size: number;
  date: number;
  uid: number;
  gid: number;
  mode: number;
  object: ObjectInfo;
}

export interface ArSymbol {
  name: string;
  /** Header offset of the member that defines it. */
  memberOffset: number;
}

export interface ArArchive {
  readonly kind: 'ar';
  /** 'gnu' (SysV/GNU: '/' and '//' special members), 'bsd' (#1/n names, __.SYMDEF), 'thin' (!<thin>). */
  readonly variant: 'gnu' | 'bsd' | 'thin';
  /** Regular members (the symbol index and long-name table are not listed). */
  readonly members: readonly ArMember[];
  /** Symbol index ('/', '/SYM64/', '__.SYMDEF', '__.SYMDEF SORTED'), empty when absent. */
  symbols(): ArSymbol[];
}

// ---------------------------------------------------------------------------------------------
// Go build info
// ---------------------------------------------------------------------------------------------

export interface BuildInfoModule {
  path: string;
  version: string;
  sum: string;
  replace?: BuildInfoModule;
}

export interface GoBuildSetting {
  key: string;
  value: string;
}

export interface GoBuildInfo {
  /** e.g. 'go1.26.0'. */
  goVersion: string;
  /** Main package path ('path' line), '' if absent. */
  path: string;
  main?: BuildInfoModule;
  deps: BuildInfoModule[];
  /** 'build' lines in order: -buildmode, -compiler, -ldflags, -tags, -trimpath, CGO_ENABLED, GOARCH, GOOS, GOARM… vcs.* */
  settings: GoBuildSetting[];
  /** Value of the first setting with that key. */
  setting(key: string): string | undefined;
  /** The module text as stored (sentinels stripped); '' for binaries without module info. */
  modinfo: string;
  /** Pointer size and byte order recorded in the header. */
  ptrSize: number;
  bigEndian: boolean;
  /** true for the Go ≥ 1.18 inline-string form, false for the older pointer form. */
  inline: boolean;
}

// ---------------------------------------------------------------------------------------------
// Mach-O
// ---------------------------------------------------------------------------------------------

export interface MachOSection {
  name: string;
  segname: string;
  addr: number;
  size: number;
  /** File offset relative to the start of the file (not the slice). */
  offset: number;
  flags: number;
}

export interface MachOSegment {
  name: string;
  vmaddr: number;
  vmsize: number;
  /** File offset relative to the start of the file. */
  fileoff: number;
  filesize: number;
  maxprot: number;
  initprot: number;
  sections: MachOSection[];
}

export interface MachOLoadCommand {
  cmd: number;
  /** LC_SEGMENT_64, LC_LOAD_DYLIB, LC_BUILD_VERSION, … */
  cmdName: string;
  /** File offset of the command. */
  offset: number;
  size: number;
}

export interface MachOImage {
  /** Offset of this image in the file (0 for a thin file, the fat_arch offset otherwise). */
  offset: number;
  /**
   * In a universal file: the cputype and cpusubtype its fat_arch entry lists for this slice
   * (its place), which may differ from the slice's own header. Absent for a thin file.
   */
  fatCputype?: number;
  fatCpusubtype?: number;
  size: number;
  is64: boolean;
  bigEndian: boolean;
  cputype: number;
  cpusubtype: number;
  /** CPU_TYPE_ARM64 → 'arm64', CPU_TYPE_X86_64 → 'x86_64', … */
  cpuName: string;
  /** MH_EXECUTE, MH_DYLIB, MH_OBJECT, … */
  filetype: number;
  filetypeName: string;
  flags: number;
  loadCommands: MachOLoadCommand[];
  segments: MachOSegment[];
  /** LC_LOAD_DYLIB / LC_LOAD_WEAK_DYLIB / LC_REEXPORT_DYLIB names. */
  dylibs: string[];
  rpaths: string[];
  /** LC_BUILD_VERSION (platform, minos, sdk as 'x.y.z'). */
  buildVersion?: { platform: number; minos: string; sdk: string };
  uuid?: string;
  section(name: string): MachOSection | undefined;
}

export interface MachOFile {
  readonly kind: 'macho';
  /** true for a fat/universal file. */
  readonly fat: boolean;
  /** One image for a thin file; one per fat_arch for a universal file. */
  readonly images: readonly MachOImage[];
}

// ---------------------------------------------------------------------------------------------
// PE/COFF
// ---------------------------------------------------------------------------------------------

export interface PeSection {
  name: string;
  virtualSize: number;
  virtualAddress: number;
  sizeOfRawData: number;
  pointerToRawData: number;
  characteristics: number;
}

export interface PeFile {
  readonly kind: 'pe';
  /** IMAGE_FILE_MACHINE_* value and name (IMAGE_FILE_MACHINE_AMD64, _ARM64, _I386, _ARMNT). */
  readonly machine: number;
  readonly machineName: string;
  readonly characteristics: number;
  readonly timeDateStamp: number;
  /** Optional header magic: 0x10b (PE32) or 0x20b (PE32+); 0 for a bare COFF object. */
  readonly optionalMagic: number;
  readonly imageBase: number;
  readonly subsystem: number;
  readonly dllCharacteristics: number;
  readonly sections: readonly PeSection[];
  /** Optional header data directories (IMAGE_DIRECTORY_ENTRY_EXPORT = 0, _IMPORT = 1, …): RVA and size. */
  readonly dataDirectories: readonly { rva: number; size: number }[];
  section(name: string): PeSection | undefined;
  /** Names of imported DLLs from the import directory. */
  importedDlls(): string[];
}
