/**
 * Minimal go.mod / go.work readers: the directives the project graph needs (`module`, `go`,
 * `use`, `replace`). Syntax as in golang.org/x/mod/modfile: one directive per line or a
 * parenthesised block, `//` comments, quoted or bare tokens.
 */

export interface Replace {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string;
}

export interface GoMod {
  module?: string;
  go?: string;
  replaces: Replace[];
}

export interface GoWork {
  go?: string;
  /** Directories as written (relative to the go.work directory, or absolute). */
  use: string[];
  replaces: Replace[];
}

/** Splits a directive line into tokens: bare words and Go string literals ("..." or `...`). */
function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && line[i + 1] === '/') {
      break;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') {
        if (line[j] === '\\' && j + 1 < line.length) {
          s += line[j + 1];
          j += 2;
        } else {
          s += line[j++];
        }
      }
      out.push(s);
      i = j + 1;
    } else if (c === '`') {
      const j = line.indexOf('`', i + 1);
      const end = j < 0 ? line.length : j;
      out.push(line.slice(i + 1, end));
      i = end + 1;
    } else if (c === '(' || c === ')') {
      out.push(c);
      i++;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`()'.includes(line[j]) && !(line[j] === '/' && line[j + 1] === '/')) j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** Each directive as [verb, ...args], with block entries expanded to the block's verb. */
function directives(text: string): string[][] {
  const out: string[][] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const t = tokens(raw);
    if (t.length === 0) continue;
    if (block !== undefined) {
      if (t[0] === ')') {
        block = undefined;
        continue;
      }
      out.push([block, ...t]);
      continue;
    }
    if (t.length === 2 && t[1] === '(') {
      block = t[0];
      continue;
    }
    if (t.length >= 3 && t[1] === '(' && t[t.length - 1] === ')') {
      // `use ( ./a )` on one line
      out.push([t[0], ...t.slice(2, -1)]);
      continue;
    }
    out.push(t);
  }
  return out;
}

function parseReplace(args: string[]): Replace | undefined {
  const arrow = args.indexOf('=>');
  if (arrow < 1 || arrow > 2 || args.length <= arrow + 1) return undefined;
  const r: Replace = { oldPath: args[0], newPath: args[arrow + 1] };
  if (arrow === 2) r.oldVersion = args[1];
  if (args.length > arrow + 2) r.newVersion = args[arrow + 2];
  return r;
}

export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { replaces: [] };
  for (const [verb, ...args] of directives(text)) {
    if (verb === 'module' && args[0]) mod.module = args[0];
    else if (verb === 'go' && args[0]) mod.go = args[0];
    else if (verb === 'replace') {
      const r = parseReplace(args);
      if (r) mod.replaces.push(r);
    }
  }
  return mod;
}

export function parseGoWork(text: string): GoWork {
  const work: GoWork = { use: [], replaces: [] };
  for (const [verb, ...args] of directives(text)) {
    if (verb === 'use' && args[0]) work.use.push(args[0]);
    else if (verb === 'go' && args[0]) work.go = args[0];
    else if (verb === 'replace') {
      const r = parseReplace(args);
      if (r) work.replaces.push(r);
    }
  }
  return work;
}

/** A replacement target that is a directory (starts with ./ ../ or /), as modfile.IsDirectoryPath. */
export function isLocalReplacement(newPath: string): boolean {
  return (
    newPath === '.' ||
    newPath === '..' ||
    newPath.startsWith('./') ||
    newPath.startsWith('../') ||
    newPath.startsWith('/') ||
    /^[A-Za-z]:[\\/]/.test(newPath) ||
    newPath.startsWith('.\\') ||
    newPath.startsWith('..\\')
  );
}
