/**
 * binary-arch (formerly elf-arch, still accepted under that id): the artifact is the right
 * container format for its GOOS and was built for the target's machine — ELF machine, word size
 * and byte order with ABI flags that fit (ARM EABI5 and float ABI, RISC-V double-float ABI,
 * MIPS O32), Mach-O CPU type (each slice of a universal file), PE machine.
 */
import { armSoftFloat, ELF_ARCH, formatForGoos, goarchOfElf, goarchOfMachO, goarchOfPe, MACHO_CPU, PE_MACHINE, EM } from '../arch';
import { formatPlatform } from '../../platforms/platform';
import { ET_REL, linkMode } from '../elf-util';
import { NO_OPTIONS, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = NO_OPTIONS;
export type BinaryArchOptions = OptionsOf<typeof schema>;

export const binaryArch: BinaryCheck<BinaryArchOptions> = {
  meta: {
    id: 'binary-arch',
    aliases: ['elf-arch'],
    title: 'Machine, class, byte order and ABI flags match the target',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Checks that a binary is the right format for its GOOS (ELF, Mach-O, PE) and was built for the target CPU: ELF e_machine, class, byte order and e_flags; Mach-O cputype; PE machine.',
    docs: 'docs/checks/binary-arch.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    const t = ctx.target.platform;
    const want = formatPlatform(t);
    const add = (message: string, fix: string, data?: Record<string, unknown>) =>
      out.push({ checkId: 'binary-arch', severity: 'error', message, fix, file: ctx.file, data });

    const ep = ctx.expectedPlatform;
    if (ep && (ep.goos !== t.goos || ep.goarch !== t.goarch)) {
      add(
        `artifact lives in the ${formatPlatform(ep)} output directory but its target is ${want}`,
        'keep each platform\'s artifacts in its own output directory (outputDir per build target)',
      );
    }
    // Archives and relocatable objects (.syso, .o) are judged by archive-arch.
    if (ctx.kind === 'ar') return out;
    if (ctx.kind === 'elf' && ctx.elf()?.header.type === ET_REL) return out;
    if (ctx.kind === 'pe' && ctx.pe()?.optionalMagic === 0) return out;
    const expectedFormat = formatForGoos(t.goos);
    const actualFormat = ctx.kind === 'macho-fat' ? 'macho' : ctx.kind;
    if (expectedFormat && actualFormat !== expectedFormat) {
      add(
        `${ctx.file} is a ${actualFormat.toUpperCase()} file but GOOS=${t.goos} runs ${expectedFormat.toUpperCase()} binaries`,
        `rebuild with GOOS=${t.goos} (the build target sets goos; check env overrides of GOOS)`,
        { expectedFormat, actualFormat },
      );
      return out;
    }

    if (ctx.kind === 'elf') {
      const elf = ctx.elf();
      if (!elf) return out;
      const h = elf.header;
      if (h.type === ET_REL) return out;
      const a = ELF_ARCH[t.goarch];
      if (!a) return out;
      if (h.machine !== a.machine || h.class !== a.class || h.data !== a.data) {
        const got = goarchOfElf(h.machine, h.class, h.data);
        add(
          `built for ${got ? `GOARCH=${got}` : `${h.machineName} ${h.class}-bit ${h.data}-endian`}, target is ${want} (${a.machineName} ${a.class}-bit ${a.data}-endian)`,
          `rebuild with GOARCH=${t.goarch}${ctx.target.cgo ? ' and a C compiler for that arch (CC)' : ''}`,
          { machine: h.machineName, class: h.class, data: h.data },
        );
        return out;
      }
      const flags = h.flags >>> 0;
      if (h.machine === EM.ARM) {
        const eabi = (flags & 0xff000000) >>> 24;
        if (eabi !== 5) {
          add(`ARM EABI version ${eabi} (e_flags 0x${flags.toString(16)}), expected EABI5`, 'link with an EABI5 toolchain (arm-linux-gnueabi[hf]-gcc) or Go\'s internal linker');
        }
        const hard = (flags & 0x400) !== 0;
        const soft = (flags & 0x200) !== 0;
        const wantSoft = armSoftFloat(t);
        if (hard && wantSoft) {
          add(`hard-float ABI binary (e_flags 0x${flags.toString(16)}) for a soft-float target ${want}`, 'use a soft-float C toolchain (arm-linux-gnueabi-gcc) or GOARM=7 for hard-float boards');
        } else if (ctx.target.cgo && linkMode(elf, ctx.target.linkmode) === 'external' && !wantSoft && !hard) {
          add(
            `externally linked cgo binary without the hard-float ABI flag (e_flags 0x${flags.toString(16)}) for ${want}`,
            'link with arm-linux-gnueabihf-gcc (CC) for hard-float boards, or set goarm to 5/softfloat',
            { soft },
          );
        }
      } else if (h.machine === EM.RISCV) {
        const fabi = flags & 0x6;
        if (fabi !== 0x4) {
          const names: Record<number, string> = { 0: 'soft-float', 2: 'single-float', 6: 'quad-float' };
          add(`RISC-V ${names[fabi] ?? 'unknown'} ABI (e_flags 0x${flags.toString(16)}); Go on riscv64 uses the double-float (lp64d) ABI`, 'link with an lp64d toolchain (riscv64-linux-gnu-gcc)');
        }
      } else if (h.machine === EM.MIPS && h.class === 32) {
        const abi = flags & 0xf000;
        if (abi !== 0x1000 && abi !== 0) {
          add(`MIPS ABI field 0x${abi.toString(16)} (e_flags 0x${flags.toString(16)}); Go on ${t.goarch} uses O32`, 'link with an O32 toolchain (mips[el]-linux-gnu-gcc)');
        }
      }
      return out;
    }

    if (ctx.kind === 'macho' || ctx.kind === 'macho-fat') {
      const m = ctx.macho();
      if (!m) return out;
      if (m.fat) {
        // Each slice against the platform of its own arch: one of the expected ones, in the
        // place the fat header gives it; every expected arch present.
        const expected = ctx.target.universal ?? [t];
        const archName = (cputype: number, fallback: string) => goarchOfMachO(cputype) ?? fallback;
        const expectedNames = expected.map((p) => formatPlatform(p)).join(', ');
        m.images.forEach((img, i) => {
          const own = archName(img.cputype, img.cpuName);
          if (img.fatCputype !== undefined && img.fatCputype !== img.cputype) {
            const place = archName(img.fatCputype, `cputype 0x${(img.fatCputype >>> 0).toString(16)}`);
            add(
              `slice ${i} is listed as ${place} in the universal header but its image is ${own}`,
              `rebuild the universal binary from the thin ${place} build (lipo -create, or goreleaser universal_binaries)`,
              { slice: i, fatCputype: img.fatCputype, cputype: img.cputype },
            );
          }
          if (!expected.some((p) => MACHO_CPU[p.goarch] === img.cputype)) {
            add(
              `slice ${i} (${own}) is not one of the expected ${expectedNames}`,
              `assemble the universal binary from the builds of ${expectedNames} only`,
              { slice: i, cputype: img.cputype },
            );
          }
        });
        for (const p of expected) {
          const cpu = MACHO_CPU[p.goarch];
          if (cpu !== undefined && !m.images.some((img) => img.cputype === cpu)) {
            const got = m.images.map((img) => archName(img.cputype, img.cpuName)).join(', ');
            add(`universal binary has no ${p.goarch} slice (it holds ${got}), target is ${expectedNames}`, `add the ${formatPlatform(p)} build to the universal binary`, {
              missing: p.goarch,
            });
          }
        }
        return out;
      }
      const cpu = MACHO_CPU[t.goarch];
      if (cpu === undefined) return out;
      if (!m.images.some((i) => i.cputype === cpu)) {
        const got = m.images.map((i) => goarchOfMachO(i.cputype) ?? i.cpuName).join(', ');
        add(`Mach-O built for ${got}, target is ${want}`, `rebuild with GOARCH=${t.goarch}`, { cputypes: m.images.map((i) => i.cputype) });
      }
      return out;
    }

    if (ctx.kind === 'pe') {
      const pe = ctx.pe();
      if (!pe) return out;
      const mach = PE_MACHINE[t.goarch];
      if (mach !== undefined && pe.machine !== mach) {
        add(`PE built for ${goarchOfPe(pe.machine) ?? pe.machineName}, target is ${want}`, `rebuild with GOARCH=${t.goarch}`, { machine: pe.machineName });
      }
    }
    return out;
  },
};
export default binaryArch;
