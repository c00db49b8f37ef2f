/**
 * exports: a c-shared library exports only what its Go sources declare with `//export` plus
 * the Go toolchain's own runtime glue. Any other global defined function or object in .dynsym
 * (a non-static C helper, a C global) is export pollution: it can clash with the host program.
 *
 * Without sources (a library handed to the `gocross` CLI), the `//export` names come from the
 * library itself: cgo defines a `_cgoexp_<hash>_<Name>` wrapper for every `//export Name`, and
 * writes an `extern ... Name(...)` declaration into the `<lib>.h` it emits beside the library.
 */
import { isSharedLibrary } from '../elf-util';
import { list, options, type OptionsOf } from '../options';
import type { BinaryCheck } from '../rule';
import type { Finding } from '../types';

export const schema = options({
  allow: list('symbols a library may export besides its //export functions'),
});
export type ExportsOptions = OptionsOf<typeof schema>;

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

/** `Name` of each `_cgoexp_<hash>_<Name>` symbol: the `//export` functions cgo wrapped. */
export function cgoExportsFromSymbols(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const n of names) {
    const m = /^_cgoexp_[0-9a-f]+_([A-Za-z_][A-Za-z0-9_]*)$/.exec(n);
    if (m) out.add(m[1]);
  }
  return out;
}

/**
 * The functions a cgo-generated header declares: the `extern <type> Name(...);` lines after
 * the "End of boilerplate cgo prologue." marker (before it are the user's preamble and cgo's
 * own helpers such as `_GoStringLen`). Empty for a header that is not cgo's.
 */
export function parseCgoHeaderExports(text: string): string[] {
  const marker = text.indexOf('End of boilerplate cgo prologue.');
  if (marker < 0) return [];
  const names: string[] = [];
  for (const raw of text.slice(marker).split('\n')) {
    // Windows headers mark each one `extern __declspec(dllexport) <type> Name(...)`.
    const line = raw.replace(/__declspec\([^)]*\)/g, '');
    const m = /^extern\s+(?!"C")[^;(]*?\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(line);
    if (m && !names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STB_LOCAL = 0;
const STV_DEFAULT = 0;
const STV_PROTECTED = 3;

export const exportsCheck: BinaryCheck<ExportsOptions> = {
  meta: {
    id: 'exports',
    title: 'c-shared libraries export only //export functions',
    kind: 'binary',
    defaultSeverity: 'error',
    description:
      'In a -buildmode=c-shared library, every global defined function or object in .dynsym must be an //export name of the Go sources or part of the Go toolchain\'s cgo glue.',
    docs: 'docs/checks/exports.md',
    schema,
  },
  run(ctx) {
    const out: Finding[] = [];
    if (ctx.target.buildmode !== 'c-shared' || ctx.kind !== 'elf') return out;
    const elf = ctx.elf();
    if (!elf || !isSharedLibrary(elf)) return out;
    const dynsyms = elf.dynamicSymbols();
    // The sources are the authority when there are any; otherwise the library's own cgo
    // wrappers plus the header beside it say what was meant to be exported.
    const fromSources = ctx.sources.length > 0;
    let declared: ReadonlySet<string>;
    if (fromSources) declared = ctx.exportedNames();
    else {
      let wrapped = cgoExportsFromSymbols(dynsyms.filter((s) => s.defined).map((s) => s.name));
      // A version script can keep the wrappers out of .dynsym; .symtab (when not stripped) still has them.
      if (wrapped.size === 0) wrapped = cgoExportsFromSymbols(elf.symbols().filter((s) => s.defined).map((s) => s.name));
      declared = new Set([...wrapped, ...(ctx.declaredExports?.names ?? [])]);
    }
    const expected = fromSources ? declared : new Set(ctx.declaredExports?.names ?? []);
    const origin = fromSources ? 'the Go sources' : ctx.declaredExports ? ctx.declaredExports.from : 'cgo';
    const allow = new Set(ctx.params.allow ?? []);
    const leaked = dynsyms.filter(
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
        message: fromSources
          ? `exports ${kind} ${s.name}, which is not an //export of the Go sources`
          : `exports ${kind} ${s.name}, which is not an //export (no _cgoexp_ wrapper${ctx.declaredExports ? ` and not declared in ${origin}` : ''})`,
        fix: `make ${s.name} static (or hide it with __attribute__((visibility("hidden")))), or add it to exports "allow" in the policy if it is public API`,
        file: ctx.file,
        data: { symbol: s.name, type: s.typeName, bind: s.bindName },
      });
    }
    if (expected.size > 0) {
      const have = new Set(dynsyms.filter((s) => s.defined).map((s) => s.name));
      for (const name of expected) {
        if (!have.has(name)) {
          out.push({
            checkId: 'exports',
            severity: 'error',
            message: fromSources
              ? `//export ${name} is declared in the sources but not exported by the library`
              : `${name} is declared in ${origin} but not exported by the library`,
            fix: fromSources
              ? 'rebuild the library from the current sources (the artifact is stale or built from another package)'
              : `the library and ${origin} come from different builds: ship the header written by the same go build`,
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
