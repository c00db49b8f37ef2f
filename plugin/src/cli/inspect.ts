/**
 * `gocross inspect`: a plain description of what the readers see in one file. Facts only
 * (RELRO present, stack executable…); judging them is the checks' job.
 */
import {
  detectKind,
  openFile,
  readAr,
  readBuildInfo,
  readElf,
  readMachO,
  readPe,
  formatBuildInfo,
  type ByteSource,
  type ElfFile,
  type FileKind,
} from '../binary';
import { ET, PF_X, PT_GNU_RELRO, PT_GNU_STACK } from '../binary/elf-names';
import { cpuName } from '../binary/macho-names';
import { isSharedLibrary } from '../checks/elf-util';

export interface Inspection {
  format: FileKind;
  size: number;
  bytesRead?: number;
  elf?: {
    class: 32 | 64;
    data: 'little' | 'big';
    type: string;
    machine: string;
    osabi: string;
    flags: string;
    interpreter?: string;
    needed: string[];
    rpath: string[];
    runpath: string[];
    soname?: string;
    relro: 'none' | 'partial' | 'full';
    bindNow: boolean;
    nx: boolean | 'no PT_GNU_STACK';
    pie: boolean;
    textrel: boolean;
    gnuBuildId?: string;
    goBuildId?: string;
    exportedFunctions?: string[];
  };
  macho?: {
    fat: boolean;
    images: {
      cpu: string;
      /** Universal files: the CPU the fat header lists for this slice, when it differs from the slice's own. */
      listedAs?: string;
      is64: boolean;
      bigEndian: boolean;
      filetype: string;
      pie: boolean;
      dylibs: string[];
      /** Universal files: each slice's own Go build info (goBuildInfo is the first slice's). */
      goBuildInfo?: { goVersion: string; path: string; text: string };
    }[];
  };
  pe?: { machine: string; pe32plus: boolean; dllCharacteristics: string };
  archive?: { variant: string; members: { name: string; size: number; object: string }[] };
  goBuildInfo?: { goVersion: string; path: string; text: string };
}

const MH_PIE = 0x200000;

function describeElf(elf: ElfFile): NonNullable<Inspection['elf']> {
  const dyn = elf.dynamic();
  const relroSeg = elf.programs.some((p) => p.type === PT_GNU_RELRO);
  const bindNow = dyn?.bindNow ?? false;
  const stack = elf.programs.find((p) => p.type === PT_GNU_STACK);
  const shared = isSharedLibrary(elf);
  const d: NonNullable<Inspection['elf']> = {
    class: elf.header.class,
    data: elf.header.data,
    type: ET[elf.header.type] ?? elf.header.typeName,
    machine: elf.header.machineName,
    osabi: elf.header.osabiName,
    flags: `0x${elf.header.flags.toString(16)}`,
    interpreter: elf.interpreter,
    needed: dyn?.needed ?? [],
    rpath: dyn?.rpath ?? [],
    runpath: dyn?.runpath ?? [],
    soname: dyn?.soname,
    relro: relroSeg ? (bindNow ? 'full' : 'partial') : 'none',
    bindNow,
    nx: stack ? (stack.flags & PF_X) === 0 : 'no PT_GNU_STACK',
    pie: elf.header.type === 3 && !shared,
    textrel: dyn?.textrel ?? false,
    gnuBuildId: elf.gnuBuildId(),
    goBuildId: elf.goBuildId(),
  };
  if (shared) {
    d.exportedFunctions = elf
      .dynamicSymbols()
      .filter((s) => s.defined && s.typeName === 'STT_FUNC' && (s.bindName === 'STB_GLOBAL' || s.bindName === 'STB_WEAK'))
      .map((s) => s.name)
      .sort();
  }
  return d;
}

export function describeFile(abs: string): Inspection {
  const src = openFile(abs) as ByteSource & { close?: () => void };
  try {
    const format = detectKind(src);
    const out: Inspection = { format, size: src.size };
    if (format === 'elf') out.elf = describeElf(readElf(src));
    else if (format === 'macho' || format === 'macho-fat') {
      const m = readMachO(src);
      out.macho = {
        fat: m.fat,
        images: m.images.map((i, index) => {
          const img: NonNullable<Inspection['macho']>['images'][number] = {
            cpu: i.cpuName,
            is64: i.is64,
            bigEndian: i.bigEndian,
            filetype: i.filetypeName,
            pie: (i.flags & MH_PIE) !== 0,
            dylibs: [...i.dylibs],
          };
          if (i.fatCputype !== undefined && i.fatCputype !== i.cputype) img.listedAs = cpuName(i.fatCputype);
          if (m.fat) {
            const info = readBuildInfo(src, index);
            if (info) img.goBuildInfo = { goVersion: info.goVersion, path: info.path, text: formatBuildInfo(info) };
          }
          return img;
        }),
      };
    } else if (format === 'pe') {
      const p = readPe(src);
      out.pe = { machine: p.machineName, pe32plus: p.optionalMagic === 0x20b, dllCharacteristics: `0x${p.dllCharacteristics.toString(16)}` };
    } else if (format === 'ar') {
      const a = readAr(src);
      out.archive = {
        variant: a.variant,
        members: a.members.map((m) => ({ name: m.name, size: m.size, object: describeObject(m.object) })),
      };
    }
    if (format === 'elf' || format === 'macho' || format === 'macho-fat' || format === 'pe') {
      const info = readBuildInfo(src);
      if (info) out.goBuildInfo = { goVersion: info.goVersion, path: info.path, text: formatBuildInfo(info) };
    }
    out.bytesRead = src.bytesRead;
    return out;
  } finally {
    src.close?.();
  }
}

function describeObject(o: import('../binary').ObjectInfo): string {
  switch (o.format) {
    case 'elf':
      return `ELF${o.class} ${o.data === 'little' ? 'LSB' : 'MSB'} ${o.typeName} ${o.machineName}`;
    case 'coff':
      return `COFF ${o.machineName}`;
    case 'macho':
      return `Mach-O ${o.cpuName}`;
    case 'goobj':
      return `Go object ${o.goos}/${o.goarch} ${o.version}`;
    case 'llvm-bitcode':
      return 'LLVM bitcode';
    default:
      return 'unknown';
  }
}

export function formatInspection(name: string, d: Inspection): string {
  const lines: string[] = [`${name}: ${d.format}, ${d.size} bytes (read ${d.bytesRead ?? 0})`];
  const row = (k: string, v: string | undefined) => lines.push(`  ${k.padEnd(14)} ${v === undefined || v === '' ? '-' : v}`);
  if (d.elf) {
    const e = d.elf;
    row('class', `ELF${e.class} ${e.data === 'little' ? 'little-endian' : 'big-endian'}`);
    row('type', e.type);
    row('machine', e.machine);
    row('os/abi', e.osabi);
    row('flags', e.flags);
    row('interpreter', e.interpreter ?? 'none (static)');
    row('needed', e.needed.join(' '));
    row('rpath', e.rpath.join(':'));
    row('runpath', e.runpath.join(':'));
    if (e.soname) row('soname', e.soname);
    row('relro', e.relro);
    row('bind now', String(e.bindNow));
    row('nx stack', String(e.nx));
    row('pie', String(e.pie));
    row('textrel', String(e.textrel));
    row('gnu build-id', e.gnuBuildId);
    row('go build id', e.goBuildId);
    if (e.exportedFunctions) row('exports', `${e.exportedFunctions.length}: ${e.exportedFunctions.join(' ')}`);
  }
  if (d.macho) {
    for (const i of d.macho.images) {
      row('image', `${i.cpu} ${i.is64 ? '64-bit' : '32-bit'} ${i.filetype}${i.pie ? ' PIE' : ''}${i.listedAs ? ` (listed as ${i.listedAs} in the universal header)` : ''}`);
      if (i.dylibs.length) row('dylibs', i.dylibs.join(' '));
      if (i.goBuildInfo) {
        lines.push(`    go build info of the ${i.cpu} slice:`);
        for (const l of i.goBuildInfo.text.split('\n').filter(Boolean)) lines.push(`      ${l}`);
      }
    }
  }
  if (d.pe) {
    row('machine', d.pe.machine);
    row('optional hdr', d.pe.pe32plus ? 'PE32+' : 'PE32');
    row('dll chars', d.pe.dllCharacteristics);
  }
  if (d.archive) {
    row('archive', `${d.archive.variant}, ${d.archive.members.length} members`);
    for (const m of d.archive.members) lines.push(`    ${m.name.padEnd(28)} ${String(m.size).padStart(9)}  ${m.object}`);
  }
  if (d.goBuildInfo && !d.macho?.fat) {
    lines.push('  go build info:');
    for (const l of d.goBuildInfo.text.split('\n').filter(Boolean)) lines.push(`    ${l}`);
  }
  return lines.join('\n') + '\n';
}
