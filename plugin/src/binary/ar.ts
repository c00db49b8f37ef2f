/**
 * ar archive reader: GNU/SysV (`/` symbol index, `/SYM64/`, `//` long-name table, `/<n>` names),
 * BSD (`#1/<n>` names stored after the header, `__.SYMDEF` ranlib index) and GNU thin archives.
 * Each member is classified from its first bytes (ELF, COFF, Mach-O, Go object).
 */
import { classifyObject } from './detect';
import { MAX_ENTRIES, StringTable, cstring, fail, need } from './reader';
import { sliceSource } from './source';
import type { ArArchive, ArMember, ArSymbol, ByteSource, ObjectInfo } from './types';

const F = 'ar';
const HDR = 60;
/** Bytes of a member read to classify it (an ELF64 header, or a Go object header line). */
const PEEK = 256;

interface RawMember {
  rawName: string;
  headerOffset: number;
  offset: number;
  size: number;
  date: number;
  uid: number;
  gid: number;
  mode: number;
}

function num(field: string, radix: number, off: number, what: string): number {
  const t = field.trim();
  if (t === '') return 0;
  const re = radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!re.test(t)) fail(F, off, `${what} as a ${radix === 8 ? 'octal' : 'decimal'} number, got ${JSON.stringify(t)}`);
  return parseInt(t, radix);
}

class Ar implements ArArchive {
  readonly kind = 'ar' as const;
  readonly variant: 'gnu' | 'bsd' | 'thin';
  readonly members: ArMember[] = [];
  private symIndex: RawMember | undefined;
  private symCache: ArSymbol[] | undefined;

  constructor(private readonly src: ByteSource) {
    const magic = need(src, F, 0, 8, 'archive magic').toString('latin1');
    if (magic !== '!<arch>\n' && magic !== '!<thin>\n') fail(F, 0, 'magic "!<arch>\\n" or "!<thin>\\n"');
    const thin = magic === '!<thin>\n';
    let variant: 'gnu' | 'bsd' | 'thin' = thin ? 'thin' : 'gnu';
    let longNames: StringTable | undefined;
    let off = 8;
    // Every iteration advances by at least HDR bytes, so the loop ends within size/60 steps.
    while (off < src.size) {
      if (off + HDR > src.size) {
        // A lone trailing newline padding byte is tolerated.
        if (src.size - off === 1) break;
        fail(F, off, 'complete 60-byte member header');
      }
      const h = need(src, F, off, HDR, 'member header');
      if (h[58] !== 0x60 || h[59] !== 0x0a) fail(F, off + 58, 'member header terminator "`\\n"');
      const hs = h.toString('latin1');
      const rm: RawMember = {
        rawName: hs.slice(0, 16),
        headerOffset: off,
        offset: off + HDR,
        date: num(hs.slice(16, 28), 10, off + 16, 'ar_date'),
        uid: num(hs.slice(28, 34), 10, off + 28, 'ar_uid'),
        gid: num(hs.slice(34, 40), 10, off + 34, 'ar_gid'),
        mode: num(hs.slice(40, 48), 8, off + 40, 'ar_mode'),
        size: num(hs.slice(48, 58), 10, off + 48, 'ar_size'),
      };
      const rawName = rm.rawName.trimEnd();
      let name: string;
      let dataInFile = true;
      if (rawName.startsWith('#1/')) {
        variant = 'bsd';
        const n = num(rawName.slice(3), 10, off, 'BSD name length');
        if (n > rm.size) fail(F, off, `BSD name length ${n} ≤ member size ${rm.size}`);
        name = cstring(need(src, F, rm.offset, n, 'BSD long name'), 0);
        rm.offset += n;
        rm.size -= n;
      } else if (rawName === '/' || rawName === '/SYM64/' || rawName === '__.SYMDEF' || rawName === '__.SYMDEF SORTED') {
        if (rawName.startsWith('__.SYMDEF')) variant = 'bsd';
        this.symIndex ??= rm;
        name = '';
      } else if (rawName === '//') {
        longNames = new StringTable(need(src, F, rm.offset, rm.size, 'long-name table'), F, rm.offset, 'ar');
        name = '';
      } else if (/^\/\d+$/.test(rawName)) {
        if (!longNames) fail(F, off, 'long-name table "//" before a "/<n>" name');
        const at = parseInt(rawName.slice(1), 10);
        if (at >= longNames.buf.length) fail(F, off, `long-name offset ${at} within table (${longNames.buf.length} bytes)`);
        name = longNames.get(at);
        if (thin) dataInFile = false;
      } else {
        name = rawName.endsWith('/') ? rawName.slice(0, -1) : rawName;
        if (thin) dataInFile = false;
      }
      if (name === '__.SYMDEF' || name === '__.SYMDEF SORTED') {
        this.symIndex ??= rm;
        name = '';
      }
      const stored = dataInFile ? rm.size : 0;
      if (rm.offset + stored > src.size) fail(F, off, `member data (${stored} bytes at ${rm.offset}) within file`);
      if (name !== '') {
        if (this.members.length >= MAX_ENTRIES) fail(F, off, `at most ${MAX_ENTRIES} members`);
        const object: ObjectInfo = dataInFile
          ? classifyObject(src.read(rm.offset, Math.min(PEEK, rm.size)))
          : { format: 'unknown' };
        this.members.push({
          name, headerOffset: rm.headerOffset, offset: rm.offset, size: rm.size, date: rm.date, uid: rm.uid,
          gid: rm.gid, mode: rm.mode, object,
        });
      }
      const next = rm.offset + stored;
      off = next + (next % 2);
    }
    this.variant = variant;
  }

  symbols(): ArSymbol[] {
    if (this.symCache) return this.symCache;
    const out: ArSymbol[] = [];
    const s = this.symIndex;
    if (s) {
      const raw = need(this.src, F, s.offset, s.size, 'symbol index');
      const name = s.rawName.trimEnd();
      if (name === '/' || name === '/SYM64/') {
        const w = name === '/' ? 4 : 8;
        if (raw.length < w) fail(F, s.offset, 'symbol count');
        const count = w === 4 ? raw.readUInt32BE(0) : Number(raw.readBigUInt64BE(0));
        if (count > (raw.length - w) / w) fail(F, s.offset, `symbol index with ${count} entries within member`);
        let strOff = w + count * w;
        for (let i = 0; i < count; i++) {
          const memberOffset = w === 4 ? raw.readUInt32BE(w + i * w) : Number(raw.readBigUInt64BE(w + i * w));
          if (strOff >= raw.length) fail(F, s.offset + strOff, `name of symbol ${i} within index`);
          const sym = cstring(raw, strOff);
          strOff += Buffer.byteLength(sym, 'latin1') + 1;
          out.push({ name: sym, memberOffset });
        }
      } else {
        // BSD: u32 ranlib bytes, ranlib[] {strx, off}, u32 string bytes, strings. Byte order is the target's;
        // take the one under which the sizes fit.
        for (const be of [false, true]) {
          const u32 = (o: number) => (o + 4 <= raw.length ? (be ? raw.readUInt32BE(o) : raw.readUInt32LE(o)) : -1);
          const rbytes = u32(0);
          if (rbytes < 0 || rbytes % 8 !== 0 || 4 + rbytes + 4 > raw.length) continue;
          const sbytes = u32(4 + rbytes);
          if (sbytes < 0 || 8 + rbytes + sbytes > raw.length) continue;
          const strs = new StringTable(raw.subarray(8 + rbytes, 8 + rbytes + sbytes), F, s.offset + 8 + rbytes, 'nul', 'latin1');
          for (let i = 0; i < rbytes / 8; i++) {
            const strx = u32(4 + i * 8);
            out.push({ name: strx < strs.buf.length ? strs.get(strx) : '', memberOffset: u32(8 + i * 8) });
          }
          break;
        }
      }
    }
    this.symCache = out;
    return out;
  }
}

/** The bytes of one member, as a source any reader (readElf, readPe, readMachO) can open. */
export function arMemberSource(src: ByteSource, member: ArMember): ByteSource {
  return sliceSource(src, member.offset, member.size);
}

/** Reads an archive's member table (member contents are only peeked at for classification). */
export function readAr(src: ByteSource): ArArchive {
  return new Ar(src);
}
