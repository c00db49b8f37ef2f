/**
 * Mach-O layouts Go no longer produces (32-bit, big-endian PowerPC) written field by field from
 * loader.h, so the 32-bit segment and section offsets and the byte-order handling are exercised
 * too. 64-bit little-endian images are covered by real darwin builds in differential.spec.ts.
 */
import { bufferSource, detectKind, readMachO } from './index';

interface Spec {
  is64: boolean;
  be: boolean;
  cputype: number;
}

function build({ is64, be, cputype }: Spec): Buffer {
  const w = is64 ? 8 : 4;
  const cmds: Buffer[] = [];
  const u32 = (b: Buffer, o: number, v: number) => (be ? b.writeUInt32BE(v >>> 0, o) : b.writeUInt32LE(v >>> 0, o));
  const word = (b: Buffer, o: number, v: number) =>
    is64 ? (be ? b.writeBigUInt64BE(BigInt(v), o) : b.writeBigUInt64LE(BigInt(v), o)) : u32(b, o, v);
  // LC_SEGMENT(_64) "__DATA" with one section "__data".
  const segHdr = is64 ? 72 : 56;
  const secSize = is64 ? 80 : 68;
  const seg = Buffer.alloc(segHdr + secSize);
  u32(seg, 0, is64 ? 0x19 : 0x1);
  u32(seg, 4, seg.length);
  seg.write('__DATA', 8, 'latin1');
  word(seg, 24, 0x4000);
  word(seg, 24 + w, 0x1000);
  word(seg, 24 + 2 * w, 0x800);
  word(seg, 24 + 3 * w, 0x100);
  u32(seg, 24 + 4 * w, 3);
  u32(seg, 28 + 4 * w, 3);
  u32(seg, 32 + 4 * w, 1);
  const so = segHdr;
  seg.write('__data', so, 'latin1');
  seg.write('__DATA', so + 16, 'latin1');
  word(seg, so + 32, 0x4010);
  word(seg, so + 32 + w, 0x40);
  u32(seg, so + 32 + 2 * w, 0x810);
  u32(seg, so + 32 + 2 * w + 16, 0x400);
  cmds.push(seg);
  const strCmd = (cmd: number, s: string, at: number) => {
    const b = Buffer.alloc(Math.ceil((at + s.length + 1) / 8) * 8);
    u32(b, 0, cmd);
    u32(b, 4, b.length);
    u32(b, 8, at);
    b.write(s, at, 'latin1');
    return b;
  };
  cmds.push(strCmd(0xc, '/usr/lib/libSystem.B.dylib', 24));
  cmds.push(strCmd(0x8000001c, '@executable_path/../lib', 12));
  const uuid = Buffer.alloc(24);
  u32(uuid, 0, 0x1b);
  u32(uuid, 4, 24);
  for (let i = 0; i < 16; i++) uuid[8 + i] = i * 17;
  cmds.push(uuid);
  const bv = Buffer.alloc(24);
  u32(bv, 0, 0x32);
  u32(bv, 4, 24);
  u32(bv, 8, 1);
  u32(bv, 12, (11 << 16) | (2 << 8) | 3);
  u32(bv, 16, (14 << 16) | (5 << 8));
  cmds.push(bv);
  const body = Buffer.concat(cmds);
  const hsize = is64 ? 32 : 28;
  const h = Buffer.alloc(hsize);
  const magic = is64 ? 0xfeedfacf : 0xfeedface;
  be ? h.writeUInt32BE(magic, 0) : h.writeUInt32LE(magic, 0);
  u32(h, 4, cputype);
  u32(h, 8, 0);
  u32(h, 12, 2);
  u32(h, 16, cmds.length);
  u32(h, 20, body.length);
  u32(h, 24, 0x85);
  const file = Buffer.alloc(0x1000);
  Buffer.concat([h, body]).copy(file, 0);
  return file;
}

test.each<[string, Spec, string]>([
  ['32-bit little-endian (i386)', { is64: false, be: false, cputype: 7 }, 'i386'],
  ['32-bit big-endian (ppc)', { is64: false, be: true, cputype: 18 }, 'ppc'],
  ['64-bit big-endian (ppc64)', { is64: true, be: true, cputype: 0x01000012 }, 'ppc64'],
  ['64-bit little-endian (arm64)', { is64: true, be: false, cputype: 0x0100000c }, 'arm64'],
])('%s', (_, spec, cpuName) => {
  const src = bufferSource(build(spec));
  expect(detectKind(src)).toBe('macho');
  const m = readMachO(src);
  const img = m.images[0];
  expect(img).toMatchObject({
    is64: spec.is64, bigEndian: spec.be, cputype: spec.cputype, cpuName, filetypeName: 'MH_EXECUTE', flags: 0x85,
    dylibs: ['/usr/lib/libSystem.B.dylib'], rpaths: ['@executable_path/../lib'],
    uuid: '00112233445566778899aabbccddeeff', buildVersion: { platform: 1, minos: '11.2.3', sdk: '14.5.0' },
  });
  expect(img.loadCommands.map((c) => c.cmdName)).toEqual([
    spec.is64 ? 'LC_SEGMENT_64' : 'LC_SEGMENT', 'LC_LOAD_DYLIB', 'LC_RPATH', 'LC_UUID', 'LC_BUILD_VERSION',
  ]);
  expect(img.segments).toEqual([
    {
      name: '__DATA', vmaddr: 0x4000, vmsize: 0x1000, fileoff: 0x800, filesize: 0x100, maxprot: 3, initprot: 3,
      sections: [{ name: '__data', segname: '__DATA', addr: 0x4010, size: 0x40, offset: 0x810, flags: 0x400 }],
    },
  ]);
});
