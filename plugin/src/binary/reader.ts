/**
 * Bounds-checked decoding helpers shared by the readers. Every read of a structure goes through
 * need(), which raises BinaryFormatError for a range outside the file, so no reader can run off
 * the end of its input or allocate more than the file holds.
 */
import { BinaryFormatError, type ByteSource } from './types';

/** Ceiling for element counts taken from headers (tables bigger than this are rejected). */
export const MAX_ENTRIES = 1 << 22;

export function fail(format: string, offset: number, expected: string): never {
  throw new BinaryFormatError(format, offset, expected);
}

/**
 * One parse per source: `parseOnce(fn)` is `fn` remembered per ByteSource object (and per key,
 * e.g. a fat Mach-O slice), so the readers that build on each other (build info on the ELF,
 * Mach-O or PE reader) and a caller that asks again get the first parse instead of a new one.
 * A source's bytes do not change while it is open. A parse that throws is not remembered.
 */
export function parseOnce<T, K = undefined>(fn: (src: ByteSource, key: K) => T): (src: ByteSource, key: K) => T {
  // Kept on the source itself (a symbol-keyed property): a WeakMap per reader would cost a hash
  // lookup per call and ephemeron work in every garbage collection.
  const slot = Symbol('parsed');
  return (src, key) => {
    const holder = src as ByteSource & { [slot]?: Map<K, T> };
    const m = (holder[slot] ??= new Map<K, T>());
    if (m.has(key)) return m.get(key) as T;
    const v = fn(src, key);
    m.set(key, v);
    return v;
  };
}

/** Reads exactly [offset, offset+length) or throws BinaryFormatError. */
export function need(src: ByteSource, format: string, offset: number, length: number, what: string): Buffer {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > src.size) {
    fail(format, Number.isSafeInteger(offset) ? offset : -1, `${what} within file (${length} bytes at ${offset}, file is ${src.size})`);
  }
  const b = src.read(offset, length);
  if (b.length !== length) fail(format, offset, `${what}: ${length} bytes`);
  return b;
}

/**
 * Endian- and width-aware field decoder over one buffer; out-of-range reads raise BinaryFormatError.
 * Fields are read through a DataView: its getters are V8 built-ins, so a reader that decodes
 * thousands of fields does not first have Buffer's JavaScript read methods compiled and optimized.
 */
export class Decoder {
  private readonly view: DataView;
  private readonly le: boolean;

  constructor(
    readonly buf: Buffer,
    readonly bigEndian: boolean,
    readonly format: string,
    /** File offset of buf[0], for error messages. */
    readonly base = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.le = !bigEndian;
  }

  private check(off: number, n: number): void {
    if (off < 0 || off + n > this.buf.length) fail(this.format, this.base + off, `${n}-byte field within structure`);
  }
  u8(off: number): number {
    this.check(off, 1);
    return this.buf[off];
  }
  u16(off: number): number {
    this.check(off, 2);
    return this.view.getUint16(off, this.le);
  }
  u32(off: number): number {
    this.check(off, 4);
    return this.view.getUint32(off, this.le);
  }
  i32(off: number): number {
    this.check(off, 4);
    return this.view.getInt32(off, this.le);
  }
  /** 64-bit unsigned as a number (values above 2^53 lose precision; sizes that large are rejected elsewhere). */
  u64(off: number): number {
    this.check(off, 8);
    // Two 32-bit halves instead of a BigInt per field: hi·2³² is exact, and the one addition
    // rounds to nearest like Number(bigint) does, so the result is the same.
    // (One call site per half whatever the byte order, so a big-endian file after little-endian
    // ones does not undo V8's optimization of this method.)
    const le = this.le;
    const hi = le ? 4 : 0;
    return this.view.getUint32(off + hi, le) * 0x100000000 + this.view.getUint32(off + 4 - hi, le);
  }
  /** Word of the given size (4 or 8). */
  word(off: number, size: number): number {
    return size === 8 ? this.u64(off) : this.u32(off);
  }
}

/**
 * Longest NUL-terminated string looked at. Bounds the work when a hostile table has no NULs and
 * many entries point into it.
 */
export const MAX_CSTRING = 64 * 1024;

function cend(buf: Buffer, off: number): number {
  const lim = Math.min(buf.length, off + MAX_CSTRING);
  const end = buf.subarray(off, lim).indexOf(0);
  return end < 0 ? lim : off + end;
}

/** NUL-terminated string at off in buf (to the end of buf, or MAX_CSTRING bytes, when there is no NUL). */
export function cstring(buf: Buffer, off: number): string {
  if (off < 0 || off >= buf.length) return '';
  return buf.toString('latin1', off, cend(buf, off));
}

/** Same, decoded as UTF-8 (paths and symbol names may be UTF-8). */
export function cstringUtf8(buf: Buffer, off: number): string {
  if (off < 0 || off >= buf.length) return '';
  return buf.toString('utf8', off, cend(buf, off));
}

export function hex(b: Buffer): string {
  return b.toString('hex');
}

/**
 * A string table read by offset (ELF .strtab/.dynstr/.shstrtab, ar long-name tables, BSD ranlib
 * strings). Lookups are memoised, and the total length decoded is capped at a few times the
 * table's size: a hostile file whose many entries all point at long NUL-free runs gets a
 * BinaryFormatError instead of gigabytes of strings.
 */
export class StringTable {
  private readonly memo = new Map<number, string>();
  private budget: number;

  constructor(
    readonly buf: Buffer,
    private readonly format: string,
    /** File offset of the table, for error messages. */
    private readonly base: number,
    /** What ends a string: NUL (default) or the GNU ar "/\n". */
    private readonly terminator: 'nul' | 'ar' = 'nul',
    private readonly encoding: BufferEncoding = 'utf8',
  ) {
    this.budget = 8 * buf.length + (1 << 20);
  }

  get(off: number): string {
    const hit = this.memo.get(off);
    if (hit !== undefined) return hit;
    if (off < 0 || off >= this.buf.length) {
      if (off === 0) return '';
      fail(this.format, this.base, `string offset ${off} within string table (${this.buf.length} bytes)`);
    }
    const buf = this.buf;
    const lim = Math.min(buf.length, off + MAX_CSTRING);
    let end: number;
    if (this.terminator === 'ar') {
      const window = buf.subarray(off, lim);
      end = window.indexOf('/\n', 0, 'latin1');
      if (end < 0) end = window.indexOf(0x0a);
      if (end < 0) end = window.length;
    } else {
      // names are short: a scan in place beats a Buffer view per name
      let i = off;
      while (i < lim && buf[i] !== 0) i++;
      end = i - off;
    }
    this.budget -= end;
    if (this.budget < 0) fail(this.format, this.base + off, 'string references no larger in total than a few times the string table');
    const s = buf.toString(this.encoding, off, off + end);
    this.memo.set(off, s);
    return s;
  }
}
