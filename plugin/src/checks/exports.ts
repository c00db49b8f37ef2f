/**
 * exports: a c-shared library exports only what its Go sources declare with `//export` plus
 * the Go toolchain's own runtime glue. Any other global defined function or object in .dynsym
 * (a non-static C helper, a C global) is export pollution: it can clash with the host program.
 */
import type { BinaryCheckContext } from './context';
import { isSharedLibrary } from './elf-util';
import type { Check, Finding } from './types';

/** Symbols the Go toolchain itself puts in a c-shared library's dynamic symbol table. */
export function isToolchainExport(name: string): boolean {
  return (
    name.startsWith('_cgo_') ||
    name.startsWith('x_cgo_') ||
    name.startsWith('_cgoexp_') ||
    name === 'crosscall1' ||
    name === 'crosscall2' ||
    name === 'x_crosscall2_ptr' ||
    name === 'fatalf' ||
    name === '_init' ||
    name === '_fini'
  );
}

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const STV_DEFAULT = 0;
const STV_PROTECTED = 3;

export const exportsCheck: Check<BinaryCheckContext> = {
  meta: {
    id: 'exports',
    title: 'c-shared libraries export only //export functions',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'In a -buildmode=c-shared library, every global defined function or object in .dynsym must be an //export name of the Go sources or part of the Go toolchain\'s cgo glue.',
    docs: 'docs/checks/exports.md',
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.target.buildmode !== 'c-shared' || ctx.kind !== 'elf') return out;
    const elf = ctx.elf();
    if (!elf || !isSharedLibrary(elf)) return out;
    const declared = ctx.exportedNames();
    const allow = new Set((ctx.params.allow as string[] | undefined) ?? []);
    const leaked = elf
      .dynamicSymbols()
      .filter(
        (s) =>
          s.defined &&
          s.bind !== STB_LOCAL &&
          (s.visibility === STV_DEFAULT || s.visibility === STV_PROTECTED) &&
          (s.type === STT_FUNC || s.type === STT_OBJECT) &&
          !declared.has(s.name) &&
          !allow.has(s.name) &&
          !isToolchainExport(s.name),
      );
    for (const s of leaked) {
      const kind = s.type === STT_FUNC ? 'function' : 'object';
      out.push({
        checkId: 'exports',
        severity: 'error',
        message: `exports ${kind} ${s.name}, which is not an //export of the Go sources`,
        fix: `make ${s.name} static (or hide it with __attribute__((visibility("hidden")))), or add it to exports "allow" in the policy if it is public API`,
        file: ctx.file,
        data: { symbol: s.name, type: s.typeName, bind: s.bindName },
      });
    }
    if (declared.size > 0) {
      const have = new Set(elf.dynamicSymbols().filter((s) => s.defined).map((s) => s.name));
      for (const name of declared) {
        if (!have.has(name)) {
          out.push({
            checkId: 'exports',
            severity: 'error',
            message: `//export ${name} is declared in the sources but not exported by the library`,
            fix: 'rebuild the library from the current sources (the artifact is stale or built from another package)',
            file: ctx.file,
            data: { symbol: name },
          });
        }
      }
    }
    return out;
  },
};
export default exportsCheck;
