/**
 * asm-guard: Go assembly (`.s`) files with no architecture guard. Assembly is written for one
 * instruction set; a `.s` file that is not restricted to its arch by a file-name suffix
 * (`sum_amd64.s`), an arch term in its `//go:build` line, or an `#ifdef GOARCH_<arch>` block
 * (the assembler predefines GOOS_<os> and GOARCH_<arch>) is assembled for every GOARCH, and the
 * build for the other architectures fails with "unrecognized instruction" or "illegal
 * register" errors — or, worse, links the wrong routine.
 *
 * Files whose instructions every Go assembler accepts (JMP/CALL/RET trampolines, DATA/GLOBL
 * tables) are portable and not reported. Runs per target platform and reports files that would
 * be assembled for it. Source only: the files come from the engine.
 */
import type { SourceCheck } from '../rule';
import type { Finding } from '../types';
import { andExpr, constraintTags, formatConstraint } from '../../platforms/constraint-expr';
import { fileConstraint, scanConstraintHeader } from '../../platforms/constraint-header';
import { KNOWN_ARCH } from '../../platforms/known';
import { formatPlatform } from '../../platforms/platform';
import { baseOf, builtFor, constraintContext, fileNameArch, isIgnoredPath, lineAt, workspacePath } from '../source-scan';

const ARCH_FEATURE = /^([a-z0-9]+)\.[a-z0-9.]+$/; // amd64.v3, arm64.v8.1…

/** Whether the //go:build / // +build constraint mentions an architecture. */
function constraintNamesArch(content: string): boolean {
  let x;
  try {
    x = fileConstraint(content);
  } catch {
    return false;
  }
  if (!x) return false;
  return constraintTags(x).some((t) => KNOWN_ARCH.has(t) || (ARCH_FEATURE.test(t) && KNOWN_ARCH.has(t.split('.')[0])));
}

/** `#ifdef GOARCH_amd64`, `#if defined(GOARCH_arm64)`, `#ifndef GOARCH_386` before the first TEXT/DATA/GLOBL. */
function preprocessorGuard(content: string): boolean {
  const firstCode = content.search(/^[ \t]*(TEXT|DATA|GLOBL)\b/m);
  const head = firstCode < 0 ? content : content.slice(0, firstCode);
  return /^[ \t]*#[ \t]*(ifdef|ifndef|if|elif)\b[^\n]*\bGOARCH_[a-z0-9]+/m.test(head);
}

const PORTABLE = new Set(['JMP', 'RET', 'CALL', 'NOP', 'PCDATA', 'FUNCDATA', 'NO_LOCAL_POINTERS', 'TEXT', 'DATA', 'GLOBL', 'UNDEF']);

/**
 * Whether every instruction of the file is one every Go assembler accepts (JMP/CALL/RET
 * trampolines, DATA/GLOBL tables): such a file assembles for every arch and needs no guard.
 */
export function isPortableAsm(content: string): boolean {
  const code = content.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
  for (const raw of code.split('\n')) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    line = line.replace(/^[A-Za-z_][\w]*:\s*/, ''); // label
    for (const stmt of line.split(';')) {
      const op = /^([A-Z_][A-Z0-9_.]*)/.exec(stmt.trim())?.[1];
      if (!op) continue;
      if (!PORTABLE.has(op.split('.')[0])) return false;
    }
  }
  return true;
}

/** A best guess at the arch a file's instructions are written for (for the fix hint). */
export function guessAsmArch(content: string): string | undefined {
  const code = content.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  const has = (re: RegExp) => re.test(code);
  if (has(/\b(MOVQ|ADDQ|SUBQ|XORQ|CMPQ|LEAQ|VPXOR|VMOVDQU|PXOR)\b/) || has(/\b(AX|BX|CX|DX|SI|DI|BP)\b/) && has(/\bR1[0-5]\b|\bX[0-9]+\b/) && has(/[A-Z]+Q\b/)) return 'amd64';
  if (has(/\b(LDP|STP|VLD1|VST1|MOVD|CBZ|CBNZ)\b/) && has(/\bR(2[0-9]|1[0-9]|[0-9])\b|\bZR\b/) && !has(/\b(MOVBZ|STMG|LMG)\b/) && !has(/\bCR[0-7]\b/)) return 'arm64';
  if (has(/\b(ADDI|LUI|AUIPC|JALR|SLLI)\b/) || has(/\bX(1[0-9]|2[0-9]|3[01]|[5-9])\b/) && has(/\bMOV\b/)) return 'riscv64';
  if (has(/\b(MOVL|ADDL|SUBL|XORL)\b/) && has(/\b(AX|BX|CX|DX)\b/)) return '386';
  if (has(/\bMOVW\b/) && has(/\bR(1[0-5]|[0-9])\b/) && !has(/\bMOVD\b/)) return 'arm';
  if (has(/\b(STMG|LMG|MOVBZ|VL|VST)\b/)) return 's390x';
  return undefined;
}

export const asmGuard: SourceCheck = {
  meta: {
    id: 'asm-guard',
    title: 'Assembly files are restricted to their architecture',
    kind: 'source',
    defaultSeverity: 'error',
    description:
      'Reports .s files that have no architecture guard (no _<arch> file-name suffix, no arch term in //go:build, no #ifdef GOARCH_<arch>) and are therefore assembled for every GOARCH.',
    docs: 'docs/checks/asm-guard.md',
    // Takes no parameters; those a policy gives are passed through unvalidated.
    schema: false,
  },
  run(ctx) {
    const out: Finding[] = [];
    const cctx = constraintContext(ctx.target);
    for (const f of ctx.sources) {
      if (!f.path.endsWith('.s') || isIgnoredPath(f.path)) continue;
      if (fileNameArch(f.path)) continue;
      if (!builtFor(f, cctx)) continue;
      if (constraintNamesArch(f.content) || preprocessorGuard(f.content)) continue;
      const textAt = f.content.search(/^[ \t]*(TEXT|DATA|GLOBL)\b/m);
      if (textAt < 0) continue; // only macros/includes: nothing to assemble
      if (isPortableAsm(f.content)) continue; // JMP/CALL trampolines assemble everywhere
      const arch = guessAsmArch(f.content);
      const base = baseOf(f.path);
      const stem = base.slice(0, -2);
      // A file with a //go:build line gets the arch added to it: a second //go:build line is an error.
      const goBuild = scanConstraintHeader(f.content).goBuild;
      let fix: string;
      if (arch) {
        const line = goBuild
          ? `change line ${goBuild.line} to "//go:build ${formatConstraint(andExpr(goBuild.expr, { kind: 'tag', tag: arch }))}"`
          : `put "//go:build ${arch}" and a blank line at the top`;
        fix = `rename it to ${stem}_${arch}.s, or ${line}`;
      } else {
        // The arch is not recognisable from the instructions: say what to do, with amd64 as the example.
        const line = goBuild
          ? `add that GOARCH to its //go:build line ${goBuild.line} ("//go:build ${formatConstraint(andExpr(goBuild.expr, { kind: 'tag', tag: 'amd64' }))}" for amd64 assembly)`
          : `put a //go:build line naming that GOARCH and a blank line at the top ("//go:build amd64" for amd64 assembly)`;
        fix = `give it the file-name suffix of the GOARCH its instructions are for (${stem}_amd64.s for amd64 assembly), or ${line}`;
      }
      out.push({
        checkId: 'asm-guard',
        severity: 'error',
        message: `${base} has no architecture guard: it is assembled for every GOARCH${arch ? ` but looks like ${arch} assembly` : ''}`,
        fix,
        file: workspacePath(ctx.projectRoot, f.path),
        line: lineAt(f.content, textAt),
        data: { platform: formatPlatform(ctx.platform), guessedArch: arch ?? null },
      });
    }
    return out;
  },
};
