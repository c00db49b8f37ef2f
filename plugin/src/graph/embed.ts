/**
 * `//go:embed` directives: which files a Go file pulls into the binary, resolved as the go
 * command resolves them (cmd/go/internal/load resolveEmbed, and the rules in the embed package
 * documentation):
 *
 *   - patterns are `path.Match` globs relative to the package directory, several per line,
 *     bare or quoted ("..." or `...`);
 *   - a match that is a file is embedded whatever its name;
 *   - a match that is a directory embeds every file below it, except files and directories whose
 *     names start with `.` or `_` (kept with the `all:` prefix), directories holding another
 *     module (a go.mod) and version-control directories (.git, .hg, .svn, .bzr).
 *
 * Only files that import "embed" can carry directives, so only those are read in full.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGoIgnoredName } from '../gowork/ignore';
import { splitGoLine } from '../gowork/tokens';

/** Above this many files, a directory is listed as `dir/**` (a superset) instead of file by file. */
export const MAX_LISTED_EMBED_FILES = 200;

/** Patterns of the `//go:embed` lines of a Go source file, in order (prefix `all:` kept). */
export function embedPatterns(content: string): string[] {
  const out: string[] = [];
  let i = content.indexOf('//go:embed');
  while (i >= 0) {
    // Directive only at the start of a line (after indentation), followed by space or tab.
    const lineStart = content.lastIndexOf('\n', i - 1) + 1;
    const before = content.slice(lineStart, i);
    const after = content[i + 10];
    if (/^[ \t]*$/.test(before) && (after === ' ' || after === '\t')) {
      const nl = content.indexOf('\n', i);
      const line = content.slice(i + 10, nl < 0 ? content.length : nl).replace(/\r$/, '');
      out.push(...splitEmbedArgs(line));
    }
    i = content.indexOf('//go:embed', i + 10);
  }
  return out;
}

/** Splits a directive's arguments: bare words, "interpreted" and `raw` strings (`//` is text here, not a comment). */
export function splitEmbedArgs(line: string): string[] {
  return splitGoLine(line).tokens;
}

/** path.Match for one path element as a RegExp (`*`, `?`, `[...]`, `[^...]`, `\` escapes). */
function elementRegExp(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pat.length) re += escapeRe(pat[++i]);
    else if (c === '[') {
      const end = pat.indexOf(']', i + 2);
      if (end < 0) return /(?!)/;
      let cls = pat.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\(.)/g, '\\$1')}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const hasMeta = (s: string): boolean => /[*?[\\]/.test(s);
const VCS = new Set(['.git', '.hg', '.svn', '.bzr']);

/**
 * Files (relative to the package directory, `/` separators) the patterns embed, or `dir/**` for a
 * directory with more than MAX_LISTED_EMBED_FILES files. Patterns that match nothing are skipped
 * (go reports them when it builds).
 */
export function resolveEmbedPatterns(absPkgDir: string, patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of patterns) {
    const all = raw.startsWith('all:');
    const pat = all ? raw.slice(4) : raw;
    if (!pat || pat.startsWith('/') || pat.endsWith('/')) continue;
    const elems = pat.split('/');
    if (elems.some((e) => e === '' || e === '.' || e === '..')) continue;
    for (const m of globElements(absPkgDir, '', elems)) {
      let st: fs.Stats;
      try {
        st = fs.statSync(path.join(absPkgDir, m));
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        const files: string[] = [];
        let overflow = false;
        walkEmbedDir(absPkgDir, m, all, files, () => {
          overflow = files.length > MAX_LISTED_EMBED_FILES;
          return overflow;
        });
        if (overflow) out.add(`${m}/**`);
        else for (const f of files) out.add(f);
      } else out.add(m);
    }
  }
  return [...out].sort();
}

function globElements(absBase: string, rel: string, elems: string[]): string[] {
  const [head, ...rest] = elems;
  let names: string[];
  if (!hasMeta(head)) {
    names = [head.replace(/\\(.)/g, '$1')];
  } else {
    const re = elementRegExp(head);
    try {
      names = fs.readdirSync(path.join(absBase, rel)).filter((n) => re.test(n)).sort();
    } catch {
      return [];
    }
  }
  const out: string[] = [];
  for (const n of names) {
    const r = rel ? `${rel}/${n}` : n;
    if (rest.length === 0) {
      if (fs.existsSync(path.join(absBase, r))) out.push(r);
    } else {
      out.push(...globElements(absBase, r, rest));
    }
  }
  return out;
}

function walkEmbedDir(absBase: string, rel: string, all: boolean, files: string[], full: () => boolean): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(absBase, rel), { withFileTypes: true });
  } catch {
    return;
  }
  if (entries.some((e) => e.name === 'go.mod' && e.isFile()) && rel !== '') {
    // A directory of another module is not embedded (go skips it).
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (full()) return;
    if (VCS.has(e.name)) continue;
    if (!all && isGoIgnoredName(e.name)) continue;
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) walkEmbedDir(absBase, r, all, files, full);
    else if (e.isFile()) files.push(r);
  }
}
