/**
 * Safe reading of release archives (.tar.gz, .zip) for verification.
 *
 * Refused, with the entry's name: paths with a '..' part, absolute paths ('/x', 'C:x'), '\\', ':' or
 * NUL in names, symbolic and hard links (wherever they point), devices, FIFOs and other non-file
 * entries, a name given twice, and archives past the limits (number of entries, size of one
 * entry, total uncompressed size). A gzip stream is inflated with an output cap, so a
 * decompression bomb stops at the cap instead of filling memory; zip entries are checked against
 * their declared sizes before inflating and yauzl fails an entry that inflates to more than it
 * declared. Nothing is ever written outside the target directory; by default nothing is written
 * at all (entries are returned in memory).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import * as yauzl from 'yauzl';
import type { ArchiveFormat } from './archive';

export interface UnpackLimits {
  /** Most entries (files and directories). */
  maxEntries: number;
  /** Largest uncompressed size of one file. */
  maxEntryBytes: number;
  /** Largest sum of the files' uncompressed sizes. */
  maxTotalBytes: number;
}

/** Defaults sized for release archives of Go binaries (tens of MiB each), read into memory. */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = { maxEntries: 1_000, maxEntryBytes: 512 << 20, maxTotalBytes: 1 << 30 };

export interface UnpackedEntry {
  /** Path inside the archive, '/' separated, without './' parts or a trailing '/'. */
  name: string;
  /** Permission bits as stored (masked to 0777). */
  mode: number;
  data: Buffer;
}

/** An archive that cannot be read safely; `entry` names the offending entry when there is one. */
export class UnsafeArchiveError extends Error {
  override name = 'UnsafeArchiveError';
  constructor(
    message: string,
    readonly entry?: string,
  ) {
    super(entry === undefined ? message : `entry ${JSON.stringify(entry)}: ${message}`);
  }
}

/** The archive format from the magic bytes (gzip → tar.gz, PK → zip); undefined otherwise. */
export function detectArchiveFormat(data: Buffer): ArchiveFormat | undefined {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) return 'tar.gz';
  if (data.length >= 4 && data.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (data.length >= 4 && data.readUInt32LE(0) === 0x06054b50) return 'zip'; // empty zip
  return undefined;
}

/** Checks and normalizes an entry name; throws UnsafeArchiveError naming it. */
export function safeEntryName(raw: string, isDir = false): string {
  let name = raw;
  if (isDir && name.endsWith('/')) name = name.slice(0, -1);
  if (name === '') throw new UnsafeArchiveError('empty name', raw);
  if (name.includes('\0')) throw new UnsafeArchiveError('NUL in name', raw);
  if (name.includes('\\')) throw new UnsafeArchiveError("'\\' in name", raw);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new UnsafeArchiveError('absolute path', raw);
  // Anywhere else a ':' is a drive-relative path ('./C:x' normalizes to 'C:x') or an alternate
  // data stream on Windows.
  if (name.includes(':')) throw new UnsafeArchiveError("':' in name", raw);
  const parts = name.split('/');
  if (parts.includes('..')) throw new UnsafeArchiveError("path with a '..' part", raw);
  const kept = parts.filter((p) => p !== '' && p !== '.');
  // '.' or './' as a directory is the archive root (GNU tar writes it): '' tells the caller to skip it.
  if (kept.length === 0 && !isDir) throw new UnsafeArchiveError('empty name', raw);
  return kept.join('/');
}

function withLimits(l?: Partial<UnpackLimits>): UnpackLimits {
  return { ...DEFAULT_UNPACK_LIMITS, ...l };
}

/** Bookkeeping shared by both formats. */
class Budget {
  private entries = 0;
  private total = 0;
  private readonly names = new Set<string>();
  constructor(private readonly limits: UnpackLimits) {}

  entry(raw: string, name: string): void {
    if (++this.entries > this.limits.maxEntries) throw new UnsafeArchiveError(`more than ${this.limits.maxEntries} entries`, raw);
    if (this.names.has(name)) throw new UnsafeArchiveError('name given twice', raw);
    this.names.add(name);
  }

  size(raw: string, size: number): void {
    if (!Number.isSafeInteger(size) || size < 0) throw new UnsafeArchiveError('invalid size', raw);
    if (size > this.limits.maxEntryBytes) throw new UnsafeArchiveError(`size ${size} over the per-entry limit of ${this.limits.maxEntryBytes} bytes`, raw);
    this.total += size;
    if (this.total > this.limits.maxTotalBytes) throw new UnsafeArchiveError(`total uncompressed size over the limit of ${this.limits.maxTotalBytes} bytes`, raw);
  }
}

function inflateGzip(data: Buffer, limits: UnpackLimits): Buffer {
  // A tar holds, besides file data, a 512-byte header and up to 511 bytes of padding per entry,
  // pax/long-name records and the end blocks; allow for those on top of the data limit.
  const cap = limits.maxTotalBytes + (limits.maxEntries + 1) * 2048 + 20 * 512;
  try {
    return gunzipSync(data, { maxOutputLength: Math.min(cap, 2 ** 31 - 1) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new UnsafeArchiveError(`gzip stream inflates to more than ${cap} bytes (limit ${limits.maxTotalBytes} bytes of file data); refused`);
    }
    throw new UnsafeArchiveError(`not a valid gzip stream (${err.code ?? err.message})`);
  }
}

const TAR_TYPES_REFUSED: Record<string, string> = {
  symlink: 'symbolic link',
  link: 'hard link',
  'character-device': 'character device',
  'block-device': 'block device',
  fifo: 'FIFO',
};

async function readTarGz(data: Buffer, limits: UnpackLimits): Promise<UnpackedEntry[]> {
  const tarBytes = inflateGzip(data, limits);
  const budget = new Budget(limits);
  const out: UnpackedEntry[] = [];
  const ex = tar.extract();
  // The first refusal is kept and the rest of the (already size-capped) stream is drained
  // without being looked at; destroying the extractor mid-entry would surface stray errors.
  let failure: unknown;
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const raw = header.name;
      const skip = (err?: unknown) => {
        if (err !== undefined && failure === undefined) failure = err;
        stream.on('end', () => next());
        stream.resume();
      };
      if (failure !== undefined) return skip();
      try {
        const type = header.type ?? 'file';
        if (TAR_TYPES_REFUSED[type]) {
          throw new UnsafeArchiveError(`${TAR_TYPES_REFUSED[type]}${header.linkname ? ` to ${JSON.stringify(header.linkname)}` : ''} refused`, raw);
        }
        if (type !== 'file' && type !== 'directory') throw new UnsafeArchiveError(`entry type ${type} refused`, raw);
        if (type === 'directory') {
          const name = safeEntryName(raw, true);
          if (name !== '') budget.entry(raw, name);
          return skip();
        }
        const name = safeEntryName(raw);
        budget.entry(raw, name);
        const size = header.size ?? 0;
        budget.size(raw, size);
        const chunks: Buffer[] = [];
        let got = 0;
        stream.on('data', (d: unknown) => {
          const c = d as Buffer;
          got += c.length;
          if (got <= size) chunks.push(c);
          else if (failure === undefined) failure = new UnsafeArchiveError('more data than its header declares', raw);
        });
        stream.on('end', () => {
          if (failure === undefined) out.push({ name, mode: (header.mode ?? 0o644) & 0o777, data: Buffer.concat(chunks) });
          next();
        });
      } catch (err) {
        skip(err);
      }
    });
    ex.on('finish', () => (failure === undefined ? resolve() : reject(failure)));
    ex.on('error', (err: Error) => reject(failure ?? new UnsafeArchiveError(`not a valid tar stream (${err.message})`)));
  });
  ex.end(tarBytes);
  await done;
  return out;
}

function zipOpen(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(data, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: true }, (err, zf) =>
      err || !zf ? reject(new UnsafeArchiveError(`not a valid zip (${err?.message ?? 'no file'})`)) : resolve(zf),
    ),
  );
}

async function readZip(data: Buffer, limits: UnpackLimits): Promise<UnpackedEntry[]> {
  const zf = await zipOpen(data);
  if (zf.entryCount > limits.maxEntries) {
    zf.close();
    throw new UnsafeArchiveError(`${zf.entryCount} entries, more than the limit of ${limits.maxEntries}`);
  }
  const budget = new Budget(limits);
  const out: UnpackedEntry[] = [];
  return new Promise<UnpackedEntry[]>((resolve, reject) => {
    let finished = false;
    const fail = (err: unknown) => {
      if (finished) return;
      finished = true;
      zf.close();
      reject(err instanceof UnsafeArchiveError ? err : new UnsafeArchiveError(`not a valid zip (${(err as Error).message})`));
    };
    zf.on('error', fail);
    zf.on('end', () => {
      if (finished) return;
      finished = true;
      resolve(out);
    });
    zf.on('entry', (entry: yauzl.Entry) => {
      const rawBuf = entry.fileName as unknown as Buffer;
      let raw = rawBuf.toString('latin1');
      try {
        // The name a zip tool shows: UTF-8 (flag bit 11), CP437, or an Info-ZIP Unicode Path
        // extra field. Both that and the raw header bytes must be safe.
        const decoded = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, rawBuf, entry.extraFields, true);
        raw = decoded;
        safeEntryName(rawBuf.toString('latin1'), rawBuf.toString('latin1').endsWith('/'));
        const unixMode = (entry.externalFileAttributes >>> 16) & 0xffff;
        const fmt = unixMode & 0o170000;
        const isDir = decoded.endsWith('/') || fmt === 0o040000;
        if (fmt === 0o120000) throw new UnsafeArchiveError('symbolic link refused', decoded);
        if (fmt !== 0 && fmt !== 0o100000 && fmt !== 0o040000) throw new UnsafeArchiveError(`file type 0${fmt.toString(8)} refused`, decoded);
        const name = safeEntryName(decoded, isDir);
        if (name !== '') budget.entry(decoded, name);
        if (isDir) {
          zf.readEntry();
          return;
        }
        budget.size(decoded, entry.uncompressedSize);
        zf.openReadStream(entry, (err, stream) => {
          if (err || !stream) return fail(new UnsafeArchiveError(`cannot be read (${err?.message})`, decoded));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (e: Error) => fail(new UnsafeArchiveError(e.message, decoded)));
          stream.on('end', () => {
            out.push({ name, mode: fmt === 0 ? 0o644 : unixMode & 0o777, data: Buffer.concat(chunks) });
            zf.readEntry();
          });
        });
      } catch (err) {
        fail(err instanceof UnsafeArchiveError ? err : new UnsafeArchiveError((err as Error).message, raw));
      }
    });
    zf.readEntry();
  });
}

/** Reads every file of an archive into memory, within the limits; directories are not listed. */
export async function readArchive(data: Buffer, format: ArchiveFormat, limits?: Partial<UnpackLimits>): Promise<UnpackedEntry[]> {
  const l = withLimits(limits);
  if (format === 'tar.gz') return readTarGz(data, l);
  if (format === 'zip') return readZip(data, l);
  throw new UnsafeArchiveError(`unknown archive format ${JSON.stringify(format)}`);
}

/**
 * Reads the archive (all checks first, in memory) and only then writes its files into `dir`,
 * which must exist and be empty. Files are created exclusively (never through an existing path),
 * with the stored permission bits limited to 0755. Returns the entries written.
 */
export async function unpackToDir(data: Buffer, format: ArchiveFormat, dir: string, limits?: Partial<UnpackLimits>): Promise<UnpackedEntry[]> {
  const root = fs.realpathSync(dir);
  if (!fs.statSync(root).isDirectory()) throw new Error(`unpack: ${dir} is not a directory`);
  if (fs.readdirSync(root).length !== 0) throw new Error(`unpack: ${dir} is not empty`);
  const entries = await readArchive(data, format, limits);
  for (const e of entries) {
    const target = path.resolve(root, ...e.name.split('/'));
    if (!target.startsWith(root + path.sep)) throw new UnsafeArchiveError('resolves outside the target directory', e.name);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, e.mode & 0o755);
    try {
      fs.writeSync(fd, e.data);
    } finally {
      fs.closeSync(fd);
    }
  }
  return entries;
}
