/**
 * Mach-O reader: thin 32/64-bit images of either byte order, and fat/universal files (32- and
 * 64-bit fat_arch tables, always big-endian) with one image per slice.
 */
import * as M from './macho-names';
import { Decoder, MAX_CSTRING, fail, need, parseOnce } from './reader';
import type { ByteSource, MachOFile, MachOImage, MachOLoadCommand, MachOSection, MachOSegment } from './types';

const F = 'macho';
/** Upper bound on the load-command area (real files have a few kilobytes). */
const MAX_CMDS_SIZE = 16 << 20;
/** Universal files carry a handful of slices; more is hostile (each slice is parsed). */
const MAX_FAT_ARCHES = 64;

function ver(v: number): string {
  return `${v >>> 16}.${(v >> 8) & 0xff}.${v & 0xff}`;
}

/** A 16-byte, NUL-padded segment or section name (decoded in place: no Buffer view per name). */
function name16(b: Buffer, off: number): string {
  const lim = Math.min(off + 16, b.length);
  let end = off;
  while (end < lim && b[end] !== 0) end++;
  return b.toString('latin1', off, end);
}

/** NUL-terminated string in b[start, end) (to end, or MAX_CSTRING bytes, without a NUL). */
function cstringIn(b: Buffer, start: number, end: number): string {
  const lim = Math.min(end, b.length, start + MAX_CSTRING);
  let i = start;
  while (i < lim && b[i] !== 0) i++;
  return b.toString('latin1', start, i);
}

function readImage(src: ByteSource, base: number, size: number): MachOImage {
  const m = need(src, F, base, 4, 'Mach-O magic');
  const magicBE = m.readUInt32BE(0);
  let bigEndian: boolean;
  let is64: boolean;
  switch (magicBE) {
    case 0xfeedface: bigEndian = true; is64 = false; break;
    case 0xfeedfacf: bigEndian = true; is64 = true; break;
    case 0xcefaedfe: bigEndian = false; is64 = false; break;
    case 0xcffaedfe: bigEndian = false; is64 = true; break;
    default: fail(F, base, 'Mach-O magic 0xfeedface or 0xfeedfacf');
  }
  const hsize = is64 ? 32 : 28;
  const h = new Decoder(need(src, F, base, hsize, 'mach_header'), bigEndian, F, base);
  const cputype = h.i32(4);
  const cpusubtype = h.i32(8);
  const filetype = h.u32(12);
  const ncmds = h.u32(16);
  const sizeofcmds = h.u32(20);
  const flags = h.u32(24);
  if (sizeofcmds > MAX_CMDS_SIZE || ncmds > sizeofcmds / 8) fail(F, base + 16, 'load commands (ncmds, sizeofcmds) that fit');
  const cmdsOff = base + hsize;
  const cmds = need(src, F, cmdsOff, sizeofcmds, 'load commands');
  const d = new Decoder(cmds, bigEndian, F, cmdsOff);
  const img: MachOImage = {
    offset: base, size, is64, bigEndian, cputype, cpusubtype, cpuName: M.cpuName(cputype), filetype,
    filetypeName: M.MH_FILETYPE[filetype] ?? `MH(0x${filetype.toString(16)})`, flags,
    loadCommands: [], segments: [], dylibs: [], rpaths: [],
    section(name: string) {
      for (const s of this.segments) for (const x of s.sections) if (x.name === name) return x;
      return undefined;
    },
  };
  const lcStr = (o: number, cmdsize: number): string => {
    const at = d.u32(o + 8);
    if (at >= cmdsize) fail(F, cmdsOff + o, 'lc_str offset inside its command');
    return cstringIn(cmds, o + at, o + cmdsize);
  };
  let o = 0;
  for (let i = 0; i < ncmds; i++) {
    if (o + 8 > cmds.length) fail(F, cmdsOff + o, `load command ${i} within sizeofcmds`);
    const cmd = d.u32(o);
    const cmdsize = d.u32(o + 4);
    if (cmdsize < 8 || o + cmdsize > cmds.length) fail(F, cmdsOff + o, `cmdsize of load command ${i} within sizeofcmds`);
    const lc: MachOLoadCommand = { cmd, cmdName: M.LC[cmd] ?? `LC(0x${cmd.toString(16)})`, offset: cmdsOff + o, size: cmdsize };
    img.loadCommands.push(lc);
    if (cmd === M.LC_SEGMENT_64 || cmd === M.LC_SEGMENT) {
      const s64 = cmd === M.LC_SEGMENT_64;
      const segHdr = s64 ? 72 : 56;
      const secSize = s64 ? 80 : 68;
      if (cmdsize < segHdr) fail(F, cmdsOff + o, 'segment command header');
      const w = s64 ? 8 : 4;
      const nsects = d.u32(o + segHdr - 8);
      if (nsects > (cmdsize - segHdr) / secSize) fail(F, cmdsOff + o, `${nsects} sections within segment command`);
      const seg: MachOSegment = {
        name: name16(cmds, o + 8), vmaddr: d.word(o + 24, w), vmsize: d.word(o + 24 + w, w),
        fileoff: base + d.word(o + 24 + 2 * w, w), filesize: d.word(o + 24 + 3 * w, w),
        maxprot: d.i32(o + 24 + 4 * w), initprot: d.i32(o + 28 + 4 * w), sections: [],
      };
      for (let j = 0; j < nsects; j++) {
        const so = o + segHdr + j * secSize;
        const sec: MachOSection = {
          name: name16(cmds, so), segname: name16(cmds, so + 16), addr: d.word(so + 32, w), size: d.word(so + 32 + w, w),
          offset: base + d.u32(so + 32 + 2 * w), flags: d.u32(so + 32 + 2 * w + 16),
        };
        seg.sections.push(sec);
      }
      img.segments.push(seg);
    } else if (cmd === M.LC_LOAD_DYLIB || cmd === M.LC_LOAD_WEAK_DYLIB || cmd === M.LC_REEXPORT_DYLIB) {
      img.dylibs.push(lcStr(o, cmdsize));
    } else if (cmd === M.LC_RPATH) {
      img.rpaths.push(lcStr(o, cmdsize));
    } else if (cmd === M.LC_UUID && cmdsize >= 24) {
      img.uuid = cmds.toString('hex', o + 8, o + 24);
    } else if (cmd === M.LC_BUILD_VERSION && cmdsize >= 24) {
      img.buildVersion = { platform: d.u32(o + 8), minos: ver(d.u32(o + 12)), sdk: ver(d.u32(o + 16)) };
    }
    o += cmdsize;
  }
  return img;
}

const parseMachO = parseOnce((src) => parseMachOFile(src));

/**
 * Reads a thin or universal Mach-O file's headers, load commands, segments and sections. Once per
 * source: asking again for the same source gives the same object.
 */
export function readMachO(src: ByteSource): MachOFile {
  return parseMachO(src, undefined);
}

function parseMachOFile(src: ByteSource): MachOFile {
  const head = need(src, F, 0, 8, 'Mach-O header');
  const magic = head.readUInt32BE(0);
  if (magic === 0xcafebabe || magic === 0xcafebabf) {
    const fat64 = magic === 0xcafebabf;
    const n = head.readUInt32BE(4);
    const es = fat64 ? 32 : 20;
    if (n === 0 || n > MAX_FAT_ARCHES || 8 + n * es > src.size) fail(F, 4, `fat_arch table (${n} entries) within file`);
    const d = new Decoder(need(src, F, 8, n * es, 'fat_arch table'), true, F, 8);
    const images: MachOImage[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * es;
      const off = fat64 ? d.u64(o + 8) : d.u32(o + 8);
      const size = fat64 ? d.u64(o + 16) : d.u32(o + 12);
      if (off + size > src.size) fail(F, 8 + o, `slice ${i} (${size} bytes at ${off}) within file`);
      const img = readImage(src, off, size);
      // Where the fat header places the slice; a slice whose own header disagrees is reported
      // by the checks, not refused here.
      img.fatCputype = d.i32(o);
      img.fatCpusubtype = d.i32(o + 4);
      images.push(img);
    }
    return { kind: 'macho', fat: true, images };
  }
  return { kind: 'macho', fat: false, images: [readImage(src, 0, src.size)] };
}
