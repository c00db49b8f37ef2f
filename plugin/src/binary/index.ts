/**
 * Binary readers: pure parsers of ELF, ar, Mach-O, PE/COFF files and Go build information.
 * They report what the bytes say, with the format's own names, and never judge it.
 */
export * from './types';
export { openFile, openFileReleasable, bufferSource, sliceSource } from './source';
export { detectKind, classifyObject, parseGoObjectHeader } from './detect';
export { readElf, readElfHeader } from './elf';
export { readAr, arMemberSource } from './ar';
export { readBuildInfo, parseModInfo, formatBuildInfo, goUnquote } from './buildinfo';
export { readMachO } from './macho';
export { readPe } from './pe';
export * as elfConstants from './elf-names';
