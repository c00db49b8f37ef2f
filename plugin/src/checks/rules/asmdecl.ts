/**
 * asmdecl: assembly that disagrees with its Go declaration (argument offsets and sizes, frame
 * size, result names, move widths), as `go vet -asmdecl` finds it. A wrong offset reads the
 * wrong argument; a MOVQ of an int32 reads 4 bytes of garbage; both "work" on the developer's
 * machine and fail on another arch.
 *
 * Split in two because checks never spawn processes: ../../validate/asmdecl-runner.ts
 * `runAsmdecl()` runs vet per GOARCH (the validate executor does that, once per arch of the
 * matrix) and the resulting runs reach this check through the context's `asmdecl` field; this
 * check maps the diagnostics of the runs for its platform's arch to findings. With no runs it
 * reports nothing.
 */
import type { SourceCheckContext } from '../context';
import type { SourceCheck } from '../rule';
import type { Finding } from '../types';
import { workspacePath } from '../source-scan';

/** The context the asmdecl rule reads (the source context, whose `asmdecl` field carries the vet runs). */
export type AsmdeclCheckContext = SourceCheckContext;

/**
 * The command that repeats a vet run by hand, typed at the workspace root: `cd libs/mathx &&
 * GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go vet -asmdecl ./...` (the runner's environment).
 */
export function asmdeclCommand(projectRoot: string, goos: string, goarch: string): string {
  const root = projectRoot.replace(/\/+$/, '');
  const cd = root && root !== '.' ? `cd ${/^[\w./@+-]+$/.test(root) ? root : `'${root.replace(/'/g, `'\\''`)}'`} && ` : '';
  return `${cd}GOOS=${goos} GOARCH=${goarch} CGO_ENABLED=0 go vet -asmdecl ./...`;
}

/** A one-line fix for the common asmdecl messages; `command` (asmdeclCommand) repeats the check. */
export function asmdeclFix(message: string, command?: string): string {
  const again = command ? `; re-check with \`${command}\`` : '';
  if (/invalid (MOV|[A-Z]+) of .*\d+-byte value/.test(message)) {
    return `use the move width of the argument (MOVB/MOVW/MOVL/MOVQ for 1/2/4/8 bytes on amd64; MOVB/MOVH/MOVW/MOVD on arm64), or change the Go type${again}`;
  }
  if (/invalid offset/.test(message)) return `use the offset vet expects for that argument (name+offset(FP)), or fix the Go declaration${again}`;
  const size = /wrong argument size \d+; expected \$\.\.\.-(\d+)/.exec(message);
  if (size) return `set the argument size after the dash in the TEXT line ($frame-argsize) to ${size[1]}, what the Go signature needs${again}`;
  if (/wrong argument size/.test(message)) return `set the argument size after the dash in the TEXT line ($frame-argsize) to what the Go signature needs${again}`;
  if (/unknown variable/.test(message)) return `refer to arguments by their Go parameter names (name+offset(FP)); results are ret, ret1… unless named${again}`;
  if (/function .* missing Go declaration/.test(message)) return `declare the function in Go (func Name(args) results, without a body) in a file built for the same arch${again}`;
  if (/RET without writing/.test(message)) return `store the result (ret+N(FP)) before RET, or mark the function NOFRAME/NOSPLIT and write it${again}`;
  return command
    ? `make the assembly agree with the Go declaration; \`${command}\` shows the expected frame layout`
    : 'make the assembly agree with the Go declaration; go vet -asmdecl with the same GOOS and GOARCH shows the expected frame layout';
}

export const asmdecl: SourceCheck = {
  meta: {
    id: 'asmdecl',
    title: 'Assembly matches its Go declarations',
    kind: 'source',
    defaultSeverity: 'error',
    description:
      'Reports go vet -asmdecl diagnostics for each GOARCH of the matrix: argument offsets and sizes, frame sizes and move widths in assembly that disagree with the Go function declaration.',
    docs: 'docs/checks/asmdecl.md',
    // Takes no parameters; those a policy gives are passed through unvalidated.
    schema: false,
  },
  run(ctx) {
    const out: Finding[] = [];
    for (const run of ctx.asmdecl ?? []) {
      // A run is about one GOOS/GOARCH: darwin/arm64 does not take linux/arm64's diagnostics as its own.
      if (run.goarch !== ctx.platform.goarch || run.goos !== ctx.platform.goos) continue;
      const command = asmdeclCommand(ctx.projectRoot, run.goos, run.goarch);
      for (const d of run.diagnostics) {
        out.push({
          checkId: 'asmdecl',
          severity: 'error',
          message: `${d.message} (go vet -asmdecl, GOARCH=${run.goarch})`,
          fix: asmdeclFix(d.message, command),
          file: workspacePath(ctx.projectRoot, d.file),
          line: d.line || undefined,
          data: { goarch: run.goarch, package: d.package, column: d.column, ...(d.function ? { function: d.function } : {}) },
        });
      }
      if (run.error && run.diagnostics.length === 0) {
        out.push({
          checkId: 'asmdecl',
          severity: 'warn',
          message: `assembly declarations were not checked for GOARCH=${run.goarch}: ${run.error}`,
          fix: `run \`${command}\` from the workspace root and fix what it reports`,
          file: workspacePath(ctx.projectRoot, 'go.mod'),
          data: { goarch: run.goarch },
        });
      }
    }
    return out;
  },
};
