/**
 * Inputs shaped to make a naive reader allocate or loop without end. Each must end quickly, with
 * a result or a BinaryFormatError.
 */
import { bufferSource, readAr, readBuildInfo, readElf, readMachO, readPe } from './index';
import { BinaryFormatError } from './types';

function arHeader(name: string, size: number): Buffer {
  return Buffer.from(`${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'644'.padEnd(8)}${String(size).padEnd(10)}\x60\n`, 'latin1');
}

function timed<T>(fn: () => T): { ms: number; value?: T; error?: unknown } {
  const t = process.hrtime.bigint();
  try {
    const value = fn();
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
  } catch (error) {
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, error };
  }
}

test('20 000 members whose long names point into a 1 MB table without terminators', () => {
  const table = Buffer.alloc(1 << 20, 0x61);
  const parts = [Buffer.from('!<arch>\n'), arHeader('//', table.length), table];
  for (let i = 0; i < 20_000; i++) parts.push(arHeader('/0', 0));
  const r = timed(() => readAr(bufferSource(Buffer.concat(parts))));
  expect(r.error).toBeUndefined();
  expect(r.value!.members).toHaveLength(20_000);
  expect(r.value!.members[0].name).toHaveLength(64 * 1024);
  expect(r.value!.members[19_999].name).toBe(r.value!.members[0].name);
  expect(r.ms).toBeLessThan(5000);
});

test('members whose long names start at successive offsets of a NUL-free table: typed error, bounded work', () => {
  const table = Buffer.alloc(1 << 20, 0x61);
  const parts = [Buffer.from('!<arch>\n'), arHeader('//', table.length), table];
  for (let i = 0; i < 20_000; i++) parts.push(arHeader(`/${i}`, 0));
  const r = timed(() => readAr(bufferSource(Buffer.concat(parts))));
  expect(r.error).toBeInstanceOf(BinaryFormatError);
  expect(r.ms).toBeLessThan(5000);
});

test('a symbol index claiming 2^32-1 entries', () => {
  const idx = Buffer.alloc(16);
  idx.writeUInt32BE(0xffffffff, 0);
  const ar = readAr(bufferSource(Buffer.concat([Buffer.from('!<arch>\n'), arHeader('/', idx.length), idx])));
  expect(() => ar.symbols()).toThrow(BinaryFormatError);
});

test('a member size larger than the file', () => {
  const buf = Buffer.concat([Buffer.from('!<arch>\n'), arHeader('x.o/', 1 << 30), Buffer.alloc(10)]);
  expect(() => readAr(bufferSource(buf))).toThrow(BinaryFormatError);
});

function elf64(fields: { shoff?: number; shnum?: number; shentsize?: number; phoff?: number; phnum?: number; phentsize?: number }): Buffer {
  const b = Buffer.alloc(4096);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(2, 16);
  b.writeUInt16LE(62, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(fields.phoff ?? 0), 32);
  b.writeBigUInt64LE(BigInt(fields.shoff ?? 0), 40);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(fields.phentsize ?? 56, 54);
  b.writeUInt16LE(fields.phnum ?? 0, 56);
  b.writeUInt16LE(fields.shentsize ?? 64, 58);
  b.writeUInt16LE(fields.shnum ?? 0, 60);
  return b;
}

type ElfFields = Parameters<typeof elf64>[0];
test.each<[string, ElfFields]>([
  ['section table past the end', { shoff: 4000, shnum: 100 }],
  ['section count from section 0 (extended numbering) huge', { shoff: 64, shnum: 0 }],
  ['program headers past the end', { phoff: 64, phnum: 0xfffe }],
  ['entry size smaller than the structure', { shoff: 64, shnum: 2, shentsize: 8 }],
  ['offset beyond 2^53', { shoff: 2 ** 60, shnum: 1 }],
])('ELF: %s', (_, fields) => {
  const b = elf64(fields);
  if (fields.shnum === 0 && fields.shoff) b.writeBigUInt64LE(0xffffffffffffn, 64 + 32); // section 0 sh_size
  const r = timed(() => readElf(bufferSource(b)));
  expect(r.error).toBeInstanceOf(BinaryFormatError);
  expect(r.ms).toBeLessThan(1000);
});

test('Mach-O: ncmds larger than the load command area', () => {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(0x0100000c, 4);
  b.writeUInt32LE(0xffffffff, 16);
  b.writeUInt32LE(16, 20);
  expect(() => readMachO(bufferSource(b))).toThrow(BinaryFormatError);
});

test('Mach-O: a fat header with 2^31 slices', () => {
  const b = Buffer.alloc(64);
  b.writeUInt32BE(0xcafebabe, 0);
  b.writeUInt32BE(0x80000000, 4);
  expect(() => readMachO(bufferSource(b))).toThrow(BinaryFormatError);
});

test('PE: e_lfanew past the end, and a section table past the end', () => {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0xfffffff0, 0x3c);
  expect(() => readPe(bufferSource(b))).toThrow(BinaryFormatError);
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  b.writeUInt16LE(0x8664, 0x44);
  b.writeUInt16LE(0xffff, 0x46);
  expect(() => readPe(bufferSource(b))).toThrow(BinaryFormatError);
});

test('build info: a length prefix of 2^62', () => {
  // A minimal ELF whose only PT_LOAD is writable data holding the build info header.
  const b = elf64({ phoff: 64, phnum: 1 });
  b.writeUInt32LE(1, 64); // PT_LOAD
  b.writeUInt32LE(6, 68); // PF_R|PF_W
  b.writeBigUInt64LE(512n, 72);
  b.writeBigUInt64LE(0x10000n, 80);
  b.writeBigUInt64LE(512n, 96);
  b.write('\xff Go buildinf:', 512, 'latin1');
  b[512 + 14] = 8;
  b[512 + 15] = 2;
  b.set([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40], 512 + 32);
  expect(() => readBuildInfo(bufferSource(b))).toThrow(BinaryFormatError);
  // And with a sane version but no module string, it is read.
  b.set([4, 0x67, 0x6f, 0x31, 0x30, 0], 512 + 32);
  expect(readBuildInfo(bufferSource(b))).toMatchObject({ goVersion: 'go10', modinfo: '', deps: [] });
});
