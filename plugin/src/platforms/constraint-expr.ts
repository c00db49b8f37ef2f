/**
 * Go build constraint expressions with the semantics of go/build/constraint:
 *
 *  - `//go:build` expressions (`||`, `&&`, `!`, parentheses, tags) and `// +build` lines
 *    (space = OR, comma = AND, `!` = NOT; several lines = AND) parse to one AST;
 *  - an AST prints the way Go prints a `//go:build` line (`formatConstraint`) and converts to
 *    `// +build` lines the way `constraint.PlusBuildLines` does (`plusBuildLines`);
 *  - evaluation knows Go's implied tags (GOOS/GOARCH with android⇒linux, illumos⇒solaris,
 *    ios⇒darwin, `unix`; the compiler `gc`; `cgo` when enabled; `go1.N` release tags; the
 *    architecture feature tags `amd64.v2`, `arm.7`, `arm64.v8.1`… of the variant).
 *
 * File headers are scanned in constraint-header.ts. Pure functions: nothing here reads the disk.
 */
import { matchesOsArchTag } from './known';
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

const MAX_SIZE = 1000;
const SPLIT_FIELDS_RE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/;
const MAX_OLD_SIZE = 100;

// Go's strings.TrimSpace trims unicode.IsSpace characters. String.prototype.trim differs: it
// also trims U+FEFF and does not trim U+0085.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const TRIM_RE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');
/** Go's strings.TrimSpace. */
export const trimSpace = (s: string): string => s.replace(TRIM_RE, '');

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
