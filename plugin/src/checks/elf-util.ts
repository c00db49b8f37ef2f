/** Small helpers over a parsed ELF file shared by the checks. */
import type { ElfFile } from '../binary/types';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_DYNAMIC = 2;
export const PT_GNU_STACK = 0x6474e551;
export const PT_GNU_RELRO = 0x6474e552;
export const PF_X = 1;
export const DF_1_PIE = 0x08000000;

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
