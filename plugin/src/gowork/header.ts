/**
 * Reads the package clause and the import declarations of a Go source file without a Go
 * parser: a small tokenizer that skips comments and whitespace, reads `package <name>`, then
 * every `import "p"`, `import name "p"` and `import ( ... )` declaration, and stops at the first
 * token that starts any other declaration (as go/build's import reader does).
 */
import { readGoString } from './tokens';

export interface GoImport {
  path: string;
  /** `_`, `.` or an identifier when the import is named. */
  name?: string;
}

export interface GoFileHeader {
  /** Undefined when the file has no package clause (not a Go file go would build). */
  packageName?: string;
  imports: GoImport[];
  /**
   * False when the text ran out before the header ended (the token that ended it touched the end
   * of the text): the header of a longer file read only in part needs the rest.
   */
  complete: boolean;
}

type Tok = { kind: 'ident'; value: string } | { kind: 'string'; value: string } | { kind: 'punct'; value: string } | { kind: 'eof' };

const IDENT_START_U = /[\p{L}_]/u;
const IDENT_PART_U = /[\p{L}\p{N}_]/u;

function identStart(c: string): boolean {
  const n = c.charCodeAt(0);
  if (n < 128) return (n >= 97 && n <= 122) || (n >= 65 && n <= 90) || n === 95;
  return IDENT_START_U.test(c);
}

function identPart(c: string): boolean {
  const n = c.charCodeAt(0);
  if (n < 128) return (n >= 97 && n <= 122) || (n >= 65 && n <= 90) || (n >= 48 && n <= 57) || n === 95;
  return IDENT_PART_U.test(c);
}

class Lexer {
  i = 0;
  constructor(private readonly s: string) {
    if (s.charCodeAt(0) === 0xfeff) this.i = 1;
  }

  next(): Tok {
    const s = this.s;
    for (;;) {
      if (this.i >= s.length) return { kind: 'eof' };
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';') {
        this.i++;
        continue;
      }
      if (c === '/' && s[this.i + 1] === '/') {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl + 1;
        continue;
      }
      if (c === '/' && s[this.i + 1] === '*') {
        const end = s.indexOf('*/', this.i + 2);
        this.i = end < 0 ? s.length : end + 2;
        continue;
      }
      break;
    }
    const c = s[this.i];
    if (c === '"' || c === '`') {
      const r = readGoString(s, this.i);
      this.i = r.end;
      return { kind: 'string', value: r.value };
    }
    if (identStart(c)) {
      let j = this.i + 1;
      while (j < s.length && identPart(s[j])) j++;
      const value = s.slice(this.i, j);
      this.i = j;
      return { kind: 'ident', value };
    }
    this.i++;
    return { kind: 'punct', value: c };
  }
}

/** Package name and imports of one Go file. Never throws; a malformed header yields what was read. */
export function parseGoFileHeader(content: string): GoFileHeader {
  const lx = new Lexer(content);
  const header: GoFileHeader = { imports: [], complete: false };
  const done = (): GoFileHeader => {
    header.complete = lx.i < content.length;
    return header;
  };
  let t = lx.next();
  if (t.kind !== 'ident' || t.value !== 'package') return done();
  t = lx.next();
  if (t.kind !== 'ident') return done();
  header.packageName = t.value;
  t = lx.next();
  while (t.kind === 'ident' && t.value === 'import') {
    t = lx.next();
    if (t.kind === 'punct' && t.value === '(') {
      t = lx.next();
      while (!(t.kind === 'punct' && t.value === ')') && t.kind !== 'eof') {
        const spec = readSpec(lx, t);
        if (!spec) return done();
        header.imports.push(spec.imp);
        t = spec.next;
      }
      t = lx.next();
    } else {
      const spec = readSpec(lx, t);
      if (!spec) return done();
      header.imports.push(spec.imp);
      t = spec.next;
    }
  }
  return done();
}

function readSpec(lx: Lexer, t: Tok): { imp: GoImport; next: Tok } | undefined {
  let name: string | undefined;
  if (t.kind === 'ident') {
    name = t.value;
    t = lx.next();
  } else if (t.kind === 'punct' && t.value === '.') {
    name = '.';
    t = lx.next();
  }
  if (t.kind !== 'string') return undefined;
  const imp: GoImport = { path: t.value };
  if (name !== undefined) imp.name = name;
  return { imp, next: lx.next() };
}

/** The package clause's name of a Go source text (comments before it skipped), or undefined when it has none. */
export function packageClause(content: string): string | undefined {
  return parseGoFileHeader(content).packageName;
}
