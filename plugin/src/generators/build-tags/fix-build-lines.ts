/**
 * gofmt's rewriting of build constraint lines (go/printer's fixGoBuildLines), for the build-tags
 * generator.
 */
import { andExpr, formatConstraint, isGoBuildLine, isPlusBuildLine, parseConstraintLine, plusBuildLines, type ConstraintExpr } from '../../platforms/constraint-expr';
import { lineCommentStarts } from '../../platforms/constraint-header';

export interface FixBuildLinesOptions {
  /**
   * Write no `// +build` lines (for modules whose go.mod says go 1.17 or later, where only
   * `//go:build` counts). Default false: regenerate them as gofmt does.
   */
  dropPlusBuild?: boolean;
}

/**
 * Rewrites a Go file's build constraint lines the way gofmt does (go/printer's
 * fixGoBuildLines): every `//go:build` and `// +build` line comment is removed and one block is
 * written at the end of the leading comment run (or where the first constraint line was, if
 * earlier): the `//go:build` line (from the `//go:build` line, or the AND of the `// +build`
 * lines when there is none), followed by the equivalent `// +build` lines when the file had
 * any, then a blank line. When the lines cannot be combined (two `//go:build` lines, or one that
 * does not parse) they are gathered unchanged. Returns the content unchanged when it has no
 * constraint line.
 */
export function fixBuildLines(content: string, opts: FixBuildLinesOptions = {}): string {
  const lineAt = (start: number) => {
    const nl = content.indexOf('\n', start);
    return content.slice(start, nl < 0 ? content.length : nl + 1);
  };
  const textAt = (start: number) => lineAt(start).replace(/\n$/, '');
  const goBuild: number[] = [];
  const plusBuild: number[] = [];
  for (const pos of lineCommentStarts(content)) {
    const text = textAt(pos).replace(/[ \t\r]+$/, '');
    if (isGoBuildLine(text)) goBuild.push(pos);
    else if (isPlusBuildLine(text)) plusBuild.push(pos);
  }
  if (goBuild.length + plusBuild.length === 0) return content;

  // The end of the leading run of // comments and blank lines, at its last blank line.
  let insert = 0;
  for (let pos = 0; ; ) {
    let blank = true;
    while (pos < content.length && (content[pos] === ' ' || content[pos] === '\t')) pos++;
    if (pos + 3 < content.length && content[pos] === '/' && content[pos + 1] === '/') {
      blank = false;
      while (pos < content.length && content[pos] !== '\n') pos++;
    }
    if (pos >= content.length || content[pos] !== '\n') break;
    pos++;
    if (blank) insert = pos;
  }
  if (goBuild.length > 0 && goBuild[0] < insert) insert = goBuild[0];
  else if (plusBuild.length > 0 && plusBuild[0] < insert) insert = plusBuild[0];

  let x: ConstraintExpr | undefined;
  try {
    if (goBuild.length === 0) {
      for (const pos of plusBuild) {
        const y = parseConstraintLine(textAt(pos));
        x = x ? andExpr(x, y) : y;
      }
    } else if (goBuild.length === 1) {
      x = parseConstraintLine(textAt(goBuild[0]));
    }
  } catch {
    x = undefined;
  }

  let block = '';
  if (!x) {
    for (const pos of goBuild) block += lineAt(pos);
    for (const pos of plusBuild) block += lineAt(pos);
  } else {
    block += `//go:build ${formatConstraint(x)}\n`;
    if (plusBuild.length > 0 && !opts.dropPlusBuild) {
      let lines: string[];
      try {
        lines = plusBuildLines(x);
      } catch (e) {
        lines = [`// +build error: ${(e as Error).message}`];
      }
      for (const l of lines) block += `${l}\n`;
    }
  }
  block += '\n';

  const appendLines = (a: string, b: string) => {
    if (b.startsWith('\n') && (a.length === 0 || a.endsWith('\n\n'))) b = b.slice(1);
    return a + b;
  };
  const toDelete = [...goBuild, ...plusBuild].sort((p, q) => p - q);
  let after = '';
  let start = insert;
  for (const end of toDelete) {
    if (end < start) continue;
    after = appendLines(after, content.slice(start, end));
    start = end + lineAt(end).length;
  }
  after = appendLines(after, content.slice(start));
  if (after.endsWith('\n\n')) after = after.slice(0, -1);
  return content.slice(0, insert) + block + after;
}
