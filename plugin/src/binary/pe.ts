/**
 * PE/COFF reader: images (DOS header → "PE\0\0" → COFF file header → optional header PE32 or
 * PE32+ → section table) and bare COFF objects (.syso, archive members), which start directly
 * with the COFF file header.
 */
import { MAX_ENTRIES, cstring, fail, need, parseOnce } from './reader';
import { peMachineName } from './pe-names';
import type { ByteSource, PeFile, PeSection } from './types';

const F = 'pe';

class Pe implements PeFile {
  readonly kind = 'pe' as const;
  readonly machine: number;
  readonly machineName: string;
  readonly characteristics: number;
  readonly timeDateStamp: number;
  readonly optionalMagic: number = 0;
  readonly imageBase: number = 0;
  readonly subsystem: number = 0;
  readonly dllCharacteristics: number = 0;
  readonly sections: PeSection[] = [];
  readonly dataDirectories: { rva: number; size: number }[] = [];
  private dlls: string[] | undefined;

  constructor(private readonly src: ByteSource) {
    const mz = need(src, F, 0, 2, 'file header');
    let coff = 0;
    if (mz[0] === 0x4d && mz[1] === 0x5a) {
      const lfanew = need(src, F, 0x3c, 4, 'e_lfanew').readUInt32LE(0);
      const sig = need(src, F, lfanew, 4, 'PE signature');
      if (sig.toString('latin1') !== 'PE\0\0') fail(F, lfanew, 'signature "PE\\0\\0"');
      coff = lfanew + 4;
    }
    const h = need(src, F, coff, 20, 'COFF file header');
    this.machine = h.readUInt16LE(0);
    this.machineName = peMachineName(this.machine);
    const nsections = h.readUInt16LE(2);
    this.timeDateStamp = h.readUInt32LE(4);
    const symPtr = h.readUInt32LE(8);
    const nsyms = h.readUInt32LE(12);
    const optSize = h.readUInt16LE(16);
    this.characteristics = h.readUInt16LE(18);
    const optOff = coff + 20;
    if (optSize > 0) {
      const opt = need(src, F, optOff, optSize, 'optional header');
      if (optSize < 2) fail(F, optOff, 'optional header magic');
      this.optionalMagic = opt.readUInt16LE(0);
      const plus = this.optionalMagic === 0x20b;
      if (!plus && this.optionalMagic !== 0x10b) fail(F, optOff, 'optional header magic 0x10b (PE32) or 0x20b (PE32+)');
      const min = plus ? 112 : 96;
      if (optSize < min) fail(F, optOff, `optional header of at least ${min} bytes`);
      this.imageBase = plus ? Number(opt.readBigUInt64LE(24)) : opt.readUInt32LE(28);
      this.subsystem = opt.readUInt16LE(68);
      this.dllCharacteristics = opt.readUInt16LE(70);
      const ndirs = Math.min(opt.readUInt32LE(plus ? 108 : 92), Math.floor((optSize - min) / 8), 16);
      for (let i = 0; i < ndirs; i++) this.dataDirectories.push({ rva: opt.readUInt32LE(min + i * 8), size: opt.readUInt32LE(min + i * 8 + 4) });
    }
    const secOff = optOff + optSize;
    const table = need(src, F, secOff, nsections * 40, 'section table');
    // Long section names ("/123") live in the COFF string table after the symbol table.
    // Only the names themselves are read, not the whole table (it also holds every symbol name).
    const strOff = symPtr + nsyms * 18;
    let strLen: number | undefined;
    const longName = (n: number): string => {
      if (strLen === undefined) {
        if (symPtr === 0 || nsyms > MAX_ENTRIES) fail(F, secOff, 'COFF string table for a long section name');
        strLen = need(src, F, strOff, 4, 'COFF string table size').readUInt32LE(0);
      }
      if (n < 4 || n >= strLen || strOff + n >= src.size) fail(F, strOff, `string offset ${n} within COFF string table`);
      return cstring(src.read(strOff + n, Math.min(256, strLen - n)), 0);
    };
    for (let i = 0; i < nsections; i++) {
      const o = i * 40;
      let name = cstring(table.subarray(o, o + 8), 0);
      if (/^\/\d+$/.test(name)) name = longName(parseInt(name.slice(1), 10));
      this.sections.push({
        name, virtualSize: table.readUInt32LE(o + 8), virtualAddress: table.readUInt32LE(o + 12),
        sizeOfRawData: table.readUInt32LE(o + 16), pointerToRawData: table.readUInt32LE(o + 20),
        characteristics: table.readUInt32LE(o + 36),
      });
    }
  }

  section(name: string): PeSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** File offset of a relative virtual address, when a section holds it in file data. */
  rvaToOffset(rva: number): number | undefined {
    for (const s of this.sections) {
      if (rva >= s.virtualAddress && rva < s.virtualAddress + Math.min(s.sizeOfRawData, Math.max(s.virtualSize, s.sizeOfRawData))) {
        return s.pointerToRawData + (rva - s.virtualAddress);
      }
    }
    return undefined;
  }

  importedDlls(): string[] {
    if (this.dlls) return this.dlls;
    const out: string[] = [];
    const dir = this.dataDirectories[1];
    if (dir && dir.rva !== 0) {
      const off = this.rvaToOffset(dir.rva);
      if (off === undefined) fail(F, 0, 'import directory inside a section');
      for (let i = 0; i < MAX_ENTRIES; i++) {
        const desc = need(this.src, F, off + i * 20, 20, 'import descriptor');
        const nameRva = desc.readUInt32LE(12);
        if (nameRva === 0 && desc.readUInt32LE(16) === 0) break;
        const no = this.rvaToOffset(nameRva);
        if (no === undefined) fail(F, off + i * 20, 'import name inside a section');
        out.push(cstring(this.src.read(no, 256), 0));
      }
    }
    this.dlls = out;
    return out;
  }
}

/** Reads a PE image's or COFF object's headers and section table. */
const parsePe = parseOnce((src) => new Pe(src));

export function readPe(src: ByteSource): PeFile & { rvaToOffset(rva: number): number | undefined } {
  return parsePe(src, undefined);
}
