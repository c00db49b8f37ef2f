/**
 * Deterministic release archives: `.tar.gz` for every GOOS but windows, `.zip` for windows.
 *
 * Two runs over the same inputs give the same bytes: entries are sorted by name (byte order),
 * every entry gets the same modification time (a given Unix epoch, normally the commit time),
 * uid/gid 0 and no user or group names (tar), fixed modes (0755 for the binary, 0644 for other
 * files), and the gzip header carries no name, mtime 0 and OS byte 255 ("unknown", as Go's
 * compress/gzip writes it) so the host OS does not leak in.
 *
 * The compressed bytes come from Node's bundled zlib at a fixed level. The uncompressed tar stream
 * and the zip's structure do not depend on zlib, but a different deflate implementation (another
 * Node release) may compress differently; compare the same Node version when checking
 * reproducibility across machines.
 */
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import * as yazl from 'yazl';

export type ArchiveFormat = 'tar.gz' | 'zip';

/** One file to put into an archive; `name` is its path inside the archive ('/' separated). */
export interface ArchiveFile {
  name: string;
  data: Buffer;
  /** Permission bits; default 0o644. */
  mode?: number;
}

export interface ArchiveOptions {
  format: ArchiveFormat;
  /** Modification time of every entry, in Unix seconds (e.g. the commit time, SOURCE_DATE_EPOCH). */
  mtime: number;
}

/** The target a binary was built for, as goreleaser names archives after it. */
export interface ArchiveTarget {
  goos: string;
  goarch: string;
  /** GOARM ('6', '7'), arm only. */
  goarm?: string;
  /** GOAMD64 ('v1' … 'v4'), amd64 only. */
  goamd64?: string;
  /** GOMIPS / GOMIPS64 ('hardfloat', 'softfloat'), mips family only. */
  gomips?: string;
}

/**
 * zlib's default level, as goreleaser's archives use (Go's gzip.DefaultCompression). Level 9 took
 * four times as long on a 27 MB six-platform release (bench/release.js) for 0.3 % smaller archives.
 */
const GZIP_LEVEL = 6;
/** Lowest time a zip DOS timestamp can hold (1980-01-01T00:00:00Z). */
const MIN_ZIP_EPOCH = 315532800;

/**
 * Archive base name (no extension) after goreleaser's default archive name template:
 * `<project>_<version>_<os>_<arch>`, then `v<GOARM>` for arm, `_<GOMIPS>` for mips, and the
 * GOAMD64 level unless it is v1. The version loses a leading `v`, like goreleaser's `.Version`.
 * Examples: `app_1.2.3_linux_amd64`, `app_1.2.3_linux_amd64v3`, `app_1.2.3_linux_armv7`,
 * `app_1.2.3_linux_mips_hardfloat`.
 */
export function archiveBaseName(project: string, version: string, t: ArchiveTarget): string {
  for (const [what, v] of [
    ['project name', project],
    ['version', version],
    ['GOOS', t.goos],
    ['GOARCH', t.goarch],
  ] as const) {
    if (!v || /[/\\\s]/.test(v)) throw new Error(`archive name: ${what} ${JSON.stringify(v)} must be non-empty without '/', '\\' or spaces`);
  }
  let name = `${project}_${version.replace(/^v/, '')}_${t.goos}_${t.goarch}`;
  if (t.goarch === 'arm' && t.goarm) name += `v${t.goarm}`;
  if (t.goarch.startsWith('mips') && t.gomips) name += `_${t.gomips}`;
  if (t.goarch === 'amd64' && t.goamd64 && t.goamd64 !== 'v1') name += t.goamd64;
  return name;
}

/** Archive format for a GOOS: zip for windows, tar.gz otherwise. */
export function archiveFormatFor(goos: string): ArchiveFormat {
  return goos === 'windows' ? 'zip' : 'tar.gz';
}

/** Full archive file name, e.g. `app_1.2.3_windows_amd64.zip`. */
export function archiveFileName(project: string, version: string, t: ArchiveTarget): string {
  return `${archiveBaseName(project, version, t)}.${archiveFormatFor(t.goos)}`;
}

/**
 * The archive target from Go build settings (GOOS, GOARCH, GOARM, GOAMD64, GOMIPS, GOMIPS64), as
 * the Go build info of the binary records them — so the name follows what was really built.
 */
export function archiveTargetFromSettings(setting: (key: string) => string | undefined): ArchiveTarget {
  const goos = setting('GOOS');
  const goarch = setting('GOARCH');
  if (!goos || !goarch) throw new Error('archive target: the build info records no GOOS/GOARCH');
  const t: ArchiveTarget = { goos, goarch };
  // GOARM may carry a float ABI suffix ("7,softfloat"); goreleaser's .Arm is the bare level.
  const goarm = setting('GOARM')?.split(',')[0];
  if (goarch === 'arm' && goarm) t.goarm = goarm;
  const goamd64 = setting('GOAMD64');
  if (goarch === 'amd64' && goamd64) t.goamd64 = goamd64;
  const gomips = goarch.startsWith('mips64') ? setting('GOMIPS64') : goarch.startsWith('mips') ? setting('GOMIPS') : undefined;
  if (gomips) t.gomips = gomips;
  return t;
}

/**
 * Whether an archive file name says this target: it ends in `_<os>_<arch>[level].<format>` as
 * archiveFileName writes it (whatever the project and version before).
 */
export function archiveNameSays(fileName: string, t: ArchiveTarget): boolean {
  return fileName.endsWith(archiveFileName('p', '1', t).slice('p_1'.length));
}

/** Byte-order comparison of UTF-8 names (Go's sort.Strings order), not UTF-16 code units. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function checkEntries(files: ArchiveFile[]): ArchiveFile[] {
  const seen = new Set<string>();
  for (const f of files) {
    const n = f.name;
    if (!n || n.startsWith('/') || n.includes('\\') || n.includes('\0') || n.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`archive entry ${JSON.stringify(n)}: name must be a relative '/' path without empty, '.' or '..' parts`);
    }
    if (seen.has(n)) throw new Error(`archive entry ${JSON.stringify(n)}: given twice`);
    seen.add(n);
    if (f.mode !== undefined && (f.mode & ~0o777) !== 0) throw new Error(`archive entry ${JSON.stringify(n)}: mode ${f.mode.toString(8)} has bits beyond 0777`);
  }
  return [...files].sort((a, b) => compareNames(a.name, b.name));
}

function checkMtime(mtime: number, format: ArchiveFormat): void {
  if (!Number.isInteger(mtime) || mtime < 0) throw new Error(`archive mtime ${mtime}: must be whole Unix seconds >= 0`);
  if (format === 'zip' && mtime < MIN_ZIP_EPOCH) throw new Error(`archive mtime ${mtime}: a zip cannot hold times before 1980-01-01`);
}

async function tarStream(files: ArchiveFile[], mtime: number): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const date = new Date(mtime * 1000);
  for (const f of files) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        { name: f.name, size: f.data.length, mode: f.mode ?? 0o644, mtime: date, uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
        f.data,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** gzip with a fixed header: no name, mtime 0, OS byte 255. */
export function deterministicGzip(data: Buffer): Buffer {
  return fixGzipHeader(gzipSync(data, { level: GZIP_LEVEL }));
}

const gzipAsync = promisify(gzip);

/**
 * The same bytes as deterministicGzip, compressed on libuv's thread pool, so that several
 * archives of a release compress at once.
 */
export async function deterministicGzipAsync(data: Buffer): Promise<Buffer> {
  return fixGzipHeader(await gzipAsync(data, { level: GZIP_LEVEL }));
}

function fixGzipHeader(gz: Buffer): Buffer {
  // RFC 1952: bytes 4..7 MTIME (zlib writes 0 without a header), byte 9 OS. No FHCRC flag is set,
  // so the header bytes are not covered by a checksum and can be fixed here.
  if (gz[3] !== 0) throw new Error('gzip: unexpected header flags from zlib');
  gz.writeUInt32LE(0, 4);
  gz[9] = 0xff;
  return gz;
}

/**
 * A Date whose local-time getters answer in UTC. yazl writes the zip's DOS timestamp from local
 * time fields; with this it writes the UTC wall time instead (as Go's archive/zip does for a UTC
 * time), so the bytes do not depend on the machine's time zone. The extended timestamp field
 * ("UT", 0x5455) still holds the true Unix time.
 */
class UtcWallDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
}

async function zipBuffer(files: ArchiveFile[], mtime: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const date = new UtcWallDate(mtime * 1000);
  for (const f of files) {
    zip.addBuffer(f.data, f.name, { mtime: date, mode: 0o100000 | (f.mode ?? 0o644), compressionLevel: GZIP_LEVEL } as Partial<yazl.Options>);
  }
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve());
    zip.outputStream.on('error', reject);
  });
  zip.end();
  await done;
  return Buffer.concat(chunks);
}

/** Builds an archive of the given files; byte-identical for identical inputs. */
export async function createArchive(files: ArchiveFile[], opts: ArchiveOptions): Promise<Buffer> {
  checkMtime(opts.mtime, opts.format);
  const sorted = checkEntries(files);
  if (opts.format === 'tar.gz') return deterministicGzipAsync(await tarStream(sorted, opts.mtime));
  if (opts.format === 'zip') return zipBuffer(sorted, opts.mtime);
  throw new Error(`archive format ${JSON.stringify(opts.format)}: expected tar.gz or zip`);
}

export interface ReleaseArchiveInput {
  project: string;
  version: string;
  target: ArchiveTarget;
  /** The binary; stored at the archive root under `name` (e.g. 'app' or 'app.exe') with mode 0755. */
  binary: { name: string; data: Buffer };
  /** Extra files (LICENSE, README…), stored at the root with mode 0644 unless given. */
  extraFiles?: ArchiveFile[];
  /** Unix seconds for every entry (the commit time). */
  mtime: number;
}

export interface ReleaseArchive {
  /** e.g. `app_1.2.3_linux_arm64.tar.gz`. */
  fileName: string;
  format: ArchiveFormat;
  data: Buffer;
}

/** The archive of one platform's binary plus extra files, named like goreleaser's default. */
export async function createReleaseArchive(input: ReleaseArchiveInput): Promise<ReleaseArchive> {
  const format = archiveFormatFor(input.target.goos);
  const files: ArchiveFile[] = [{ name: input.binary.name, data: input.binary.data, mode: 0o755 }, ...(input.extraFiles ?? [])];
  const data = await createArchive(files, { format, mtime: input.mtime });
  return { fileName: archiveFileName(input.project, input.version, input.target), format, data };
}
