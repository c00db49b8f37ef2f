/** Small helpers over a parsed ELF file shared by the checks. */
import { DF_1_PIE, ET_DYN, PT_DYNAMIC } from '../binary/elf-names';
import type { ElfFile } from '../binary/types';

export { DF_1_PIE, ET_DYN, ET_EXEC, ET_REL, PF_X, PT_DYNAMIC, PT_GNU_RELRO, PT_GNU_STACK } from '../binary/elf-names';

/** A shared library (not a PIE): ET_DYN without an interpreter and without DF_1_PIE. */
export function isSharedLibrary(elf: ElfFile): boolean {
  if (elf.header.type !== ET_DYN) return false;
  if (elf.interpreter !== undefined) return false;
  const d = elf.dynamic();
  return !d || ((d.flags1 ?? 0) & DF_1_PIE) === 0;
}

/** True for an executable or shared library linked against shared objects. */
export function isDynamic(elf: ElfFile): boolean {
  return elf.interpreter !== undefined || elf.programs.some((p) => p.type === PT_DYNAMIC);
}

/**
 * Which linker produced the file. An external C linker run through gcc/clang leaves the
 * compilers' `.comment` section (from crt objects and C code); Go's internal linker writes
 * none. Falls back to what the target says when the file has no section headers (stripped with
 * sstrip and the like).
 */
export function linkMode(elf: ElfFile, fallback: 'internal' | 'external' | undefined): 'internal' | 'external' | undefined {
  if (elf.sections.length === 0) return fallback;
  return elf.section('.comment') ? 'external' : 'internal';
}
