import { ASM_ARCHES, FrameLayout, frameLayout, Signature } from './signature';

/** Scratch register and load mnemonics (by size) used by generated stubs, per arch. */
const LOADS: Readonly<Record<string, { reg: string; ops: Record<number, string> }>> = {
  '386': { reg: 'AX', ops: { 1: 'MOVB', 2: 'MOVW', 4: 'MOVL' } },
  amd64: { reg: 'AX', ops: { 1: 'MOVB', 2: 'MOVW', 4: 'MOVL', 8: 'MOVQ' } },
  arm: { reg: 'R0', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW' } },
  arm64: { reg: 'R0', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVD' } },
  loong64: { reg: 'R4', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVV' } },
  mips: { reg: 'R2', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW' } },
  mipsle: { reg: 'R2', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW' } },
  mips64: { reg: 'R2', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVV' } },
  mips64le: { reg: 'R2', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVV' } },
  ppc64: { reg: 'R3', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVD' } },
  ppc64le: { reg: 'R3', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVD' } },
  riscv64: { reg: 'X5', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOV' } },
  s390x: { reg: 'R1', ops: { 1: 'MOVB', 2: 'MOVH', 4: 'MOVW', 8: 'MOVD' } },
};

export const SUPPORTED_ASM_ARCHES: readonly string[] = Object.keys(ASM_ARCHES).sort();

/** `#include` and constraint header of a new per-arch `.s` file. */
export function asmFileHeader(): string {
  return '//go:build !purego\n\n#include "textflag.h"\n';
}

/**
 * One TEXT block for `sig` on `arch`: frame `$0-N` from the ABI0 layout, a comment listing every
 * argument slot, loads of each slot (so `go vet` checks every name, offset and size against the
 * Go declaration), and a tail jump to `target`, which has the same signature and therefore reads
 * the very same frame. Replace the body with the real implementation.
 */
export function textBlock(sig: Signature, signatureText: string, arch: string, target: string): string {
  const layout: FrameLayout = frameLayout(sig, arch);
  const load = LOADS[arch];
  const leaves = layout.slots.filter((s) => s.leaf);
  const lines: string[] = [];
  lines.push(`// ${signatureText}`);
  lines.push('//');
  lines.push(`// ABI0 frame on ${arch} (${layout.argSize} bytes of arguments and results):`);
  for (const s of leaves) lines.push(`//\t${s.name}+${s.offset}(FP)\t${s.size} byte${s.size === 1 ? '' : 's'}${s.result ? ' (result)' : ''}`);
  lines.push(`//`);
  lines.push(`// Stub: touches every slot, then jumps to ${target}, which has the same frame.`);
  lines.push(`TEXT ·${sig.name}(SB), NOSPLIT, $0-${layout.argSize}`);
  for (const s of leaves) {
    const op = load.ops[s.size];
    if (op) lines.push(`\t${op}\t${s.name}+${s.offset}(FP), ${load.reg}`);
  }
  lines.push(`\tJMP\t·${target}(SB)`);
  return `${lines.join('\n')}\n`;
}
