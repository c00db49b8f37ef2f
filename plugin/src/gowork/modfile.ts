/**
 * Minimal go.mod / go.work readers: the directives the project graph needs (`module`, `go`,
 * `use`, `replace`). Syntax as in golang.org/x/mod/modfile: one directive per line or a
 * parenthesised block, `//` comments, quoted or bare tokens. Lines go would reject (an unknown
 * directive, an unclosed block or string, a malformed `module` or `go` line) are listed as
 * `problems`; the rest is still read.
 */
import { splitGoLine } from './tokens';

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
  /** Lines go rejects; absent when there are none. Parsing goes on past them. */
  problems?: ModFileProblem[];
}

export interface GoWork {
  go?: string;
  /** Directories as written (relative to the go.work directory, or absolute). */
  use: string[];
  /** The line of each `use` entry (same order as `use`). */
  useLines: number[];
  replaces: Replace[];
  problems?: ModFileProblem[];
}

/** A go.mod or go.work line go would reject (the go command reports it as `go.mod:<line>: <message>`). */
export interface ModFileProblem {
  line: number;
  message: string;
}

const GO_MOD_VERBS = new Set(['module', 'go', 'toolchain', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);
const GO_WORK_VERBS = new Set(['go', 'toolchain', 'godebug', 'use', 'replace']);

/** Each directive as [verb, ...args] with its line, block entries expanded to the block's verb; and what go would reject. */
function directives(text: string, verbs: ReadonlySet<string>): { list: { line: number; args: string[] }[]; problems: ModFileProblem[] } {
  const list: { line: number; args: string[] }[] = [];
  const problems: ModFileProblem[] = [];
  let block: { verb: string; line: number } | undefined;
  const verb = (v: string, line: number): void => {
    if (!verbs.has(v)) problems.push({ line, message: `unknown directive: ${v}` });
  };
  text.split('\n').forEach((raw, n) => {
    const line = n + 1;
    const split = splitGoLine(raw, { lineComments: true, parens: true });
    const t = split.tokens;
    if (split.unterminated) problems.push({ line, message: 'unterminated quoted string' });
    if (t.length === 0) return;
    if (block !== undefined) {
      if (t[0] === ')') {
        block = undefined;
        return;
      }
      list.push({ line, args: [block.verb, ...t] });
      return;
    }
    if (t[0] === ')') {
      problems.push({ line, message: 'unexpected )' });
      return;
    }
    if (t.length === 2 && t[1] === '(') {
      verb(t[0], line);
      block = { verb: t[0], line };
      return;
    }
    verb(t[0], line);
    if (t.length >= 3 && t[1] === '(' && t[t.length - 1] === ')') {
      // `use ( ./a )` on one line
      list.push({ line, args: [t[0], ...t.slice(2, -1)] });
      return;
    }
    list.push({ line, args: t });
  });
  if (block !== undefined) problems.push({ line: block.line, message: `${block.verb} block is not closed: missing )` });
  return { list, problems };
}

/** `1.22`, `1.22.3`, `1.23rc1`: the spellings go accepts on a `go` line. */
const GO_LINE_VERSION = /^[1-9][0-9]*\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?((rc|beta)[1-9][0-9]*)?$/;

function checkCommon(verb: string, args: string[], line: number, problems: ModFileProblem[]): void {
  if (verb === 'go' && (args.length !== 1 || !GO_LINE_VERSION.test(args[0]))) {
    problems.push({ line, message: args.length === 1 ? `invalid go version '${args[0]}': must match format 1.23.0` : 'usage: go 1.23.0' });
  }
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
  const { list, problems } = directives(text, GO_MOD_VERBS);
  for (const { line, args: [verb, ...args] } of list) {
    checkCommon(verb, args, line, problems);
    if (verb === 'module' && args.length !== 1) problems.push({ line, message: 'usage: module module/path' });
    if (verb === 'module' && args[0]) mod.module = args[0];
    else if (verb === 'go' && args[0]) mod.go = args[0];
    else if (verb === 'replace') {
      const r = parseReplace(args);
      if (r) mod.replaces.push(r);
    }
  }
  if (problems.length) mod.problems = problems.sort((a, b) => a.line - b.line);
  return mod;
}

export function parseGoWork(text: string): GoWork {
  const work: GoWork = { use: [], useLines: [], replaces: [] };
  const { list, problems } = directives(text, GO_WORK_VERBS);
  for (const { line, args: [verb, ...args] } of list) {
    checkCommon(verb, args, line, problems);
    if (verb === 'use' && args[0]) {
      work.use.push(args[0]);
      work.useLines.push(line);
    }
    else if (verb === 'go' && args[0]) work.go = args[0];
    else if (verb === 'replace') {
      const r = parseReplace(args);
      if (r) work.replaces.push(r);
    }
  }
  if (problems.length) work.problems = problems.sort((a, b) => a.line - b.line);
  return work;
}

/** `go.mod:3: unknown directive: frob` lines for the problems of a parsed file. */
export function formatModFileProblems(file: string, problems: readonly ModFileProblem[]): string {
  return problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n');
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
