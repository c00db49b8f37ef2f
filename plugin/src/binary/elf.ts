/**
 * ELF reader (32/64-bit, little and big endian). The header, program headers and section
 * headers are read when the file is opened; everything else (dynamic section, symbol tables,
 * versions, notes) is read on first request, so a check that only looks at the header and
 * PT_INTERP reads a few kilobytes of a multi-megabyte binary.
 */
import * as N from './elf-names';
import { Decoder, MAX_ENTRIES, StringTable, cstring, fail, need, parseOnce } from './reader';
import type {
  ByteSource,
  ElfAbiTag,
  ElfDynamic,
  ElfDynamicEntry,
  ElfFile,
  ElfHeader,
  ElfNote,
  ElfProgramHeader,
  ElfSection,
  ElfSymbol,
  ElfVersionDef,
  ElfVersionNeed,
} from './types';

const F = 'elf';
export const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
/** Largest PT_INTERP string accepted (the kernel's limit is PATH_MAX). */
const MAX_INTERP = 4096;

function readHeader(src: ByteSource): ElfHeader {
  const ident = need(src, F, 0, 16, 'ELF identification (16 bytes)');
  if (!ident.subarray(0, 4).equals(ELF_MAGIC)) fail(F, 0, 'magic \\x7fELF');
  const cls = ident[4];
  if (cls !== 1 && cls !== 2) fail(F, 4, 'EI_CLASS ELFCLASS32 (1) or ELFCLASS64 (2)');
  const data = ident[5];
  if (data !== 1 && data !== 2) fail(F, 5, 'EI_DATA ELFDATA2LSB (1) or ELFDATA2MSB (2)');
  if (ident[6] !== 1) fail(F, 6, 'EI_VERSION EV_CURRENT (1)');
  const is64 = cls === 2;
  const hsize = is64 ? 64 : 52;
  const d = new Decoder(need(src, F, 0, hsize, 'ELF header'), data === 2, F);
  const type = d.u16(16);
  const machine = d.u16(18);
  const w = is64 ? 8 : 4;
  const entry = d.word(24, w);
  const phoff = d.word(24 + w, w);
  const shoff = d.word(24 + 2 * w, w);
  const o = 24 + 3 * w;
  return {
    class: is64 ? 64 : 32,
    data: data === 2 ? 'big' : 'little',
    osabi: ident[7],
    osabiName: N.nameOf(N.ELFOSABI, ident[7], 'ELFOSABI'),
    abiVersion: ident[8],
    type,
    typeName: N.nameOf(N.ET, type, 'ET'),
    machine,
    machineName: N.nameOf(N.EM, machine, 'EM'),
    version: d.u32(20),
    entry,
    flags: d.u32(o),
    phoff,
    shoff,
    ehsize: d.u16(o + 4),
    phentsize: d.u16(o + 6),
    phnum: d.u16(o + 8),
    shentsize: d.u16(o + 10),
    shnum: d.u16(o + 12),
    shstrndx: d.u16(o + 14),
  };
}

class Elf implements ElfFile {
  readonly kind = 'elf' as const;
  readonly header: ElfHeader;
  readonly programs: ElfProgramHeader[];
  readonly sections: ElfSection[];
  readonly interpreter: string | undefined;
  private readonly is64: boolean;
  private readonly be: boolean;
  private cache = new Map<string, unknown>();

  constructor(private readonly src: ByteSource) {
    this.header = readHeader(src);
    this.is64 = this.header.class === 64;
    this.be = this.header.data === 'big';
    const sec = this.readSectionHeaders();
    this.sections = sec;
    this.programs = this.readProgramHeaders(sec);
    const interp = this.programs.find((p) => p.type === N.PT_INTERP);
    if (interp) {
      if (interp.filesz > MAX_INTERP) fail(F, interp.offset, `PT_INTERP of at most ${MAX_INTERP} bytes`);
      this.interpreter = cstring(need(src, F, interp.offset, interp.filesz, 'PT_INTERP'), 0);
    }
  }

  private dec(buf: Buffer, base: number): Decoder {
    return new Decoder(buf, this.be, F, base);
  }

  private memo<T>(key: string, fn: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, fn());
    return this.cache.get(key) as T;
  }

  private readSectionHeaders(): ElfSection[] {
    const h = this.header;
    if (h.shoff === 0) return [];
    const entsize = this.is64 ? 64 : 40;
    if (h.shentsize < entsize) fail(F, this.is64 ? 58 : 46, `e_shentsize ≥ ${entsize}`);
    let shnum = h.shnum;
    let shstrndx = h.shstrndx;
    if (shnum === 0 || shstrndx === N.SHN_XINDEX) {
      // Extended numbering: real values live in section 0.
      const s0 = this.dec(need(this.src, F, h.shoff, entsize, 'section header 0'), h.shoff);
      if (shnum === 0) shnum = this.is64 ? s0.u64(32) : s0.u32(20);
      if (shstrndx === N.SHN_XINDEX) shstrndx = s0.u32(this.is64 ? 40 : 24);
    }
    if (shnum === 0) return [];
    if (shnum > MAX_ENTRIES || shnum * h.shentsize > this.src.size) fail(F, h.shoff, `section header table (${shnum} entries) within file`);
    const buf = need(this.src, F, h.shoff, shnum * h.shentsize, 'section header table');
    const d = this.dec(buf, h.shoff);
    const out: ElfSection[] = [];
    const nameOffs: number[] = [];
    for (let i = 0; i < shnum; i++) {
      const o = i * h.shentsize;
      const s: ElfSection = this.is64
        ? {
            index: i, name: '', type: d.u32(o + 4), typeName: '', flags: d.u64(o + 8), addr: d.u64(o + 16),
            offset: d.u64(o + 24), size: d.u64(o + 32), link: d.u32(o + 40), info: d.u32(o + 44),
            addralign: d.u64(o + 48), entsize: d.u64(o + 56),
          }
        : {
            index: i, name: '', type: d.u32(o + 4), typeName: '', flags: d.u32(o + 8), addr: d.u32(o + 12),
            offset: d.u32(o + 16), size: d.u32(o + 20), link: d.u32(o + 24), info: d.u32(o + 28),
            addralign: d.u32(o + 32), entsize: d.u32(o + 36),
          };
      s.typeName = N.nameOf(N.SHT, s.type, 'SHT');
      nameOffs.push(d.u32(o));
      out.push(s);
    }
    if (shstrndx !== 0 && shstrndx < out.length) {
      const strtab = new StringTable(this.sectionData(out[shstrndx]), F, out[shstrndx].offset, 'nul', 'latin1');
      out.forEach((s, i) => {
        const off = nameOffs[i];
        s.name = off < strtab.buf.length ? strtab.get(off) : '';
      });
    } else if (shstrndx >= out.length && shstrndx !== 0) {
      fail(F, this.is64 ? 62 : 50, `e_shstrndx (${shstrndx}) < number of sections (${out.length})`);
    }
    return out;
  }

  private readProgramHeaders(sections: ElfSection[]): ElfProgramHeader[] {
    const h = this.header;
    let phnum = h.phnum;
    if (phnum === 0xffff && sections.length > 0) phnum = sections[0].info;
    if (phnum === 0 || h.phoff === 0) return [];
    const entsize = this.is64 ? 56 : 32;
    if (h.phentsize < entsize) fail(F, this.is64 ? 54 : 42, `e_phentsize ≥ ${entsize}`);
    if (phnum * h.phentsize > this.src.size) fail(F, h.phoff, `program header table (${phnum} entries) within file`);
    const buf = need(this.src, F, h.phoff, phnum * h.phentsize, 'program header table');
    const d = this.dec(buf, h.phoff);
    const out: ElfProgramHeader[] = [];
    for (let i = 0; i < phnum; i++) {
      const o = i * h.phentsize;
      const type = d.u32(o);
      const p: ElfProgramHeader = this.is64
        ? {
            index: i, type, typeName: N.nameOf(N.PT, type, 'PT'), flags: d.u32(o + 4), offset: d.u64(o + 8),
            vaddr: d.u64(o + 16), paddr: d.u64(o + 24), filesz: d.u64(o + 32), memsz: d.u64(o + 40), align: d.u64(o + 48),
          }
        : {
            index: i, type, typeName: N.nameOf(N.PT, type, 'PT'), offset: d.u32(o + 4), vaddr: d.u32(o + 8),
            paddr: d.u32(o + 12), filesz: d.u32(o + 16), memsz: d.u32(o + 20), flags: d.u32(o + 24), align: d.u32(o + 28),
          };
      out.push(p);
    }
    return out;
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  sectionData(s: ElfSection): Buffer {
    if (s.type === N.SHT_NOBITS || s.size === 0) return Buffer.alloc(0);
    return need(this.src, F, s.offset, s.size, `contents of section ${s.index} ${JSON.stringify(s.name)}`);
  }

  private linked(s: ElfSection, what: string): ElfSection {
    if (s.link === 0 || s.link >= this.sections.length) fail(F, s.offset, `sh_link of ${what} naming a section`);
    return this.sections[s.link];
  }

  private strtab(index: number): StringTable {
    return this.memo(`str:${index}`, () => new StringTable(this.sectionData(this.sections[index]), F, this.sections[index].offset));
  }

  dynamic(): ElfDynamic | undefined {
    return this.memo('dyn', () => this.readDynamic());
  }

  private readDynamic(): ElfDynamic | undefined {
    const sec = this.sections.find((s) => s.type === N.SHT_DYNAMIC);
    const seg = this.programs.find((p) => p.type === N.PT_DYNAMIC);
    let raw: Buffer;
    let base: number;
    if (sec) {
      raw = this.sectionData(sec);
      base = sec.offset;
    } else if (seg) {
      raw = need(this.src, F, seg.offset, seg.filesz, 'PT_DYNAMIC');
      base = seg.offset;
    } else return undefined;
    const w = this.is64 ? 8 : 4;
    const d = this.dec(raw, base);
    const entries: ElfDynamicEntry[] = [];
    for (let o = 0; o + 2 * w <= raw.length; o += 2 * w) {
      const tag = d.word(o, w);
      const value = d.word(o + w, w);
      if (tag === N.DT_NULL) break;
      entries.push({ tag, tagName: N.nameOf(N.DT, tag, 'DT'), value });
    }
    // String table: the section's sh_link, else DT_STRTAB mapped through PT_LOAD.
    let strs: StringTable | undefined;
    if (sec && sec.link !== 0 && sec.link < this.sections.length) strs = this.strtab(sec.link);
    else {
      const addr = entries.find((e) => e.tag === N.DT_STRTAB)?.value;
      const size = entries.find((e) => e.tag === N.DT_STRSZ)?.value;
      if (addr !== undefined && size !== undefined) {
        const off = this.vaddrToOffset(addr);
        if (off !== undefined) strs = new StringTable(need(this.src, F, off, size, 'DT_STRTAB'), F, off);
      }
    }
    const str = (v: number): string => {
      if (!strs) fail(F, base, 'dynamic string table');
      if (v >= strs.buf.length) fail(F, base, `dynamic string offset ${v} within string table (${strs.buf.length} bytes)`);
      return strs.get(v);
    };
    const out: ElfDynamic = { entries, needed: [], rpath: [], runpath: [], textrel: false, bindNow: false, debug: false };
    for (const e of entries) {
      switch (e.tag) {
        case N.DT_NEEDED: out.needed.push(str(e.value)); break;
        case N.DT_RPATH: out.rpath.push(str(e.value)); break;
        case N.DT_RUNPATH: out.runpath.push(str(e.value)); break;
        case N.DT_SONAME: out.soname = str(e.value); break;
        case N.DT_FLAGS: out.flags = e.value; break;
        case N.DT_FLAGS_1: out.flags1 = e.value; break;
        case N.DT_TEXTREL: out.textrel = true; break;
        case N.DT_BIND_NOW: out.bindNow = true; break;
        case N.DT_DEBUG: out.debug = true; break;
      }
    }
    if (out.flags !== undefined) {
      if (out.flags & N.DF_TEXTREL) out.textrel = true;
      if (out.flags & N.DF_BIND_NOW) out.bindNow = true;
    }
    if (out.flags1 !== undefined && out.flags1 & N.DF_1_NOW) out.bindNow = true;
    return out;
  }

  private vaddrToOffset(addr: number): number | undefined {
    for (const p of this.programs) {
      if (p.type === N.PT_LOAD && addr >= p.vaddr && addr < p.vaddr + p.filesz) return p.offset + (addr - p.vaddr);
    }
    return undefined;
  }

  private readSymbols(sec: ElfSection | undefined): ElfSymbol[] {
    if (!sec) return [];
    const entsize = this.is64 ? 24 : 16;
    if (sec.type === N.SHT_NOBITS) return [];
    if (sec.size % entsize !== 0) fail(F, sec.offset, `symbol table size a multiple of ${entsize}`);
    const count = sec.size / entsize;
    if (count > MAX_ENTRIES) fail(F, sec.offset, `at most ${MAX_ENTRIES} symbols`);
    const raw = this.sectionData(sec);
    const strs = this.strtab(this.linked(sec, 'symbol table').index);
    const d = this.dec(raw, sec.offset);
    const out: ElfSymbol[] = [];
    for (let i = 1; i < count; i++) {
      const o = i * entsize;
      let nameOff: number, value: number, size: number, info: number, other: number, shndx: number;
      if (this.is64) {
        nameOff = d.u32(o); info = d.u8(o + 4); other = d.u8(o + 5); shndx = d.u16(o + 6); value = d.u64(o + 8); size = d.u64(o + 16);
      } else {
        nameOff = d.u32(o); value = d.u32(o + 4); size = d.u32(o + 8); info = d.u8(o + 12); other = d.u8(o + 13); shndx = d.u16(o + 14);
      }
      if (nameOff >= strs.buf.length && nameOff !== 0) fail(F, sec.offset + o, `symbol name offset ${nameOff} within string table`);
      const bind = info >> 4;
      const type = info & 0xf;
      const vis = other & 3;
      const s: ElfSymbol = {
        index: i, name: strs.get(nameOff), value, size,
        bind, bindName: N.nameOf(N.STB, bind, 'STB'), type, typeName: N.nameOf(N.STT, type, 'STT'),
        visibility: vis, visibilityName: N.nameOf(N.STV, vis, 'STV'), shndx, defined: shndx !== N.SHN_UNDEF,
      };
      if (shndx !== N.SHN_UNDEF && shndx < N.SHN_LORESERVE && shndx < this.sections.length) s.sectionName = this.sections[shndx].name;
      out.push(s);
    }
    return out;
  }

  dynamicSymbols(): ElfSymbol[] {
    return this.memo('dynsym', () => {
      const sec = this.sections.find((s) => s.type === N.SHT_DYNSYM);
      const syms = this.readSymbols(sec);
      const vs = this.sections.find((s) => s.type === N.SHT_GNU_versym);
      if (!sec || !vs || syms.length === 0) return syms;
      const raw = this.sectionData(vs);
      const d = this.dec(raw, vs.offset);
      const need_ = new Map<number, { name: string; file: string }>();
      for (const v of this.versionNeeds()) for (const a of v.versions) need_.set(a.other, { name: a.name, file: v.file });
      const defs = new Map<number, string>();
      for (const v of this.versionDefs()) if (v.names.length > 0) defs.set(v.index, v.names[0]);
      for (const s of syms) {
        const o = s.index * 2;
        if (o + 2 > raw.length) break;
        const v = d.u16(o);
        const idx = v & 0x7fff;
        if (idx <= 1) continue;
        const n = need_.get(idx);
        if (n) {
          s.version = n.name;
          s.versionLibrary = n.file;
        } else if (defs.has(idx)) s.version = defs.get(idx);
        s.versionHidden = (v & 0x8000) !== 0;
      }
      return syms;
    });
  }

  symbols(): ElfSymbol[] {
    return this.memo('symtab', () => this.readSymbols(this.sections.find((s) => s.type === N.SHT_SYMTAB)));
  }

  versionNeeds(): ElfVersionNeed[] {
    return this.memo('verneed', () => {
      const sec = this.sections.find((s) => s.type === N.SHT_GNU_verneed);
      if (!sec) return [];
      const raw = this.sectionData(sec);
      const strs = this.strtab(this.linked(sec, 'SHT_GNU_verneed').index);
      const d = this.dec(raw, sec.offset);
      const out: ElfVersionNeed[] = [];
      const seen = new Set<number>();
      let o = 0;
      // Each step moves forward by a positive vn_next, and each offset is visited once: no cycles.
      for (let n = 0; n < MAX_ENTRIES; n++) {
        if (seen.has(o)) fail(F, sec.offset + o, 'acyclic Verneed chain');
        seen.add(o);
        const cnt = d.u16(o + 2);
        const file = strs.get(d.u32(o + 4));
        const aux = d.u32(o + 8);
        const next = d.u32(o + 12);
        const versions: ElfVersionNeed['versions'] = [];
        let a = o + aux;
        const seenA = new Set<number>();
        for (let j = 0; j < cnt; j++) {
          if (seenA.has(a)) fail(F, sec.offset + a, 'acyclic Vernaux chain');
          seenA.add(a);
          versions.push({ hash: d.u32(a), flags: d.u16(a + 4), other: d.u16(a + 6), name: strs.get(d.u32(a + 8)) });
          const an = d.u32(a + 12);
          if (an === 0) break;
          a += an;
        }
        out.push({ file, versions });
        if (next === 0) break;
        o += next;
      }
      return out;
    });
  }

  versionDefs(): ElfVersionDef[] {
    return this.memo('verdef', () => {
      const sec = this.sections.find((s) => s.type === N.SHT_GNU_verdef);
      if (!sec) return [];
      const raw = this.sectionData(sec);
      const strs = this.strtab(this.linked(sec, 'SHT_GNU_verdef').index);
      const d = this.dec(raw, sec.offset);
      const out: ElfVersionDef[] = [];
      const seen = new Set<number>();
      let o = 0;
      for (let n = 0; n < MAX_ENTRIES; n++) {
        if (seen.has(o)) fail(F, sec.offset + o, 'acyclic Verdef chain');
        seen.add(o);
        const flags = d.u16(o + 2);
        const index = d.u16(o + 4);
        const cnt = d.u16(o + 6);
        const aux = d.u32(o + 12);
        const next = d.u32(o + 16);
        const names: string[] = [];
        let a = o + aux;
        const seenA = new Set<number>();
        for (let j = 0; j < cnt; j++) {
          if (seenA.has(a)) fail(F, sec.offset + a, 'acyclic Verdaux chain');
          seenA.add(a);
          names.push(strs.get(d.u32(a)));
          const an = d.u32(a + 4);
          if (an === 0) break;
          a += an;
        }
        out.push({ index, flags, names });
        if (next === 0) break;
        o += next;
      }
      return out;
    });
  }

  notes(): ElfNote[] {
    return this.memo('notes', () => {
      const out: ElfNote[] = [];
      // Overlapping or repeated note areas in a hostile file must not multiply the work: read
      // each area once and at most the file's size in total.
      let budget = this.src.size;
      const seen = new Set<string>();
      const area = (offset: number, size: number): boolean => {
        const key = `${offset}:${size}`;
        if (seen.has(key)) return false;
        seen.add(key);
        budget -= size;
        if (budget < 0) fail(F, offset, 'note areas no larger in total than the file');
        return true;
      };
      const secs = this.sections.filter((s) => s.type === N.SHT_NOTE);
      if (secs.length > 0) {
        for (const s of secs) {
          if (area(s.offset, s.size)) this.parseNotes(this.sectionData(s), s.offset, s.addralign === 8 ? 8 : 4, s.name, out);
        }
      } else {
        for (const p of this.programs) {
          if (p.type !== N.PT_NOTE || !area(p.offset, p.filesz)) continue;
          this.parseNotes(need(this.src, F, p.offset, p.filesz, 'PT_NOTE'), p.offset, p.align === 8 ? 8 : 4, '', out);
        }
      }
      return out;
    });
  }

  private parseNotes(raw: Buffer, base: number, align: number, section: string, out: ElfNote[]): void {
    const d = this.dec(raw, base);
    const pad = (n: number) => (n + align - 1) & ~(align - 1);
    let o = 0;
    while (o + 12 <= raw.length) {
      const namesz = d.u32(o);
      const descsz = d.u32(o + 4);
      const type = d.u32(o + 8);
      const nameOff = o + 12;
      if (namesz > raw.length || descsz > raw.length) fail(F, base + o, 'note within its section');
      const descOff = pad(nameOff + namesz);
      if (descOff + descsz > raw.length) fail(F, base + o, 'note within its section');
      const owner = raw.toString('latin1', nameOff, nameOff + namesz).replace(/\0+$/, '');
      out.push({ owner, type, desc: Buffer.from(raw.subarray(descOff, descOff + descsz)), section });
      o = descOff + pad(descsz);
    }
  }

  gnuBuildId(): string | undefined {
    const n = this.notes().find((x) => x.owner === 'GNU' && x.type === N.NT_GNU_BUILD_ID);
    return n ? n.desc.toString('hex') : undefined;
  }

  abiTag(): ElfAbiTag | undefined {
    const n = this.notes().find((x) => x.owner === 'GNU' && x.type === N.NT_GNU_ABI_TAG && x.desc.length >= 16);
    if (!n) return undefined;
    const d = this.dec(n.desc, 0);
    const os = d.u32(0);
    return { os, osName: N.ELF_NOTE_OS[os] ?? `os(${os})`, major: d.u32(4), minor: d.u32(8), patch: d.u32(12) };
  }

  goBuildId(): string | undefined {
    const n = this.notes().find((x) => x.owner === 'Go' && x.type === N.NT_GO_BUILDID);
    return n ? n.desc.toString('utf8') : undefined;
  }
}

const parseElf = parseOnce((src) => new Elf(src));

/**
 * Parses an ELF file's headers; other parts are read lazily by the returned object's methods.
 * Once per source: asking again for the same source gives the same object.
 */
export function readElf(src: ByteSource): ElfFile {
  return parseElf(src, undefined);
}

/** Just the ELF header (for archive members and .syso classification). */
export function readElfHeader(src: ByteSource): ElfHeader {
  return readHeader(src);
}
