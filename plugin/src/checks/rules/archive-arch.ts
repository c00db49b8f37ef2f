/**
 * archive-arch: every object inside a project's `.a` archives and every `.syso` object matches
 * the target machine. The linker silently skips incompatible members ("skipping incompatible
 * … when searching for -l…"), which turns into undefined references or, worse, nothing at all.
 */
import { ELF_ARCH, formatForGoos, goarchOfElf, goarchOfMachO, goarchOfPe, MACHO_CPU, PE_MACHINE } from '../arch';
import { formatPlatform } from '../../platforms/platform';
import type { ObjectInfo } from '../../binary/types';
import { NO_OPTIONS, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

/** Why an object does not fit the target, or undefined when it fits (or cannot be judged). */
function mismatch(o: ObjectInfo, goos: string, goarch: string): string | undefined {
  const want = formatForGoos(goos);
  const fmt = o.format === 'coff' ? 'pe' : o.format;
  if (want && (fmt === 'elf' || fmt === 'pe' || fmt === 'macho') && fmt !== want) {
    const name: Record<string, string> = { elf: 'ELF', pe: 'COFF', macho: 'Mach-O' };
    return `${fmt === 'elf' ? 'an' : 'a'} ${name[fmt]} object, but GOOS=${goos} links ${name[want]} objects`;
  }
  switch (o.format) {
    case 'elf': {
      const a = ELF_ARCH[goarch];
      if (!a || (o.machine === a.machine && o.class === a.class && o.data === a.data)) return undefined;
      const got = goarchOfElf(o.machine, o.class, o.data);
      return got ? `an ${got} ELF object` : `an ELF ${o.machineName} ${o.class}-bit ${o.data}-endian object`;
    }
    case 'coff': {
      const m = PE_MACHINE[goarch];
      if (m === undefined || o.machine === m) return undefined;
      return `a COFF object for ${goarchOfPe(o.machine) ?? o.machineName}`;
    }
    case 'macho': {
      const c = MACHO_CPU[goarch];
      if (c === undefined || o.cputype === c) return undefined;
      return `a Mach-O object for ${goarchOfMachO(o.cputype) ?? o.cpuName}`;
    }
    case 'goobj':
      if ((o.goarch && o.goarch !== goarch) || (o.goos && o.goos !== goos)) return `a Go object for ${o.goos}/${o.goarch}`;
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The name that makes go build link a .syso only for the arch it was built for: `rsrc.syso` →
 * `rsrc_windows_amd64.syso`, `vendor_linux.syso` → `vendor_linux_amd64.syso`.
 */
export function sysoNameFor(file: string, goos: string, objArch: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.syso$/, '');
  return base.endsWith(`_${goos}`) ? `${base}_${objArch}.syso` : `${base}_${goos}_${objArch}.syso`;
}

/** How to keep a foreign .syso out of this target's link: its arch-suffixed name, when its arch is known. */
function renameHint(file: string, goos: string, objArch: string | undefined): string {
  return objArch
    ? `rename it to ${sysoNameFor(file, goos, objArch)} so only ${goos}/${objArch} builds link it`
    : `add the ${goos} GOOS and the GOARCH it was built for to its name (_${goos}_ followed by the GOARCH, before .syso) so only matching builds link it`;
}

export const schema = NO_OPTIONS;
export type ArchiveArchOptions = OptionsOf<typeof schema>;

export const archiveArch: BinaryCheck<ArchiveArchOptions> = {
  meta: {
    id: 'archive-arch',
    title: 'Objects in .a and .syso files match the target machine',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Checks the machine of every member of an ar archive (.a) and of relocatable objects (.syso) against the target, so no x86-64 object ends up in an arm64 link.',
    docs: 'docs/checks/archive-arch.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    const { goos, goarch } = ctx.target.platform;
    const want = formatPlatform(ctx.target.platform);
    if (ctx.kind === 'ar') {
      const ar = ctx.archive();
      if (!ar) return out;
      for (const m of ar.members) {
        const why = mismatch(m.object, goos, goarch);
        if (!why) continue;
        out.push({
          checkId: 'archive-arch',
          severity: 'error',
          message: `member ${m.name} is ${why}, target is ${want}`,
          fix: `rebuild the archive for ${goarch} with the target's C toolchain (never strip foreign members: the code they hold is then missing)`,
          file: ctx.file,
          data: { member: m.name, object: m.object },
        });
      }
      return out;
    }
    if (ctx.kind === 'pe') {
      const pe = ctx.pe();
      if (!pe || pe.optionalMagic !== 0) return out; // bare COFF objects only (.syso)
      const why = mismatch({ format: 'coff', machine: pe.machine, machineName: pe.machineName }, goos, goarch);
      if (why) {
        out.push({
          checkId: 'archive-arch',
          severity: 'error',
          message: `object is ${why}, target is ${want}`,
          fix: `regenerate it for ${goarch} (e.g. the resource compiler's -arch), or ${renameHint(ctx.file, 'windows', goarchOfPe(pe.machine))}`,
          file: ctx.file,
          data: { machine: pe.machineName },
        });
      }
      return out;
    }
    if (ctx.kind === 'elf') {
      const elf = ctx.elf();
      if (!elf || elf.header.type !== 1) return out; // relocatable objects only (.syso, .o)
      const h = elf.header;
      const why = mismatch(
        { format: 'elf', class: h.class, data: h.data, type: h.type, typeName: h.typeName, machine: h.machine, machineName: h.machineName, flags: h.flags },
        goos,
        goarch,
      );
      if (why) {
        out.push({
          checkId: 'archive-arch',
          severity: 'error',
          message: `object is ${why}, target is ${want}`,
          fix: `rebuild it for ${goarch}, or ${renameHint(ctx.file, formatForGoos(goos) === 'elf' ? goos : 'linux', goarchOfElf(h.machine, h.class, h.data))}`,
          file: ctx.file,
          data: { machine: h.machineName },
        });
      }
    }
    return out;
  },
};
export default archiveArch;
