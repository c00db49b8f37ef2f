/**
 * Build constraints in a file's header, as go/build reads them: constraints only count in the
 * leading run of comments and blank lines before the package clause, `// +build` lines must be
 * followed by a blank line, and a `//go:build` line, when present, wins over `// +build` lines.
 * Also whether the go command compiles a file for a context (file name, constraint, cgo).
 *
 * The same rules apply to `.go` and `.s` files. Pure functions: nothing here reads the disk.
 */
import {
  andExpr,
  ConstraintSyntaxError,
  evalConstraint,
  isPlusBuildLine,
  parseConstraintLine,
  parseGoBuildExpr,
  splitGoBuildLine,
  trimSpace,
  type ConstraintContext,
  type ConstraintExpr,
} from './constraint-expr';
import { fileNameMatchesPlatform, KNOWN_ARCH, KNOWN_OS } from './known';

/** A file's header breaks go/build's rules (more than one `//go:build` line, or a bad one). */
export class ConstraintHeaderError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.name = 'ConstraintHeaderError';
    this.line = line;
  }
}

/** One constraint line found in a file header. */
export interface ConstraintLine {
  /** 1-based line number. */
  line: number;
  /** The line as written (trimmed). */
  text: string;
  /** Parsed expression; undefined for a `// +build` line that does not parse (Go ignores those). */
  expr?: ConstraintExpr;
}

/** The build-constraint part of a file's header. */
export interface ConstraintHeader {
  goBuild?: ConstraintLine & { expr: ConstraintExpr };
  /** `//go:build` line that does not parse, with the error. */
  goBuildError?: { line: number; text: string; error: ConstraintSyntaxError };
  /** `// +build` lines that count (before the blank line that ends the header). */
  plusBuild: ConstraintLine[];
  /** `// +build` lines in the leading comments that do NOT count (no blank line after them). */
  ignoredPlusBuild: ConstraintLine[];
  /** Line number of the first line that is not a comment or blank (the package clause, or TEXT in asm). */
  bodyLine?: number;
  binaryOnly: boolean;
  /** Set when the header has more than one `//go:build` line (go/build rejects the file). */
  multipleGoBuild?: number;
}

/** Lines of a text, split on demand (the header is usually a few lines of a long file). */
function lazyLines(content: string): { length: number; get(n: number): string } {
  const starts: number[] = [0];
  let length = 1;
  for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) length++;
  return {
    length,
    get(n: number): string {
      while (starts.length <= n) {
        const prev = starts[starts.length - 1];
        const nl = content.indexOf('\n', prev);
        starts.push(nl < 0 ? content.length + 1 : nl + 1);
      }
      const start = starts[n];
      const nl = content.indexOf('\n', start);
      return content.slice(start, nl < 0 ? content.length : nl);
    },
  };
}

/**
 * Scans a file's header as go/build does (parseFileHeader + shouldBuild): the leading run of
 * `//` comments, blank lines and `/* *\/` comments. `//go:build` lines count anywhere in that
 * run (outside block comments); `// +build` lines only up to the last blank line before the
 * first non-`//` line.
 */
export function scanConstraintHeader(content: string): ConstraintHeader {
  // go/build's reader skips one leading byte-order mark.
  if (content.startsWith('\uFEFF')) content = content.slice(1);
  // Lines are split lazily: the header is usually a few lines of a long file.
  const lines = lazyLines(content);
  const header: ConstraintHeader = { plusBuild: [], ignoredPlusBuild: [], binaryOnly: false };
  let endLine = 0; // lines [0, endLine) are the part where +build lines count
  let ended = false;
  let inSlashStar = false;
  const candidates: ConstraintLine[] = [];

  scan: for (let n = 0; n < lines.length; n++) {
    let line = trimSpace(lines.get(n));
    if (line.length === 0 && !ended) {
      endLine = n + 1;
      continue;
    }
    if (!line.startsWith('//')) ended = true;
    if (!inSlashStar && isGoBuildComment(line)) {
      if (header.goBuild || header.goBuildError) {
        header.multipleGoBuild = n + 1;
      } else {
        const expr = splitGoBuildLine(line) ?? '';
        try {
          header.goBuild = { line: n + 1, text: line, expr: parseGoBuildExpr(expr) };
        } catch (e) {
          if (!(e instanceof ConstraintSyntaxError)) throw e;
          header.goBuildError = { line: n + 1, text: line, error: e };
        }
      }
    }
    if (!inSlashStar && line === '//go:binary-only-package') header.binaryOnly = true;
    if (!ended && line.startsWith('//') && line.includes('+build') && isPlusBuildLine(line)) {
      candidates.push({ line: n + 1, text: line });
    }
    while (line.length > 0) {
      if (inSlashStar) {
        const k = line.indexOf('*/');
        if (k < 0) continue scan;
        inSlashStar = false;
        line = trimSpace(line.slice(k + 2));
        continue;
      }
      if (line.startsWith('//')) continue scan;
      if (line.startsWith('/*')) {
        inSlashStar = true;
        line = trimSpace(line.slice(2));
        continue;
      }
      header.bodyLine = n + 1;
      break scan;
    }
  }
  for (const c of candidates) {
    let expr: ConstraintExpr | undefined;
    try {
      expr = parseConstraintLine(c.text);
    } catch {
      expr = undefined;
    }
    (c.line <= endLine ? header.plusBuild : header.ignoredPlusBuild).push({ ...c, expr });
  }
  return header;
}

function isGoBuildComment(line: string): boolean {
  if (!line.startsWith('//go:build')) return false;
  const rest = trimSpace(line).slice('//go:build'.length);
  return rest.length === 0 || trimSpace(rest).length < rest.length;
}

/**
 * The constraint that decides whether go/build includes the file: the `//go:build` line when
 * present, otherwise the AND of the counted `// +build` lines (unparsable ones are skipped);
 * undefined when the file has no constraint. Throws ConstraintHeaderError when go/build would
 * reject the file (two `//go:build` lines, or one that does not parse).
 */
export function fileConstraint(content: string): ConstraintExpr | undefined {
  return effectiveConstraint(scanConstraintHeader(content));
}

export function effectiveConstraint(h: ConstraintHeader): ConstraintExpr | undefined {
  if (h.multipleGoBuild !== undefined) {
    throw new ConstraintHeaderError(h.multipleGoBuild, 'multiple //go:build comments');
  }
  if (h.goBuildError) {
    throw new ConstraintHeaderError(h.goBuildError.line, `parsing //go:build line: ${h.goBuildError.error.reason}`);
  }
  if (h.goBuild) return h.goBuild.expr;
  let x: ConstraintExpr | undefined;
  for (const p of h.plusBuild) {
    if (!p.expr) continue;
    x = x ? andExpr(x, p.expr) : p.expr;
  }
  return x;
}

/**
 * Whether go/build would include the file for the context: the file-name rule (`_linux`,
 * `_arm64`, `_linux_arm64`, with `_test`) AND the header constraint. Works for `.go` and `.s`.
 * Throws ConstraintHeaderError for headers go/build rejects.
 */
export function fileMatches(fileName: string, content: string, ctx: ConstraintContext): boolean {
  if (!fileNameMatchesPlatform(fileName, ctx.goos, ctx.goarch)) return false;
  const x = fileConstraint(content);
  return x === undefined || evalConstraint(x, ctx);
}

/** Whether a tag names an OS, an arch or `unix` (a tag that restricts a file to platforms). */
export function isOsArchTag(tag: string): boolean {
  return tag === 'unix' || KNOWN_OS.has(tag) || KNOWN_ARCH.has(tag);
}

/**
 * Whether a Go file imports "C" (a cgo file). Looks at the import declarations only, with
 * comments removed (the cgo preamble is a comment).
 */
export function goFileImportsC(content: string): boolean {
  // Imports precede declarations; only the text before the first column-0 declaration matters.
  const firstDecl = /^(func|type|var|const)\b/m.exec(content);
  const prefix = firstDecl ? content.slice(0, firstDecl.index) : content;
  if (!prefix.includes('"C"')) return false;
  const noComments = prefix.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
  const decl = /^[ \t]*(func|type|var|const)\b/m.exec(noComments);
  const head = decl ? noComments.slice(0, decl.index) : noComments;
  for (const m of head.matchAll(/\bimport\s*(\(([^)]*)\)|[A-Za-z_.]*\s*"[^"]*")/g)) {
    const specs = m[2] ?? m[1];
    if (/(^|[\s;(])(?:[A-Za-z_.][\w.]*\s+)?"C"/.test(specs)) return true;
  }
  return false;
}

/**
 * Whether the go command compiles the file for the context: `fileMatches`, and for `.go` files
 * importing "C", cgo enabled (go/build drops cgo files when CGO_ENABLED=0).
 */
export function fileIncluded(fileName: string, content: string, ctx: ConstraintContext): boolean {
  if (!fileMatches(fileName, content, ctx)) return false;
  if (!ctx.cgo && fileName.endsWith('.go') && goFileImportsC(content)) return false;
  return true;
}

/**
 * Offsets of the `//` of every comment that starts a line (after spaces/tabs) in Go source,
 * skipping string, rune and raw-string literals and block comments.
 */
export function lineCommentStarts(src: string): number[] {
  const out: number[] = [];
  let i = 0;
  let lineStart = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      lineStart = ++i;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      if (/^[ \t]*$/.test(src.slice(lineStart, i))) out.push(i);
      const end = src.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      const nl = src.lastIndexOf('\n', stop - 1);
      if (nl >= i) lineStart = nl + 1;
      i = stop;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const stop = end < 0 ? n : end + 1;
      const nl = src.lastIndexOf('\n', stop - 1);
      if (nl >= i) lineStart = nl + 1;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      i = j < n && src[j] === c ? j + 1 : j;
      continue;
    }
    i++;
  }
  return out;
}
