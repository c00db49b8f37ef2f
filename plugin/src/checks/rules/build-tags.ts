/**
 * build-tags: build constraint lines that do not say what the author thinks.
 *
 *  - `// +build` lines that disagree with the `//go:build` line (Go ≥ 1.17 reads only
 *    `//go:build`; older tools and readers go by `// +build`): compared by meaning, over every
 *    combination of the tags the two mention, with a counterexample in the message;
 *  - a `//go:build` line that does not parse, or two of them (go build rejects the package);
 *  - `// +build` lines go ignores because no blank line separates them from the package
 *    clause, and `//go:build` lines after the package clause (both silently do nothing);
 *  - files with `// +build` lines only (gofmt adds the `//go:build` line).
 *
 * The result does not depend on the platform; the engine reports each finding once.
 */
import type { SourceCheck } from '../rule';
import type { Finding } from '../types';
import type { SourceFile } from '../types';
import {
  andExpr,
  ConstraintExpr,
  constraintTags,
  formatConstraint,
  isGoBuildLine,
  parseConstraintLine,
  plusBuildLines,
  ConstraintTooComplexError,
} from '../../platforms/constraint-expr';
import { lineCommentStarts, scanConstraintHeader } from '../../platforms/constraint-header';
import { baseOf, isIgnoredPath, lineIndex, workspacePath } from '../source-scan';

const MAX_EXHAUSTIVE_TAGS = 16;

function evalWith(x: ConstraintExpr, on: ReadonlySet<string>): boolean {
  switch (x.kind) {
    case 'tag':
      return on.has(x.tag);
    case 'not':
      return !evalWith(x.x, on);
    case 'and':
      return evalWith(x.x, on) && evalWith(x.y, on);
    case 'or':
      return evalWith(x.x, on) || evalWith(x.y, on);
  }
}

/**
 * A tag assignment on which the two expressions differ, or undefined when they are equivalent.
 * Exhaustive up to MAX_EXHAUSTIVE_TAGS tags. Beyond that: equal when Go would generate the same
 * // +build lines for both, otherwise a deterministic sample of assignments is searched for a
 * counterexample (none found counts as equivalent, so the check never reports without one).
 */
export function constraintDifference(a: ConstraintExpr, b: ConstraintExpr): { on: string[]; off: string[]; a: boolean } | undefined {
  const tags = constraintTags(b, constraintTags(a));
  const differs = (on: Set<string>) => {
    const va = evalWith(a, on);
    return va !== evalWith(b, on) ? { on: tags.filter((t) => on.has(t)), off: tags.filter((t) => !on.has(t)), a: va } : undefined;
  };
  if (tags.length <= MAX_EXHAUSTIVE_TAGS) {
    const total = 1 << tags.length;
    for (let m = 0; m < total; m++) {
      const d = differs(new Set(tags.filter((_, i) => m & (1 << i))));
      if (d) return d;
    }
    return undefined;
  }
  try {
    if (plusBuildLines(a).join('\n') === plusBuildLines(b).join('\n')) return undefined;
  } catch (e) {
    if (!(e instanceof ConstraintTooComplexError)) throw e;
  }
  // Structured assignments first (none, all, each tag alone on or off), then random ones of
  // varying density.
  const structured: Set<string>[] = [new Set(), new Set(tags)];
  for (const t of tags) {
    structured.push(new Set([t]));
    structured.push(new Set(tags.filter((u) => u !== t)));
  }
  for (const on of structured) {
    const d = differs(on);
    if (d) return d;
  }
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const densities = [0.5, 0.1, 0.9, 0.25, 0.75, 2 / tags.length, 1 - 2 / tags.length];
  for (let n = 0; n < 50_000; n++) {
    const p = densities[n % densities.length];
    const d = differs(new Set(tags.filter(() => rand() < p)));
    if (d) return d;
  }
  return undefined;
}

function lines(ls: readonly { line: number }[]): string {
  return ls.length === 1 ? `line ${ls[0].line}` : `lines ${ls.map((l) => l.line).join(', ')}`;
}

export const buildTags: SourceCheck = {
  meta: {
    id: 'build-tags',
    title: 'Build constraint lines mean what they say',
    kind: 'source',
    defaultSeverity: 'error',
    description:
      'Reports // +build lines that disagree with //go:build, unparsable or duplicate //go:build lines, constraint lines go ignores because of where they are, and files with only // +build lines.',
    docs: 'docs/checks/build-tags.md',
    // Takes no parameters; those a policy gives are passed through unvalidated.
    schema: false,
  },
  run(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.sources) {
      if (!(f.path.endsWith('.go') || f.path.endsWith('.s')) || isIgnoredPath(f.path)) continue;
      // The findings do not depend on the platform: computed once per file and project root.
      let c = cache.get(f);
      if (!c || c.projectRoot !== ctx.projectRoot) {
        c = { projectRoot: ctx.projectRoot, findings: fileFindings(f, ctx.projectRoot) };
        cache.set(f, c);
      }
      out.push(...c.findings.map((x) => ({ ...x })));
    }
    return out;
  },
};

const cache = new WeakMap<SourceFile, { projectRoot: string; findings: Finding[] }>();

/** The fix for several //go:build lines: the one line that ANDs them, naming the lines it replaces. */
function combineFix(content: string, bodyLine: number | undefined): string {
  const found: { line: number; expr?: ConstraintExpr }[] = [];
  content.split('\n').forEach((text, i) => {
    if (bodyLine !== undefined && i + 1 >= bodyLine) return;
    const t = text.trim();
    if (!isGoBuildLine(t)) return;
    try {
      found.push({ line: i + 1, expr: parseConstraintLine(t) });
    } catch {
      found.push({ line: i + 1 });
    }
  });
  if (found.length < 2 || found.some((x) => !x.expr)) return 'combine them into one //go:build line with &&';
  const combined = formatConstraint(found.map((x) => x.expr!).reduce((x, y) => andExpr(x, y)));
  return `replace lines ${found.map((x) => x.line).join(', ')} with the one line "//go:build ${combined}"`;
}

function fileFindings(f: SourceFile, projectRoot: string): Finding[] {
  const out: Finding[] = [];
  const h = scanConstraintHeader(f.content);
  const file = workspacePath(projectRoot, f.path);
  const base = baseOf(f.path);
  const asm = f.path.endsWith('.s');
  const push = (severity: 'error' | 'warn', line: number, message: string, fix: string, data?: Record<string, unknown>) =>
    out.push({ checkId: 'build-tags', severity, message, fix, file, line, ...(data ? { data } : {}) });

  if (h.multipleGoBuild !== undefined) {
    push('error', h.multipleGoBuild, `${base} has more than one //go:build line; go build rejects the package`, combineFix(f.content, h.bodyLine));
  }
  if (h.goBuildError) {
    push(
      'error',
      h.goBuildError.line,
      `${base}: //go:build line does not parse (${h.goBuildError.error.reason}); go build rejects the package`,
      'fix the expression: tags joined with &&, ||, ! and parentheses, e.g. //go:build linux && (arm64 || amd64)',
      { text: h.goBuildError.text },
    );
  }
  const counted = h.plusBuild.filter((p) => p.expr);
  if (h.goBuild && counted.length) {
    const plus = counted.map((p) => p.expr!).reduce((x, y) => andExpr(x, y));
    const diff = constraintDifference(h.goBuild.expr, plus);
    if (diff) {
      const example = `: with ${[...diff.on, ...diff.off.map((t) => `!${t}`)].join(' ') || 'no tags set'} //go:build ${diff.a ? 'includes' : 'excludes'} the file and // +build ${diff.a ? 'excludes' : 'includes'} it`;
      let want: string[] | undefined;
      try {
        want = plusBuildLines(h.goBuild.expr);
      } catch {
        want = undefined;
      }
      push(
        'error',
        counted[0].line,
        `${base}: // +build ${lines(counted)} disagree${counted.length === 1 ? 's' : ''} with //go:build ${formatConstraint(h.goBuild.expr)} (line ${h.goBuild.line})${example}`,
        !want
          ? 'delete the // +build lines: Go 1.17+ reads only //go:build'
          : asm
            ? `replace the // +build lines with "${want.join(' / ')}" (what the //go:build line says), or delete them: Go 1.17+ reads only //go:build`
            : `run gofmt -w ${file} (it rewrites the // +build lines to "${want.join(' / ')}"), or delete them: Go 1.17+ reads only //go:build`,
        { goBuild: formatConstraint(h.goBuild.expr), plusBuild: counted.map((p) => p.text), expected: want ?? null },
      );
    }
  }
  if (!h.goBuild && !h.goBuildError && counted.length) {
    push(
      'warn',
      counted[0].line,
      `${base} has only // +build ${lines(counted)} and no //go:build line`,
      asm
        ? `add the line "//go:build ${formatConstraint(counted.map((p) => p.expr!).reduce((x, y) => andExpr(x, y)))}" above line ${counted[0].line} (gofmt does not read assembly)`
        : `run gofmt -w ${file} to add the //go:build line`,
    );
  }
  for (const p of h.ignoredPlusBuild) {
    push(
      'warn',
      p.line,
      `${base}: "${p.text}" is ignored: // +build lines only count when a blank line follows them before the package clause`,
      `insert a blank line after line ${p.line}, or replace the line with a //go:build line at the top of the file`,
    );
  }
  if (h.bodyLine !== undefined) {
    const lineOf = lineIndex(f.content);
    for (const pos of lineCommentStarts(f.content)) {
      const line = lineOf(pos);
      if (line <= h.bodyLine) continue;
      const end = f.content.indexOf('\n', pos);
      const t = f.content.slice(pos, end < 0 ? undefined : end).trim();
      if (t.startsWith('//go:build') && isGoBuildLine(t)) {
        push(
          'warn',
          line,
          `${base}: //go:build on line ${line} is after the package clause and is ignored`,
          h.goBuild || h.goBuildError
            ? `delete line ${line} (only the //go:build line on line ${(h.goBuild ?? h.goBuildError)!.line} counts), or fold its condition into that line`
            : `move line ${line} to the top of the file, followed by a blank line`,
        );
      }
    }
  }
  return out;
}
