/**
 * hardening: RELRO (partial by default, full — GNU_RELRO plus immediate binding — when the
 * policy asks), non-executable stack, no text relocations, and PIE for buildmode=pie. Static
 * Go programs have no RELRO and no dynamic section by design: not a finding.
 */
import type { BinaryCheckContext } from '../context';
import { flag, oneOf, options, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import { ET_DYN, ET_REL, isDynamic, linkMode, PF_X, PT_GNU_RELRO, PT_GNU_STACK } from '../elf-util';
import type { Finding } from '../types';

export const schema = options({
  relro: oneOf(['full', 'partial', 'off'], 'RELRO required of dynamically linked ELF files (default "partial")'),
  nx: flag('require a non-executable stack / DEP (default true)'),
  pie: flag('require PIE of every ELF executable (default false: only for buildmode pie)'),
  textrel: flag('allow text relocations (default false)'),
  aslr: flag('windows and macOS: require ASLR (default true)'),
});
export type HardeningOptions = OptionsOf<typeof schema>;
type Ctx = BinaryCheckContext<HardeningOptions>;

const IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA = 0x20;
const IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE = 0x40;
const IMAGE_DLLCHARACTERISTICS_NX_COMPAT = 0x100;

/** Windows: DEP (NX_COMPAT) and ASLR (DYNAMIC_BASE, plus HIGH_ENTROPY_VA for PE32+). */
function peHardening(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  const pe = ctx.pe();
  if (!pe || pe.optionalMagic === 0) return out;
  const dc = pe.dllCharacteristics;
  const add = (message: string, fix: string) =>
    out.push({ checkId: 'hardening', severity: 'error', message, fix, file: ctx.file, data: { dllCharacteristics: dc } });
  if (ctx.params.nx !== false && (dc & IMAGE_DLLCHARACTERISTICS_NX_COMPAT) === 0) {
    add('not marked NX compatible (IMAGE_DLLCHARACTERISTICS_NX_COMPAT): no DEP', 'build with Go\'s default windows build mode (pie); drop -buildmode=exe');
  }
  if (ctx.params.aslr !== false) {
    if ((dc & IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE) === 0) {
      add('no ASLR (IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE not set): the image always loads at its preferred base', 'build with -buildmode=pie (Go\'s default on windows); drop -buildmode=exe');
    } else if (pe.optionalMagic === 0x20b && (dc & IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA) === 0) {
      add('64-bit image without high-entropy ASLR (IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA)', 'build with -buildmode=pie (Go\'s default on windows)');
    }
  }
  return out;
}

const MH_EXECUTE = 2;
const MH_PIE = 0x200000;

/** macOS: executables must be position independent (ASLR; arm64 macOS refuses to run others). */
function machoHardening(ctx: Ctx): Finding[] {
  const out: Finding[] = [];
  if (ctx.params.aslr === false) return out;
  const m = ctx.macho();
  if (!m) return out;
  for (const img of m.images) {
    if (img.filetype !== MH_EXECUTE || (img.flags & MH_PIE) !== 0) continue;
    out.push({
      checkId: 'hardening',
      severity: 'error',
      message: `${img.cpuName} executable is not position independent (MH_PIE not set): no ASLR, and current macOS may refuse to run it`,
      fix: 'build with Go\'s default darwin build mode (pie); drop -buildmode=exe',
      file: ctx.file,
      data: { flags: img.flags, cpu: img.cpuName },
    });
  }
  return out;
}

export const hardening: BinaryCheck<HardeningOptions> = {
  meta: {
    id: 'hardening',
    title: 'RELRO, non-executable stack, no TEXTREL, PIE',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'Windows images must have DEP and ASLR (NX_COMPAT, DYNAMIC_BASE, HIGH_ENTROPY_VA), macOS executables must be PIE. Dynamically linked ELF files get RELRO (full with relro: "full": PT_GNU_RELRO and DT_BIND_NOW/DF_BIND_NOW/DF_1_NOW), a non-executable stack (PT_GNU_STACK without PF_X), no text relocations, and are PIE when built with -buildmode=pie.',
    docs: 'docs/checks/hardening.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.kind === 'pe') return peHardening(ctx);
    if (ctx.kind === 'macho' || ctx.kind === 'macho-fat') return machoHardening(ctx);
    if (ctx.kind !== 'elf') return out;
    const elf = ctx.elf();
    if (!elf || elf.header.type === ET_REL) return out;
    const relro = ctx.params.relro ?? 'partial';
    const wantNx = ctx.params.nx !== false;
    const wantNoTextrel = ctx.params.textrel !== true;
    const add = (message: string, fix: string, data?: Record<string, unknown>) =>
      out.push({ checkId: 'hardening', severity: 'error', message, fix, file: ctx.file, data });

    const stack = elf.programs.find((p) => p.type === PT_GNU_STACK);
    if (wantNx && stack && (stack.flags & PF_X) !== 0) {
      add('executable stack (PT_GNU_STACK has PF_X)', 'remove -z execstack from the link flags and find the object without a .note.GNU-stack section (often hand-written assembly)');
    }
    const pie = ctx.target.buildmode === 'pie' || ctx.params.pie === true;
    if (pie && ctx.target.buildmode !== 'c-shared' && ctx.target.buildmode !== 'c-archive' && elf.header.type !== ET_DYN) {
      add(`not position independent (e_type ${elf.header.typeName}) though ${ctx.target.buildmode === 'pie' ? 'buildmode is pie' : 'the policy asks for PIE'}`, 'build with -buildmode=pie (buildmode: pie)');
    }
    if (!isDynamic(elf)) return out; // static Go program: no RELRO by design
    const dyn = elf.dynamic();
    if (wantNoTextrel && dyn?.textrel) {
      add('text relocations (DT_TEXTREL): code pages are made writable at load time', 'compile the C code with -fPIC and find the object with absolute relocations in .text');
    }
    if (relro !== 'off') {
      const hasRelro = elf.programs.some((p) => p.type === PT_GNU_RELRO);
      // Go's internal linker gives a dynamically linked executable no PT_GNU_RELRO at all (it
      // only emits one for PIE and shared objects): that is Go's design, reported only when the
      // policy asks for full RELRO.
      const goInternalExe = linkMode(elf, ctx.target.linkmode) === 'internal' && ctx.target.buildmode === 'exe' && elf.header.type !== ET_DYN;
      if (!hasRelro && (relro === 'full' || !goInternalExe)) {
        add('no RELRO (PT_GNU_RELRO missing): GOT and dynamic data stay writable', 'link with -Wl,-z,relro (ldflags: -extldflags=-Wl,-z,relro)');
      } else if (relro === 'full' && !dyn?.bindNow) {
        add('partial RELRO: lazy binding leaves the GOT writable (no DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW)', 'link with -Wl,-z,now (ldflags: -bindnow, or -extldflags=-Wl,-z,now)', {
          flags: dyn?.flags,
          flags1: dyn?.flags1,
        });
      }
    }
    return out;
  },
};
export default hardening;
