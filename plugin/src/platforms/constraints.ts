/**
 * Go build constraints with the semantics of go/build/constraint and go/build:
 *
 *  - `//go:build` expressions (`||`, `&&`, `!`, parentheses, tags) and `// +build` lines
 *    (space = OR, comma = AND, `!` = NOT; several lines = AND) parse to one AST;
 *  - an AST prints the way Go prints a `//go:build` line (`formatConstraint`) and converts to
 *    `// +build` lines the way `constraint.PlusBuildLines` does (`plusBuildLines`);
 *  - evaluation knows Go's implied tags (GOOS/GOARCH with android⇒linux, illumos⇒solaris,
 *    ios⇒darwin, `unix`; the compiler `gc`; `cgo` when enabled; `go1.N` release tags; the
 *    architecture feature tags `amd64.v2`, `arm.7`, `arm64.v8.1`… of the variant);
 *  - header scanning follows go/build: constraints only count in the leading run of comments
 *    and blank lines before the package clause, `// +build` lines must be followed by a blank
 *    line, and a `//go:build` line, when present, wins over `// +build` lines.
 *
 * The same rules apply to `.go` and `.s` files. Pure functions: nothing here reads the disk.
 */
import { fileNameMatchesPlatform, KNOWN_ARCH, KNOWN_OS, matchesOsArchTag } from './known';
import { BUILTIN_GO_VERSION } from './dist-list';

export type ConstraintExpr =
  | { kind: 'tag'; tag: string }
  | { kind: 'not'; x: ConstraintExpr }
  | { kind: 'and'; x: ConstraintExpr; y: ConstraintExpr }
  | { kind: 'or'; x: ConstraintExpr; y: ConstraintExpr };

export const tagExpr = (tag: string): ConstraintExpr => ({ kind: 'tag', tag });
export const notExpr = (x: ConstraintExpr): ConstraintExpr => ({ kind: 'not', x });
export const andExpr = (x: ConstraintExpr, y: ConstraintExpr): ConstraintExpr => ({ kind: 'and', x, y });
export const orExpr = (x: ConstraintExpr, y: ConstraintExpr): ConstraintExpr => ({ kind: 'or', x, y });

/** A `//go:build` expression that does not parse. `offset` is the index in the expression text. */
export class ConstraintSyntaxError extends Error {
  readonly offset: number;
  readonly reason: string;
  constructor(offset: number, reason: string) {
    super(`${reason} (at offset ${offset})`);
    this.name = 'ConstraintSyntaxError';
    this.offset = offset;
    this.reason = reason;
  }
}

/** The expression has too many operators for `// +build` syntax, or cannot be written as `// +build` lines. */
export class ConstraintTooComplexError extends Error {
  constructor() {
    super('expression too complex for // +build lines');
    this.name = 'ConstraintTooComplexError';
  }
}

/** A line is neither a `//go:build` nor a `// +build` line. */
export class NotAConstraintError extends Error {
  constructor() {
    super('not a build constraint');
    this.name = 'NotAConstraintError';
  }
}

/** A file's header breaks go/build's rules (more than one `//go:build` line, or a bad one). */
export class ConstraintHeaderError extends Error {
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.name = 'ConstraintHeaderError';
    this.line = line;
  }
}

const MAX_SIZE = 1000;
const SPLIT_FIELDS_RE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/;
const MAX_OLD_SIZE = 100;

// Go's strings.TrimSpace trims unicode.IsSpace characters. String.prototype.trim differs: it
// also trims U+FEFF and does not trim U+0085.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const TRIM_RE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');
const trimSpace = (s: string): string => s.replace(TRIM_RE, '');

const TAG_CHAR = /[\p{L}\p{Nd}_.]/u;

/** Whether a word is a valid tag: non-empty, only letters, digits, `_` and `.`. */
export function isValidTag(word: string): boolean {
  if (word === '') return false;
  for (const c of word) if (!TAG_CHAR.test(c)) return false;
  return true;
}

function stripOneNewline(line: string): string | undefined {
  if (line.endsWith('\n')) line = line.slice(0, -1);
  return line.includes('\n') ? undefined : line;
}

/** The expression text of a `//go:build` line, or undefined if the line is not one. */
export function splitGoBuildLine(line: string): string | undefined {
  const l = stripOneNewline(line);
  if (l === undefined || !l.startsWith('//go:build')) return undefined;
  const rest = trimSpace(l).slice('//go:build'.length);
  const trim = trimSpace(rest);
  if (rest.length === trim.length && rest !== '') return undefined; // //go:buildfoo
  return trim;
}

/** The text after `+build` of a `// +build` line, or undefined if the line is not one. */
export function splitPlusBuildLine(line: string): string | undefined {
  const l = stripOneNewline(line);
  if (l === undefined || !l.startsWith('//')) return undefined;
  const body = trimSpace(l.slice(2));
  if (!body.startsWith('+build')) return undefined;
  const rest = body.slice('+build'.length);
  const trim = trimSpace(rest);
  if (rest.length === trim.length && rest !== '') return undefined;
  return trim;
}

export const isGoBuildLine = (line: string): boolean => splitGoBuildLine(line) !== undefined;
export const isPlusBuildLine = (line: string): boolean => splitPlusBuildLine(line) !== undefined;

/** Parses a whole `//go:build …` or `// +build …` line (as constraint.Parse). */
export function parseConstraintLine(line: string): ConstraintExpr {
  const goBuild = splitGoBuildLine(line);
  if (goBuild !== undefined) return parseGoBuildExpr(goBuild);
  const plusBuild = splitPlusBuildLine(line);
  if (plusBuild !== undefined) return parsePlusBuildExpr(plusBuild);
  throw new NotAConstraintError();
}

/** Parses the expression of a `//go:build` line. Throws ConstraintSyntaxError. */
export function parseGoBuildExpr(text: string): ConstraintExpr {
  let i = 0; // next read position
  let tok = ''; // last token read
  let isTag = false;
  let pos = 0; // start of last token
  let size = 0;

  const lex = (): void => {
    isTag = false;
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i >= text.length) {
      tok = '';
      pos = i;
      return;
    }
    const c = text[i];
    if (c === '(' || c === ')' || c === '!') {
      pos = i++;
      tok = c;
      return;
    }
    if (c === '&' || c === '|') {
      if (i + 1 >= text.length || text[i + 1] !== c) throw new ConstraintSyntaxError(i, `invalid syntax at ${c}`);
      pos = i;
      i += 2;
      tok = c + c;
      return;
    }
    let j = i;
    while (j < text.length) {
      const cp = text.codePointAt(j)!;
      const ch = String.fromCodePoint(cp);
      if (!TAG_CHAR.test(ch)) break;
      j += ch.length;
    }
    if (j === i) {
      throw new ConstraintSyntaxError(i, `invalid syntax at ${String.fromCodePoint(text.codePointAt(i)!)}`);
    }
    pos = i;
    tok = text.slice(i, j);
    i = j;
    isTag = true;
  };

  const or = (): ConstraintExpr => {
    let x = and();
    while (tok === '||') x = orExpr(x, and());
    return x;
  };
  const and = (): ConstraintExpr => {
    let x = not();
    while (tok === '&&') x = andExpr(x, not());
    return x;
  };
  const not = (): ConstraintExpr => {
    if (++size > MAX_SIZE) throw new ConstraintSyntaxError(pos, 'build expression too large');
    lex();
    if (tok === '!') {
      lex();
      if (tok === '!') throw new ConstraintSyntaxError(pos, 'double negation not allowed');
      return notExpr(atom());
    }
    return atom();
  };
  const atom = (): ConstraintExpr => {
    if (tok === '(') {
      const open = pos;
      let x: ConstraintExpr;
      try {
        x = or();
      } catch (e) {
        if (e instanceof ConstraintSyntaxError && e.reason === 'unexpected end of expression') {
          throw new ConstraintSyntaxError(e.offset, 'missing close paren');
        }
        throw e;
      }
      if ((tok as string) !== ')') throw new ConstraintSyntaxError(open, 'missing close paren');
      lex();
      return x;
    }
    if (!isTag) {
      if (tok === '') throw new ConstraintSyntaxError(pos, 'unexpected end of expression');
      throw new ConstraintSyntaxError(pos, `unexpected token ${tok}`);
    }
    const t = tok;
    lex();
    return tagExpr(t);
  };

  const x = or();
  if (tok !== '') throw new ConstraintSyntaxError(pos, `unexpected token ${tok}`);
  return x;
}

/**
 * Parses the text of one `// +build` line: space-separated clauses are ORed, comma-separated
 * literals ANDed, `!x` negates. Invalid literals become the never-set tag `ignore`, as in Go.
 */
export function parsePlusBuildExpr(text: string): ConstraintExpr {
  let size = 0;
  let x: ConstraintExpr | undefined;
  for (const clause of text.split(SPLIT_FIELDS_RE).filter((f) => f !== '')) {
    let y: ConstraintExpr | undefined;
    for (let lit of clause.split(',')) {
      let z: ConstraintExpr;
      if (lit.startsWith('!!') || lit === '!') {
        z = tagExpr('ignore');
      } else {
        const neg = lit.startsWith('!');
        if (neg) lit = lit.slice(1);
        z = tagExpr(isValidTag(lit) ? lit : 'ignore');
        if (neg) z = notExpr(z);
      }
      if (y === undefined) y = z;
      else {
        if (++size > MAX_OLD_SIZE) throw new ConstraintTooComplexError();
        y = andExpr(y, z);
      }
    }
    if (x === undefined) x = y!;
    else {
      if (++size > MAX_OLD_SIZE) throw new ConstraintTooComplexError();
      x = orExpr(x, y!);
    }
  }
  return x ?? tagExpr('ignore');
}

/** Prints an expression as Go prints it on a `//go:build` line (without the prefix). */
export function formatConstraint(x: ConstraintExpr): string {
  switch (x.kind) {
    case 'tag':
      return x.tag;
    case 'not': {
      const s = formatConstraint(x.x);
      return x.x.kind === 'and' || x.x.kind === 'or' ? `!(${s})` : `!${s}`;
    }
    case 'and':
      return `${operand(x.x, 'or')} && ${operand(x.y, 'or')}`;
    case 'or':
      return `${operand(x.x, 'and')} || ${operand(x.y, 'and')}`;
  }
}

/** Go parenthesises an OR inside an AND and, for clarity, an AND inside an OR. */
function operand(x: ConstraintExpr, parenthesise: 'and' | 'or'): string {
  const s = formatConstraint(x);
  return x.kind === parenthesise ? `(${s})` : s;
}

/** The full `//go:build` line for an expression. */
export function goBuildLine(x: ConstraintExpr): string {
  return `//go:build ${formatConstraint(x)}`;
}

/**
 * The `// +build` lines equivalent to an expression, as constraint.PlusBuildLines writes them:
 * NOTs pushed to the leaves, then an AND (one line each) of ORs (space) of ANDs (comma) of
 * literals; when no line needs an OR, all literals go on one line. Throws
 * ConstraintTooComplexError when the expression does not have that shape.
 */
export function plusBuildLines(x: ConstraintExpr): string[] {
  x = pushNot(x, false);
  let split: ConstraintExpr[][][] = [];
  for (const orPart of splitOp(x, 'and')) {
    const ands: ConstraintExpr[][] = [];
    for (const andPart of splitOp(orPart, 'or')) {
      const lits: ConstraintExpr[] = [];
      for (const lit of splitOp(andPart, 'and')) {
        if (lit.kind !== 'tag' && lit.kind !== 'not') throw new ConstraintTooComplexError();
        lits.push(lit);
      }
      ands.push(lits);
    }
    split.push(ands);
  }
  if (Math.max(...split.map((o) => o.length)) === 1) {
    split = [[split.flatMap((o) => o[0])]];
  }
  return split.map((o) => '// +build ' + o.map((a) => a.map(formatConstraint).join(',')).join(' '));
}

function pushNot(x: ConstraintExpr, not: boolean): ConstraintExpr {
  switch (x.kind) {
    case 'not':
      if (x.x.kind === 'tag' && !not) return x;
      return pushNot(x.x, !not);
    case 'tag':
      return not ? notExpr(x) : x;
    case 'and': {
      const a = pushNot(x.x, not);
      const b = pushNot(x.y, not);
      return not ? orExpr(a, b) : andExpr(a, b);
    }
    case 'or': {
      const a = pushNot(x.x, not);
      const b = pushNot(x.y, not);
      return not ? andExpr(a, b) : orExpr(a, b);
    }
  }
}

function splitOp(x: ConstraintExpr, op: 'and' | 'or', out: ConstraintExpr[] = []): ConstraintExpr[] {
  if (x.kind === op) {
    splitOp(x.x, op, out);
    splitOp(x.y, op, out);
  } else out.push(x);
  return out;
}

/** All tags an expression mentions, in first-appearance order. */
export function constraintTags(x: ConstraintExpr, out: string[] = []): string[] {
  if (x.kind === 'tag') {
    if (!out.includes(x.tag)) out.push(x.tag);
  } else if (x.kind === 'not') constraintTags(x.x, out);
  else {
    constraintTags(x.x, out);
    constraintTags(x.y, out);
  }
  return out;
}

/**
 * The minimum Go version the expression implies (as constraint.GoVersion): `go1.21` for
 * `go1.21 && linux`, '' when it implies none.
 */
export function constraintGoVersion(x: ConstraintExpr): string {
  const v = minVersion(x, 1);
  if (v < 0) return '';
  return v === 0 ? 'go1' : `go1.${v}`;
}

function minVersion(z: ConstraintExpr, sign: number): number {
  switch (z.kind) {
    case 'and':
    case 'or': {
      const a = minVersion(z.x, sign);
      const b = minVersion(z.y, sign);
      const useMax = (z.kind === 'and') === sign > 0;
      return useMax ? Math.max(a, b) : Math.min(a, b);
    }
    case 'not':
      return minVersion(z.x, -sign);
    case 'tag': {
      if (sign < 0) return -1;
      if (z.tag === 'go1') return 0;
      const k = z.tag.indexOf('go1.');
      if (k < 0) return -1;
      const v = z.tag.slice(k + 4);
      return /^[+-]?\d+$/.test(v) ? Number(v) : -1;
    }
  }
}

/** What a constraint is evaluated against. */
export interface ConstraintContext {
  goos: string;
  goarch: string;
  /** Custom tags (`-tags`). */
  tags?: readonly string[];
  /** Whether cgo is enabled (the `cgo` tag). Default false. */
  cgo?: boolean;
  /** Go version for the `go1.N` release tags, e.g. `go1.26` or `1.26.3`. Default: the built-in Go version. */
  goVersion?: string;
  /** Compiler tag. Default `gc`. */
  compiler?: string;
  /** Value of the arch's variant variable (GOAMD64=v3 → 'v3'); default: Go's default for the arch. */
  variant?: string;
  /** Extra tool tags, e.g. `goexperiment.*`. */
  toolTags?: readonly string[];
}

const DEFAULT_VARIANT: Readonly<Record<string, string>> = {
  '386': 'sse2',
  amd64: 'v1',
  arm: '7',
  arm64: 'v8.0',
  mips: 'hardfloat',
  mipsle: 'hardfloat',
  mips64: 'hardfloat',
  mips64le: 'hardfloat',
  ppc64: 'power8',
  ppc64le: 'power8',
  riscv64: 'rva20u64',
};

/** The architecture feature tags the go command sets for an arch and variant (internal/buildcfg). */
export function archFeatureTags(goarch: string, variant?: string): string[] {
  const v = (variant ?? DEFAULT_VARIANT[goarch] ?? '').split(',')[0];
  const out: string[] = [];
  switch (goarch) {
    case '386':
    case 'mips':
    case 'mipsle':
    case 'mips64':
    case 'mips64le':
      if (v) out.push(`${goarch}.${v}`);
      break;
    case 'amd64': {
      const n = Number(v.replace(/^v/, '')) || 1;
      for (let i = 1; i <= n; i++) out.push(`amd64.v${i}`);
      break;
    }
    case 'arm': {
      const n = Number(v) || 7;
      for (let i = 5; i <= n; i++) out.push(`arm.${i}`);
      break;
    }
    case 'arm64': {
      const m = /^v(\d)\.(\d)$/.exec(v) ?? ['', '8', '0'];
      const major = Number(m[1]);
      const minor = Number(m[2]);
      for (let i = 0; i <= minor; i++) out.push(`arm64.v${major}.${i}`);
      if (major === 9) for (let i = 0; i <= minor + 5 && i <= 9; i++) out.push(`arm64.v8.${i}`);
      break;
    }
    case 'ppc64':
    case 'ppc64le': {
      const n = Number(v.replace(/^power/, '')) || 8;
      for (let i = 8; i <= n; i++) out.push(`${goarch}.power${i}`);
      break;
    }
    case 'riscv64': {
      const n = Number(v.replace(/^rva(\d+)u64$/, '$1')) || 20;
      out.push('riscv64.rva20u64');
      if (n >= 22) out.push('riscv64.rva22u64');
      if (n >= 23) out.push('riscv64.rva23u64');
      break;
    }
    case 'wasm':
      out.push('wasm.satconv', 'wasm.signext');
      break;
  }
  return out;
}

function releaseMinor(goVersion: string | undefined): number {
  const m = /^(?:go)?1\.(\d+)/.exec(goVersion ?? BUILTIN_GO_VERSION);
  return m ? Number(m[1]) : 0;
}

/** Whether one tag is satisfied in the context (go/build's matchTag). */
export function matchConstraintTag(tag: string, ctx: ConstraintContext): boolean {
  if (tag === 'cgo' && ctx.cgo) return true;
  if (tag === (ctx.compiler ?? 'gc')) return true;
  if (matchesOsArchTag(tag, ctx.goos, ctx.goarch)) return true;
  if (tag === 'boringcrypto') tag = 'goexperiment.boringcrypto';
  if (ctx.tags?.includes(tag) || ctx.toolTags?.includes(tag)) return true;
  if (archFeatureTags(ctx.goarch, ctx.variant).includes(tag)) return true;
  const m = /^go1\.(\d+)$/.exec(tag);
  if (m && !m[1].startsWith('0') && Number(m[1]) >= 1 && Number(m[1]) <= releaseMinor(ctx.goVersion)) return true;
  return false;
}

/**
 * Evaluates an expression. Like Go, both sides of && and || are evaluated, so `seen`
 * (when given) receives every tag the expression mentions.
 */
export function evalConstraint(x: ConstraintExpr, ctx: ConstraintContext, seen?: Set<string>): boolean {
  switch (x.kind) {
    case 'tag':
      seen?.add(x.tag);
      return matchConstraintTag(x.tag, ctx);
    case 'not':
      return !evalConstraint(x.x, ctx, seen);
    case 'and': {
      const a = evalConstraint(x.x, ctx, seen);
      const b = evalConstraint(x.y, ctx, seen);
      return a && b;
    }
    case 'or': {
      const a = evalConstraint(x.x, ctx, seen);
      const b = evalConstraint(x.y, ctx, seen);
      return a || b;
    }
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
