/**
 * Seeded mutation fuzzing of the binary readers. Inputs are real binaries and archives, mutated
 * in place (every change is undone after the run, so a 2 MB seed is never copied) and truncated.
 * Mutations are aimed mostly at the structures the readers parse — headers, header tables,
 * dynamic section, symbol and version tables, notes, build info, archive member headers — and
 * sometimes anywhere. A run passes when every input either parses or raises BinaryFormatError.
 */
import { bufferSource } from '../source';
import { detectKind } from '../detect';
import { readAr } from '../ar';
import { readBuildInfo } from '../buildinfo';
import { readElf } from '../elf';
import { readMachO } from '../macho';
import { readPe } from '../pe';
import { BinaryFormatError, type ByteSource } from '../types';
import { rng } from '../../test-utils/rng';

export { rng };

export interface Seed {
  name: string;
  data: Buffer;
  /** [offset, length] ranges worth mutating (found by reading the pristine seed). */
  hot: [number, number][];
}

/** Finds the byte ranges the readers look at in a well-formed seed. */
export function hotRanges(data: Buffer): [number, number][] {
  const src = bufferSource(data);
  const hot: [number, number][] = [[0, Math.min(data.length, 512)]];
  const kind = detectKind(src);
  const add = (o: number, n: number) => {
    if (n > 0 && o >= 0 && o < data.length) hot.push([o, Math.min(n, data.length - o, 64 * 1024)]);
  };
  if (kind === 'elf') {
    const e = readElf(src);
    add(e.header.phoff, e.header.phnum * e.header.phentsize);
    add(e.header.shoff, e.header.shnum * e.header.shentsize);
    for (const s of e.sections) {
      if (/^(\.dynamic|\.dynsym|\.dynstr|\.gnu\.version.*|\.note.*|\.go\.buildinfo|\.interp|\.shstrtab)$/.test(s.name)) add(s.offset, s.size);
    }
  } else if (kind === 'ar') {
    const a = readAr(src);
    for (const m of a.members) add(m.headerOffset, 60 + Math.min(m.size, 256));
  } else if (kind === 'macho' || kind === 'macho-fat') {
    const m = readMachO(src);
    for (const img of m.images) {
      add(img.offset, 4096);
      const s = img.section('__go_buildinfo');
      if (s) add(s.offset, 256);
    }
  } else if (kind === 'pe') {
    const p = readPe(src);
    add(0, 1024);
    const d = p.section('.data');
    if (d) add(d.pointerToRawData, 256);
  }
  return hot;
}

const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];

interface Undo {
  offset: number;
  bytes: Buffer;
}

function mutate(buf: Buffer, hot: [number, number][], r: () => number, undo: Undo[]): void {
  const pick = (): number => {
    if (r() < 0.8) {
      const [o, n] = hot[Math.floor(r() * hot.length)];
      return o + Math.floor(r() * n);
    }
    return Math.floor(r() * buf.length);
  };
  const save = (off: number, n: number) => {
    n = Math.min(n, buf.length - off);
    if (n > 0) undo.push({ offset: off, bytes: Buffer.from(buf.subarray(off, off + n)) });
    return n;
  };
  const count = 1 + Math.floor(r() * 4);
  for (let i = 0; i < count; i++) {
    const at = pick();
    const op = r();
    if (op < 0.35) {
      if (save(at, 1)) buf[at] = Math.floor(r() * 256);
    } else if (op < 0.5) {
      if (save(at, 1)) buf[at] ^= 1 << Math.floor(r() * 8);
    } else if (op < 0.85) {
      const width = [1, 2, 4, 8][Math.floor(r() * 4)];
      const n = save(at, width);
      const v = INTERESTING[Math.floor(r() * INTERESTING.length)];
      const le = r() < 0.5;
      const bytes = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff, 0, 0, 0, 0].slice(0, width);
      if (!le) bytes.reverse();
      for (let k = 0; k < n; k++) buf[at + k] = bytes[k];
    } else {
      // Copy a small block from elsewhere (duplicated headers, overlapping tables).
      const from = pick();
      const n = save(at, 1 + Math.floor(r() * 32));
      buf.copy(buf, at, from, Math.min(buf.length, from + n));
    }
  }
}

/** Runs every reader entry point a check might call. */
export function exercise(src: ByteSource, r: () => number): void {
  const kind = detectKind(src);
  if (kind === 'elf' || r() < 0.05) {
    const e = readElf(src);
    e.dynamic();
    e.dynamicSymbols();
    e.versionNeeds();
    e.versionDefs();
    e.notes();
    e.gnuBuildId();
    e.abiTag();
    e.goBuildId();
    if (r() < 0.03) e.symbols();
  }
  if (kind === 'ar' || r() < 0.05) {
    const a = readAr(src);
    a.symbols();
  }
  if (kind === 'macho' || kind === 'macho-fat' || r() < 0.05) readMachO(src);
  if (kind === 'pe' || r() < 0.05) readPe(src).importedDlls();
  readBuildInfo(src);
}

export interface FuzzStats {
  inputs: number;
  ok: number;
  typedErrors: number;
  crashes: { seed: string; iteration: number; error: string }[];
  ms: number;
  maxMs: number;
  /** The slowest input (seed and iteration reproduce it with the same run seed). */
  slowest?: { seed: string; iteration: number; ms: number };
  /** Typed error counts by format. */
  byFormat: Record<string, number>;
}

/** Fuzzes the readers over `inputs` mutated/truncated variants of the seeds. */
export function fuzz(seeds: Seed[], inputs: number, seed = 1): FuzzStats {
  const r = rng(seed);
  const stats: FuzzStats = { inputs: 0, ok: 0, typedErrors: 0, crashes: [], ms: 0, maxMs: 0, byFormat: {} };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < inputs; i++) {
    const s = seeds[i % seeds.length];
    const undo: Undo[] = [];
    const choice = r();
    let view: Buffer = s.data;
    if (choice < 0.8) mutate(s.data, s.hot, r, undo);
    if (choice > 0.6) {
      // Truncate: often inside a hot range, sometimes anywhere.
      const [o, n] = s.hot[Math.floor(r() * s.hot.length)];
      const cut = r() < 0.7 ? o + Math.floor(r() * (n + 1)) : Math.floor(r() * s.data.length);
      view = s.data.subarray(0, cut);
    }
    const start = process.hrtime.bigint();
    try {
      exercise(bufferSource(view), r);
      stats.ok++;
    } catch (e) {
      if (e instanceof BinaryFormatError) {
        stats.typedErrors++;
        stats.byFormat[e.format] = (stats.byFormat[e.format] ?? 0) + 1;
      } else {
        stats.crashes.push({ seed: s.name, iteration: i, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e) });
      }
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (ms > stats.maxMs) {
      stats.maxMs = ms;
      stats.slowest = { seed: s.name, iteration: i, ms };
    }
    for (let k = undo.length - 1; k >= 0; k--) undo[k].bytes.copy(s.data, undo[k].offset);
    stats.inputs++;
  }
  stats.ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return stats;
}

/** Small seeds cut out of an archive: its object members as standalone files (.syso-like). */
export function memberSeeds(name: string, data: Buffer, max: number): Seed[] {
  const a = readAr(bufferSource(data));
  const out: Seed[] = [];
  for (const m of a.members.slice(0, max)) {
    const b = Buffer.from(data.subarray(m.offset, m.offset + m.size));
    out.push({ name: `${name}(${m.name})`, data: b, hot: hotRanges(b) });
  }
  return out;
}
