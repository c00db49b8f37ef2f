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
import type { SourceCheck } from '../rule';
import type { Finding } from '../types';
import { formatPlatform } from '../../platforms/platform';
import { asmArchesOf, baseOf, constraintContext, duplicateFix, missingImplementationFix, packageImplementations, workspacePath } from '../source-scan';

export const asmCoverage: SourceCheck = {
  meta: {
    id: 'asm-coverage',
    title: 'Body-less Go functions are implemented on every platform',
    kind: 'source',
    defaultSeverity: 'error',
    description:
      'Reports Go functions declared without a body that have no assembly TEXT symbol, Go definition or //go:linkname in the files built for a target platform (go build fails with "missing function body").',
    docs: 'docs/checks/asm-coverage.md',
    // Takes no parameters; those a policy gives are passed through unvalidated.
    schema: false,
  },
  run(ctx) {
    const out: Finding[] = [];
    const platform = formatPlatform(ctx.platform);
    for (const pkg of packageImplementations(ctx.sources, constraintContext(ctx.target))) {
      const dir = pkg.dir;
      for (const d of pkg.duplicates) {
        const name = d.decl.name;
        out.push({
          checkId: 'asm-coverage',
          severity: 'error',
          message: `${name} is defined in both Go (${baseOf(d.file.path)}) and assembly (${baseOf(d.asmFile.path)}) for ${platform}; go build fails with "${name} defined in both Go and assembly"`,
          fix: duplicateFix(d, ctx.platform.goarch, asmArchesOf(ctx.sources, dir, name), ctx.sources),
          file: workspacePath(ctx.projectRoot, d.file.path),
          line: d.decl.line,
          data: { function: name, platform, package: dir || '.', asmFile: d.asmFile.path, duplicate: true },
        });
      }
      for (const b of pkg.missing) {
        const name = b.decl.name;
        const base = baseOf(b.file.path);
        const asmNote = pkg.asmFiles.length
          ? `the assembly built for it (${pkg.asmFiles.map((f) => baseOf(f.path)).join(', ')}) has no TEXT ·${name}(SB)`
          : 'no assembly file is built for it';
        out.push({
          checkId: 'asm-coverage',
          severity: 'error',
          message: `${name} (${base}) has no body and no implementation for ${platform}: ${asmNote}; go build fails with "missing function body"`,
          fix: missingImplementationFix(b, ctx.platform.goarch, asmArchesOf(ctx.sources, dir, name)),
          file: workspacePath(ctx.projectRoot, b.file.path),
          line: b.decl.line,
          data: { function: name, platform, package: dir || '.', asmFiles: pkg.asmFiles.map((f) => f.path) },
        });
      }
    }
    return out;
  },
};
