/**
 * asm-coverage: a Go function declared without a body (`func Sum(xs []int) int`) must be
 * implemented for every platform the package is built for: by a TEXT ·Sum(SB) symbol in an
 * assembly file built for that platform, or through `//go:linkname`. Otherwise `go build` for
 * that platform stops with "missing function body" — typically a package with amd64 and arm64
 * assembly built for riscv64, with no pure-Go fallback file.
 *
 * Runs per target platform (the engine runs source checks once per platform of the matrix);
 * each finding names the platform lacking the implementation.
 */
import type { SourceCheckContext } from './context';
import type { Check, Finding } from './types';
import type { SourceFile } from './result';
import { formatPlatform } from '../platforms/platform';
import {
  asmTextSymbols,
  baseOf,
  builtFor,
  constraintContext,
  dirOf,
  goFuncDecls,
  goLinknames,
  isIgnoredPath,
  workspacePath,
} from './source-scan';

// Per-file parses, shared by the runs for each platform of the matrix (same SourceFile objects).
const declCache = new WeakMap<SourceFile, ReturnType<typeof goFuncDecls>>();
const linkCache = new WeakMap<SourceFile, Set<string>>();
const textCache = new WeakMap<SourceFile, Map<string, number>>();
function cached<T>(cache: WeakMap<SourceFile, T>, f: SourceFile, compute: (src: string) => T): T {
  let v = cache.get(f);
  if (v === undefined) {
    v = compute(f.content);
    cache.set(f, v);
  }
  return v;
}

export const asmCoverage: Check<SourceCheckContext> = {
  meta: {
    id: 'asm-coverage',
    title: 'Body-less Go functions are implemented on every platform',
    kind: 'source',
    defaultSeverity: 'error',
    description:
      'Reports Go functions declared without a body that have no assembly TEXT symbol, Go definition or //go:linkname in the files built for a target platform (go build fails with "missing function body").',
    docs: 'docs/checks/asm-coverage.md',
  },
  run(ctx) {
    const out: Finding[] = [];
    const cctx = constraintContext(ctx.target);
    const platform = formatPlatform(ctx.platform);

    // Group the files go would compile for this platform by package directory.
    const byDir = new Map<string, SourceFile[]>();
    for (const f of ctx.sources) {
      if (isIgnoredPath(f.path)) continue;
      const isGo = f.path.endsWith('.go') && !f.path.endsWith('_test.go');
      const isAsm = f.path.endsWith('.s');
      if (!isGo && !isAsm) continue;
      if (!builtFor(f, cctx)) continue;
      const d = dirOf(f.path);
      if (!byDir.has(d)) byDir.set(d, []);
      byDir.get(d)!.push(f);
    }

    for (const [dir, files] of byDir) {
      const goFiles = files.filter((f) => f.path.endsWith('.go'));
      if (goFiles.length === 0) continue;
      const implemented = new Set<string>();
      const linknamed = new Set<string>();
      const asmFiles = files.filter((f) => f.path.endsWith('.s'));
      const asmDefined = new Map<string, SourceFile>();
      for (const f of asmFiles) {
        for (const name of cached(textCache, f, asmTextSymbols).keys()) {
          implemented.add(name);
          if (!asmDefined.has(name)) asmDefined.set(name, f);
        }
      }
      const bodyless: { file: SourceFile; name: string; line: number }[] = [];
      for (const f of goFiles) {
        for (const n of cached(linkCache, f, goLinknames)) linknamed.add(n);
        for (const d of cached(declCache, f, goFuncDecls)) {
          if (d.receiver) continue; // methods implemented in assembly are out of scope
          if (!d.hasBody) {
            bodyless.push({ file: f, name: d.name, line: d.line });
            continue;
          }
          implemented.add(d.name);
          const asm = asmDefined.get(d.name);
          if (asm && d.name !== '_') {
            const base = baseOf(f.path);
            out.push({
              checkId: 'asm-coverage',
              severity: 'error',
              message: `${d.name} is defined in both Go (${base}) and assembly (${baseOf(asm.path)}) for ${platform}; go build fails with "${d.name} defined in both Go and assembly"`,
              fix: `give the Go definition a //go:build line that excludes ${ctx.platform.goarch} (or move it to a _generic.go fallback file), and keep a body-less declaration for the assembly`,
              file: workspacePath(ctx.projectRoot, f.path),
              line: d.line,
              data: { function: d.name, platform, package: dir || '.', asmFile: asm.path, duplicate: true },
            });
          }
        }
      }
      for (const b of bodyless) {
        if (implemented.has(b.name) || linknamed.has(b.name)) continue;
        const base = baseOf(b.file.path);
        const asmNote = asmFiles.length
          ? `the assembly built for it (${asmFiles.map((f) => baseOf(f.path)).join(', ')}) has no TEXT ·${b.name}(SB)`
          : 'no assembly file is built for it';
        const stem = base.replace(/\.go$/, '').replace(/_(amd64|arm64|386|arm|riscv64|ppc64le|ppc64|s390x|loong64|mips64le|mips64|mipsle|mips|wasm)$/, '');
        out.push({
          checkId: 'asm-coverage',
          severity: 'error',
          message: `${b.name} (${base}) has no body and no implementation for ${platform}: ${asmNote}; go build fails with "missing function body"`,
          fix: `add ${stem}_${ctx.platform.goarch}.s with TEXT ·${b.name}(SB), or a pure-Go ${stem}_generic.go whose //go:build line excludes the assembly architectures and defines ${b.name}`,
          file: workspacePath(ctx.projectRoot, b.file.path),
          line: b.line,
          data: { function: b.name, platform, package: dir || '.', asmFiles: asmFiles.map((f) => f.path) },
        });
      }
    }
    return out;
  },
};
