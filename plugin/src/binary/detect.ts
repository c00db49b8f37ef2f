/**
 * File-kind detection from magic bytes, and a one-look classification of object files (archive
 * members, .syso files): which format and which machine they are for.
 */
import { EM, ET, nameOf } from './elf-names';
import { CPU_NAMES, cpuName } from './macho-names';
import { PE_MACHINES, peMachineName } from './pe-names';
import { parseOnce } from './reader';
import type { ByteSource, FileKind, ObjectInfo } from './types';

const GO_OBJECT = 'go object ';

function isCoffObject(b: Buffer): boolean {
  if (b.length < 20) return false;
  const machine = b.readUInt16LE(0);
  if (machine === 0 || !(machine in PE_MACHINES)) return false;
  const nsections = b.readUInt16LE(2);
  const optSize = b.readUInt16LE(16);
  return nsections > 0 && nsections <= 96 && optSize === 0;
}

/** Kind of the bytes at the start of a file (16+ bytes give a definite answer). */
export function kindOfBytes(b: Buffer): FileKind {
  if (b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) return 'elf';
  if (b.length >= 8) {
    const s = b.toString('latin1', 0, 8);
    if (s === '!<arch>\n' || s === '!<thin>\n') return 'ar';
  }
  if (b.length >= 4) {
    const be = b.readUInt32BE(0);
    const le = b.readUInt32LE(0);
    if (be === 0xfeedface || be === 0xfeedfacf || le === 0xfeedface || le === 0xfeedfacf) return 'macho';
    // 0xcafebabe is also a Java class file; a universal binary has a handful of slices.
    if ((be === 0xcafebabe || be === 0xcafebabf) && b.length >= 8 && b.readUInt32BE(4) > 0 && b.readUInt32BE(4) < 64) return 'macho-fat';
  }
  if (b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a) return 'pe';
  if (b.length >= GO_OBJECT.length && b.toString('latin1', 0, GO_OBJECT.length) === GO_OBJECT) return 'goobj';
  if (isCoffObject(b)) return 'pe';
  return 'unknown';
}

const kindOf = parseOnce((src) => kindOfBytes(src.read(0, 64)));

/** Which container format a source is, judged from its first bytes (read once per source). */
export function detectKind(src: ByteSource): FileKind {
  return kindOf(src, undefined);
}

/** Parses a Go object header line: `go object <goos> <goarch> <version> [X:…]`. */
export function parseGoObjectHeader(line: string): ObjectInfo {
  const f = line.split(' ');
  if (f.length < 5 || f[0] !== 'go' || f[1] !== 'object') return { format: 'unknown' };
  return { format: 'goobj', goos: f[2], goarch: f[3], version: f[4], header: line };
}

/** Classifies an object file from its first bytes (64 bytes are enough; 256 for a Go object header). */
export function classifyObject(b: Buffer): ObjectInfo {
  const kind = kindOfBytes(b);
  if (kind === 'elf' && b.length >= 20 && (b[4] === 1 || b[4] === 2) && (b[5] === 1 || b[5] === 2)) {
    const be = b[5] === 2;
    const type = be ? b.readUInt16BE(16) : b.readUInt16LE(16);
    const machine = be ? b.readUInt16BE(18) : b.readUInt16LE(18);
    const flagsOff = b[4] === 2 ? 48 : 36;
    const flags = b.length >= flagsOff + 4 ? (be ? b.readUInt32BE(flagsOff) : b.readUInt32LE(flagsOff)) : 0;
    return {
      format: 'elf', class: b[4] === 2 ? 64 : 32, data: be ? 'big' : 'little', type, typeName: nameOf(ET, type, 'ET'),
      machine, machineName: nameOf(EM, machine, 'EM'), flags,
    };
  }
  if (kind === 'macho' && b.length >= 12) {
    const magicBE = b.readUInt32BE(0);
    const bigEndian = magicBE === 0xfeedface || magicBE === 0xfeedfacf;
    const is64 = magicBE === 0xfeedfacf || magicBE === 0xcffaedfe;
    const cputype = bigEndian ? b.readInt32BE(4) : b.readInt32LE(4);
    const cpusubtype = bigEndian ? b.readInt32BE(8) : b.readInt32LE(8);
    return { format: 'macho', cputype, cpusubtype, cpuName: cpuName(cputype), is64, bigEndian };
  }
  if (kind === 'pe' && isCoffObject(b)) {
    const machine = b.readUInt16LE(0);
    return { format: 'coff', machine, machineName: peMachineName(machine) };
  }
  if (kind === 'goobj') {
    let end = b.indexOf(0x0a);
    if (end < 0) end = b.length;
    return parseGoObjectHeader(b.toString('latin1', 0, end));
  }
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'BC\xc0\xde') return { format: 'llvm-bitcode' };
  return { format: 'unknown' };
}

export { CPU_NAMES };
