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
