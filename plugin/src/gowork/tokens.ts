/**
 * Go string literals and the word splitting of line-oriented Go syntax (go.mod and go.work
 * directives, `//go:embed` arguments). One reader of `"interpreted"` and `` `raw` `` strings
 * serves the file-header lexer, the modfile parser and the embed directive.
 */

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

export interface GoStringRead {
  value: string;
  /** Index just past the closing quote (or the end of the line or text when it is missing). */
  end: number;
  /** False when the literal runs to the end of the line or text without its closing quote. */
  closed: boolean;
}

/**
 * Reads the Go string literal that starts at `s[i]` (`"` or `` ` ``), decoding the escapes of an
 * interpreted string (`\n`, `\x41`, `\u00e9`, `\101`, …). An interpreted string ends at its line.
 */
export function readGoString(s: string, i: number): GoStringRead {
  if (s[i] === '`') {
    const j = s.indexOf('`', i + 1);
    const stop = j < 0 ? s.length : j;
    return { value: s.slice(i + 1, stop), end: stop + 1, closed: j >= 0 };
  }
  let j = i + 1;
  let out = '';
  while (j < s.length && s[j] !== '"' && s[j] !== '\n') {
    if (s[j] === '\\' && j + 1 < s.length) {
      const e = s[j + 1];
      if (e in SIMPLE_ESCAPES) {
        out += SIMPLE_ESCAPES[e];
        j += 2;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        out += String.fromCodePoint(parseInt(s.slice(j + 2, j + 2 + n), 16) || 0);
        j += 2 + n;
      } else if (/[0-7]/.test(e)) {
        out += String.fromCharCode(parseInt(s.slice(j + 1, j + 4), 8));
        j += 4;
      } else {
        out += e;
        j += 2;
      }
    } else {
      out += s[j++];
    }
  }
  return { value: out, end: j + 1, closed: s[j] === '"' };
}

export interface SplitOptions {
  /** `//` starts a comment that ends the line (go.mod, go.work); in a `//go:embed` line it is text. */
  lineComments?: boolean;
  /** `(` and `)` are tokens of their own (go.mod and go.work blocks). */
  parens?: boolean;
}

export interface SplitResult {
  tokens: string[];
  /** A quoted token whose closing quote is missing. */
  unterminated?: true;
}

/** Splits one line into bare words and string literals (decoded), as modfile's lexer and go/build's embed reader do. */
export function splitGoLine(line: string, opts: SplitOptions = {}): SplitResult {
  const out: string[] = [];
  let unterminated = false;
  const stops = opts.parens ? ' \t\r"`()' : ' \t\r';
  const commentAt = (j: number): boolean => !!opts.lineComments && line[j] === '/' && line[j + 1] === '/';
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (commentAt(i)) {
      break;
    } else if (c === '"' || c === '`') {
      const r = readGoString(line, i);
      if (!r.closed) unterminated = true;
      out.push(r.value);
      i = r.end;
    } else if (opts.parens && (c === '(' || c === ')')) {
      out.push(c);
      i++;
    } else {
      let j = i;
      while (j < line.length && !stops.includes(line[j]) && !commentAt(j)) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return unterminated ? { tokens: out, unterminated: true } : { tokens: out };
}

/** The 25 keywords of the Go language (https://go.dev/ref/spec#Keywords). */
export const GO_KEYWORDS: ReadonlySet<string> = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func',
  'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct',
  'switch', 'type', 'var',
]);
