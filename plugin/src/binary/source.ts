/**
 * ByteSources: a file read with pread (only the ranges asked for) or an in-memory buffer.
 * Both count the bytes they hand out.
 */
import * as fs from 'node:fs';
import type { ByteSource, FileSource } from './types';

/** Largest single read a reader may ask for; bigger requests are a reader bug or hostile input. */
const MAX_READ = 1 << 30;

function clampRange(size: number, offset: number, length: number): [number, number] {
  if (!Number.isFinite(offset) || !Number.isFinite(length) || offset < 0 || length < 0) return [0, 0];
  if (offset >= size) return [offset, 0];
  return [offset, Math.min(length, size - offset, MAX_READ)];
}

/**
 * Reads smaller than this are served from a read-ahead window of this size starting at the first
 * byte asked for: the readers' small reads come in runs of neighbours (the ELF header, then the
 * program and section headers after it; the build info header, then its strings), one read(2)
 * each otherwise. bytesRead still counts what is handed out.
 */
const WINDOW = 4032;

/** Opens a file for random-access reading (a directory throws, with code EISDIR). The caller must close() it. */
export function openFile(path: string): FileSource {
  const fd = fs.openSync(path, 'r');
  let size: number;
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: is a directory, open '${path}'`), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  let bytesRead = 0;
  let closed = false;
  let win: Buffer | undefined;
  let winOff = 0;
  const readAt = (off: number, len: number): Buffer => {
    const buf = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = fs.readSync(fd, buf, done, len - done, off + done);
      if (n <= 0) break;
      done += n;
    }
    return done === len ? buf : buf.subarray(0, done);
  };
  return {
    path,
    size,
    get bytesRead() {
      return bytesRead;
    },
    read(offset: number, length: number): Buffer {
      if (closed) throw new Error(`${path}: read after close`);
      const [off, len] = clampRange(size, offset, length);
      let b: Buffer;
      if (win && off >= winOff && off + len <= winOff + win.length) b = win.subarray(off - winOff, off - winOff + len);
      else if (len > 0 && len < WINDOW) {
        win = readAt(off, Math.min(WINDOW, size - off));
        winOff = off;
        b = win.subarray(0, Math.min(len, win.length));
      } else b = readAt(off, len);
      bytesRead += b.length;
      return b;
    },
    close() {
      if (!closed) {
        closed = true;
        fs.closeSync(fd);
      }
    },
  };
}

/**
 * A file source whose descriptor can be let go between uses: release() closes it, and the next
 * read opens the file again. Everything parsed from the source (the readers parse once per
 * source) stays valid, so a caller can look at many files first and validate them afterwards
 * without parsing any twice or holding one descriptor per file. bytesRead counts every read.
 */
export function openFileReleasable(path: string): FileSource & { release(): void } {
  let file: FileSource | undefined = openFile(path);
  const size = file.size;
  let bytesRead = 0;
  let closed = false;
  return {
    path,
    size,
    get bytesRead() {
      return bytesRead;
    },
    read(offset: number, length: number): Buffer {
      if (closed) throw new Error(`${path}: read after close`);
      const b = (file ??= openFile(path)).read(offset, length);
      bytesRead += b.length;
      return b;
    },
    release() {
      file?.close();
      file = undefined;
    },
    close() {
      closed = true;
      this.release();
    },
  };
}

/** A ByteSource over a Buffer (tests, fuzzing, archive members). */
export function bufferSource(buf: Buffer): ByteSource & { close(): void } {
  let bytesRead = 0;
  return {
    size: buf.length,
    get bytesRead() {
      return bytesRead;
    },
    read(offset: number, length: number): Buffer {
      const [off, len] = clampRange(buf.length, offset, length);
      bytesRead += len;
      return buf.subarray(off, off + len);
    },
    close() {},
  };
}

/** A window [base, base+size) of another source, e.g. one member of an archive or one fat slice. */
export function sliceSource(src: ByteSource, base: number, size: number): ByteSource {
  const end = Math.min(src.size, base + Math.max(0, size));
  const n = Math.max(0, end - base);
  let bytesRead = 0;
  return {
    size: n,
    get bytesRead() {
      return bytesRead;
    },
    read(offset: number, length: number): Buffer {
      const [off, len] = clampRange(n, offset, length);
      const b = src.read(base + off, len);
      bytesRead += b.length;
      return b;
    },
  };
}
