/**
 * Reads the package clause and the import declarations of a Go source file without a Go
 * parser: a small tokenizer that skips comments and whitespace, reads `package <name>`, then
 * every `import "p"`, `import name "p"` and `import ( ... )` declaration, and stops at the first
 * token that starts any other declaration (as go/build's import reader does).
 */

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
    if (c === '"') return { kind: 'string', value: this.interpreted() };
    if (c === '`') {
      const end = s.indexOf('`', this.i + 1);
      const stop = end < 0 ? s.length : end;
      const value = s.slice(this.i + 1, stop);
      this.i = stop + 1;
      return { kind: 'string', value };
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

  private interpreted(): string {
    const s = this.s;
    let j = this.i + 1;
    let out = '';
    while (j < s.length && s[j] !== '"' && s[j] !== '\n') {
      if (s[j] === '\\' && j + 1 < s.length) {
        const e = s[j + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (e in simple) {
          out += simple[e];
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
    this.i = j + 1;
    return out;
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
