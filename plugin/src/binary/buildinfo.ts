/**
 * Go build information, as `go version -m` shows it, read from ELF, Mach-O and PE binaries.
 *
 * The Go linker writes a 32-byte header, 16-byte aligned, at the start of the `.go.buildinfo`
 * section (ELF), `__go_buildinfo` (Mach-O) or the first writable data section: the 14-byte magic
 * "\xff Go buildinf:", the pointer size, a flags byte (bit 0 big-endian, bit 1 inline strings).
 * Go ≥ 1.18 then stores, at offset 32, the Go version and the module text as uvarint-length-
 * prefixed strings; older releases store two pointers to Go string headers instead.
 * The module text is parsed like runtime/debug.ParseBuildInfo.
 */
import { detectKind } from './detect';
import { readElf } from './elf';
import { PF_W, PF_X, PT_LOAD } from './elf-names';
import { readMachO } from './macho';
import { readPe } from './pe';
import { IMAGE_SCN_CNT_INITIALIZED_DATA, IMAGE_SCN_MEM_EXECUTE, IMAGE_SCN_MEM_WRITE } from './pe-names';
import { parseOnce } from './reader';
import { BinaryFormatError, type ByteSource, type GoBuildInfo, type GoBuildSetting, type BuildInfoModule } from './types';

const F = 'buildinfo';
export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const CHUNK = 1 << 20;
/** How far into a data region the header is searched for (it is at the start in practice). */
const MAX_SEARCH = 32 << 20;
/** Largest version or module string accepted. */
const MAX_STRING = 16 << 20;

interface Region {
  offset: number;
  size: number;
}

/** A binary's data regions to search, and its virtual-address → file-offset map (for the pointer form). */
interface Layout {
  regions: Region[];
  addrToOffset(addr: number): number | undefined;
}

function elfLayout(src: ByteSource): Layout {
  const elf = readElf(src);
  const regions: Region[] = [];
  const sec = elf.section('.go.buildinfo');
  if (sec) regions.push({ offset: sec.offset, size: sec.size });
  else {
    const seg = elf.programs.find((p) => p.type === PT_LOAD && (p.flags & PF_W) !== 0 && (p.flags & PF_X) === 0);
    if (seg) regions.push({ offset: seg.offset, size: seg.filesz });
  }
  return {
    regions,
    addrToOffset(a) {
      for (const p of elf.programs) if (p.type === PT_LOAD && a >= p.vaddr && a < p.vaddr + p.filesz) return p.offset + a - p.vaddr;
      return undefined;
    },
  };
}

function machoLayout(src: ByteSource, image: number): Layout {
  const m = readMachO(src);
  const img = m.images[image];
  if (!img) return { regions: [], addrToOffset: () => undefined };
  const regions: Region[] = [];
  const sec = img.section('__go_buildinfo');
  if (sec) regions.push({ offset: sec.offset, size: sec.size });
  else {
    for (const seg of img.segments) {
      if (seg.name !== '__DATA') continue;
      for (const s of seg.sections) if (s.name === '__data' || s.name === '__go_buildinfo') regions.push({ offset: s.offset, size: s.size });
    }
  }
  return {
    regions,
    addrToOffset(a) {
      for (const s of img.segments) if (a >= s.vmaddr && a < s.vmaddr + s.filesize) return s.fileoff + a - s.vmaddr;
      return undefined;
    },
  };
}

function peLayout(src: ByteSource): Layout {
  const pe = readPe(src);
  const regions: Region[] = [];
  const named = pe.section('.go.buildinfo');
  const want = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_WRITE;
  const data =
    named ?? pe.sections.find((s) => (s.characteristics & want) === want && (s.characteristics & IMAGE_SCN_MEM_EXECUTE) === 0);
  if (data) regions.push({ offset: data.pointerToRawData, size: Math.min(data.sizeOfRawData, data.virtualSize || data.sizeOfRawData) });
  return {
    regions,
    addrToOffset(a) {
      const rva = a - pe.imageBase;
      return rva >= 0 ? pe.rvaToOffset(rva) : undefined;
    },
  };
}

/** Finds the 16-byte aligned header inside a region; returns its file offset. */
function findHeader(src: ByteSource, r: Region): number | undefined {
  const end = Math.min(r.offset + r.size, src.size, r.offset + MAX_SEARCH);
  // The header is normally at the very start of the region: read a small chunk first, then grow.
  for (let at = r.offset, chunk = 4096; at < end; at += chunk, chunk = Math.min(chunk * 4, CHUNK)) {
    const len = Math.min(chunk + 16, end - at);
    const b = src.read(at, len);
    let i = b.indexOf(BUILDINFO_MAGIC);
    while (i >= 0) {
      if ((at + i - r.offset) % 16 === 0) return at + i;
      i = b.indexOf(BUILDINFO_MAGIC, i + 1);
    }
  }
  return undefined;
}

function uvarint(src: ByteSource, off: number): [number, number] {
  const b = src.read(off, 10);
  let v = 0;
  let mul = 1;
  for (let i = 0; i < b.length; i++) {
    v += (b[i] & 0x7f) * mul;
    if (b[i] < 0x80) return [v, i + 1];
    mul *= 128;
    if (mul > 2 ** 53) break;
  }
  throw new BinaryFormatError(F, off, 'uvarint string length');
}

function readBytes(src: ByteSource, off: number, len: number, what: string): Buffer {
  if (len > MAX_STRING || off < 0 || off + len > src.size) throw new BinaryFormatError(F, off, `${what} (${len} bytes) within file`);
  return src.read(off, len);
}

/** Strips the 16-byte sentinels Go puts around the module text. */
function stripSentinels(mod: string): string {
  if (mod.length >= 33 && mod.charCodeAt(mod.length - 17) === 0x0a) return mod.slice(16, mod.length - 16);
  return '';
}

/**
 * Reads the Go build information of a Go program or shared library; undefined when it has none.
 * For a universal Mach-O file, of the slice with that index (default the first; each slice is a
 * separate Go build with its own build info).
 */
export function readBuildInfo(src: ByteSource, image = 0): GoBuildInfo | undefined {
  return parseBuildInfo(src, image);
}

const parseBuildInfo = parseOnce((src: ByteSource, image: number) => buildInfoOf(src, image));

function buildInfoOf(src: ByteSource, image: number): GoBuildInfo | undefined {
  const kind = detectKind(src);
  let layout: Layout;
  if (kind === 'elf') layout = elfLayout(src);
  else if (kind === 'macho' || kind === 'macho-fat') layout = machoLayout(src, image);
  else if (kind === 'pe') layout = peLayout(src);
  else return undefined;
  let hdr: number | undefined;
  for (const r of layout.regions) if ((hdr = findHeader(src, r)) !== undefined) break;
  if (hdr === undefined) return undefined;
  const h = readBytes(src, hdr, 32, 'build info header');
  if (h.length < 32) throw new BinaryFormatError(F, hdr, '32-byte build info header');
  const ptrSize = h[14];
  const flags = h[15];
  const bigEndian = (flags & 1) !== 0;
  const inline = (flags & 2) !== 0;
  let goVersion: string;
  let mod: string;
  if (inline) {
    let off = hdr + 32;
    const [vlen, n1] = uvarint(src, off);
    off += n1;
    goVersion = readBytes(src, off, vlen, 'Go version string').toString('utf8');
    off += vlen;
    const [mlen, n2] = uvarint(src, off);
    off += n2;
    mod = readBytes(src, off, mlen, 'module string').toString('utf8');
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new BinaryFormatError(F, hdr + 14, 'pointer size 4 or 8');
    const word = (b: Buffer, o: number) =>
      ptrSize === 8 ? Number(bigEndian ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o)) : bigEndian ? b.readUInt32BE(o) : b.readUInt32LE(o);
    const readGoString = (ptr: number): string => {
      const so = layout.addrToOffset(ptr);
      if (so === undefined) throw new BinaryFormatError(F, hdr!, `string header address 0x${ptr.toString(16)} mapped in the file`);
      const sh = readBytes(src, so, 2 * ptrSize, 'string header');
      const dataOff = layout.addrToOffset(word(sh, 0));
      const len = word(sh, ptrSize);
      if (len === 0) return '';
      if (dataOff === undefined) throw new BinaryFormatError(F, so, 'string data mapped in the file');
      return readBytes(src, dataOff, len, 'string data').toString('utf8');
    };
    goVersion = readGoString(word(h, 16));
    mod = readGoString(word(h, 16 + ptrSize));
  }
  const text = stripSentinels(mod);
  const parsed = parseModInfo(text);
  return { goVersion, ...parsed, modinfo: text, ptrSize, bigEndian, inline };
}

/** Unquotes a Go double-quoted string literal (strconv.Unquote); undefined when malformed. */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return undefined;
  const bytes: number[] = [];
  const pushStr = (t: string) => bytes.push(...Buffer.from(t, 'utf8'));
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i];
    if (c === '"' || c === '\n') return undefined;
    if (c !== '\\') {
      const cp = s.codePointAt(i)!;
      pushStr(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
      continue;
    }
    const e = s[++i];
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
    if (e in simple) bytes.push(simple[e]);
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/^[0-7]{3}$/.test(s.slice(i, i + 3))) {
      const v = parseInt(s.slice(i, i + 3), 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 2;
    } else if ((e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) || (e === 'U' && /^[0-9a-fA-F]{8}$/.test(s.slice(i + 1, i + 9)))) {
      const n = e === 'u' ? 4 : 8;
      const cp = parseInt(s.slice(i + 1, i + 1 + n), 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return undefined;
      pushStr(String.fromCodePoint(cp));
      i += n;
    } else return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}

function moduleLine(elem: string[]): BuildInfoModule | undefined {
  if (elem.length !== 2 && elem.length !== 3) return undefined;
  if (elem[0] === '') return undefined;
  return { path: elem[0], version: elem[1], sum: elem.length === 3 ? elem[2] : '' };
}

/**
 * Parses module text (`path`, `mod`, `dep`, `=>`, `build` lines, tab separated, quoted keys and
 * values) as runtime/debug.ParseBuildInfo does. Malformed lines raise BinaryFormatError.
 */
export function parseModInfo(text: string): Pick<GoBuildInfo, 'path' | 'main' | 'deps' | 'settings' | 'setting'> {
  let path = '';
  let main: BuildInfoModule | undefined;
  const deps: BuildInfoModule[] = [];
  const settings: GoBuildSetting[] = [];
  let last: BuildInfoModule | undefined;
  const bad = (n: number, why: string): never => {
    throw new BinaryFormatError(F, 0, `module text line ${n + 1}: ${why}`);
  };
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const word = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (word) {
      case 'go':
        break;
      case 'path':
        path = rest;
        last = undefined;
        break;
      case 'mod':
        main = moduleLine(rest.split('\t')) ?? bad(n, 'mod line: path, version[, sum]');
        last = main;
        break;
      case 'dep': {
        const m = moduleLine(rest.split('\t')) ?? bad(n, 'dep line: path, version[, sum]');
        deps.push(m);
        last = m;
        break;
      }
      case '=>': {
        const elem = rest.split('\t');
        if (elem.length !== 3 && elem.length !== 1) bad(n, 'replacement: path[, version, sum]');
        if (!last) bad(n, 'replacement after a module line');
        if (last!.replace) bad(n, 'one replacement per module');
        last!.replace = elem.length === 3 ? { path: elem[0], version: elem[1], sum: elem[2] } : { path: elem[0], version: '', sum: '' };
        last = undefined;
        break;
      }
      case 'build': {
        let key: string;
        let value: string;
        if (rest.startsWith('"')) {
          // Quoted key: find the closing quote (skipping escapes), then '='.
          let i = 1;
          while (i < rest.length && rest[i] !== '"') i += rest[i] === '\\' ? 2 : 1;
          const k = goUnquote(rest.slice(0, i + 1));
          if (k === undefined || rest[i + 1] !== '=') bad(n, 'build line: quoted key followed by "="');
          key = k!;
          value = rest.slice(i + 2);
        } else {
          const eq = rest.indexOf('=');
          if (eq < 0) bad(n, 'build line: key=value');
          key = rest.slice(0, eq);
          value = rest.slice(eq + 1);
          if (key === '' || /[ \t\r\n"`]/.test(key)) bad(n, 'build line: unquoted key without spaces or quotes');
        }
        if (value.startsWith('"')) {
          const v = goUnquote(value);
          if (v === undefined) bad(n, 'build line: well-formed quoted value');
          value = v!;
        } else if (/[ \t\r\n"`]/.test(value)) bad(n, 'build line: value with spaces must be quoted');
        settings.push({ key, value });
        break;
      }
      default:
        bad(n, `known line kind (go, path, mod, dep, =>, build), got ${JSON.stringify(word.slice(0, 20))}`);
    }
  }
  return {
    path,
    main,
    deps,
    settings,
    setting(key: string) {
      return settings.find((s) => s.key === key)?.value;
    },
  };
}

/** Go's quoting for build settings (strconv.Quote for printable ASCII). */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => c);
}

/** The build info as `go version -m` prints it (runtime/debug.BuildInfo.String), without the file header. */
export function formatBuildInfo(bi: Pick<GoBuildInfo, 'path' | 'main' | 'deps' | 'settings'>): string {
  const out: string[] = [];
  if (bi.path) out.push(`path\t${bi.path}`);
  const mod = (word: string, m: BuildInfoModule) => {
    out.push(`${word}\t${m.path}\t${m.version}${m.replace ? '' : `\t${m.sum}`}`);
    // Go ends a replaced module with an extra newline, so `go version -m` shows an empty line there.
    if (m.replace) out.push(`=>\t${m.replace.path}\t${m.replace.version}\t${m.replace.sum}`, '');
  };
  if (bi.main) mod('mod', bi.main);
  for (const d of bi.deps) mod('dep', d);
  for (const s of bi.settings) {
    const k = s.key === '' || /[= \t\r\n"`]/.test(s.key) ? goQuote(s.key) : s.key;
    const v = /[ \t\r\n"`]/.test(s.value) ? goQuote(s.value) : s.value;
    out.push(`build\t${k}=${v}`);
  }
  return out.join('\n');
}
