/**
 * Shared code of the source checks (asm-guard, asm-coverage, build-tags): which files the go
 * command looks at, which are built for a platform, Go declarations without bodies, assembly
 * TEXT symbols, `//go:linkname` directives. Text only; nothing here reads the disk.
 */
import type { SourceFile, TargetSpec } from './types';
import { andExpr, formatConstraint, parseGoBuildExpr, type ConstraintContext } from '../platforms/constraint-expr';
import { fileIncluded, scanConstraintHeader } from '../platforms/constraint-header';
import { KNOWN_ARCH, KNOWN_OS } from '../platforms/known';
import { isIgnoredPath } from '../gowork/ignore';

/** go ignores `testdata`, `vendor` (for the main module's packages), dirs and files starting with `.` or `_`. */
export { isIgnoredPath };

export function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Workspace-relative path of a project file, for findings. */
export function workspacePath(projectRoot: string, p: string): string {
  const root = projectRoot.replace(/\/+$/, '');
  return root && root !== '.' ? `${root}/${p}` : p;
}

export function constraintContext(target: TargetSpec): ConstraintContext {
  return {
    goos: target.platform.goos,
    goarch: target.platform.goarch,
    variant: target.platform.variant,
    tags: target.tags ?? [],
    cgo: target.cgo,
  };
}

/** Whether the go command builds this file for the context (cgo files need cgo); files with headers go rejects count as built. */
export function builtFor(f: SourceFile, ctx: ConstraintContext): boolean {
  try {
    return fileIncluded(baseOf(f.path), f.content, ctx);
  } catch {
    return true;
  }
}

/** The arch a file name restricts a file to (`x_arm64.s`, `x_linux_arm64.s`), if any. */
export function fileNameArch(fileName: string): string | undefined {
  const stem = baseOf(fileName).split('.', 1)[0];
  const i = stem.indexOf('_');
  if (i < 0) return undefined;
  let parts = stem.slice(i).split('_');
  if (parts[parts.length - 1] === 'test') parts = parts.slice(0, -1);
  const n = parts.length;
  if (n >= 2 && KNOWN_OS.has(parts[n - 2]) && KNOWN_ARCH.has(parts[n - 1])) return parts[n - 1];
  if (n >= 1 && KNOWN_ARCH.has(parts[n - 1])) return parts[n - 1];
  return undefined;
}

/** 1-based line number of a string index. */
export function lineAt(content: string, index: number): number {
  return lineIndex(content)(index);
}

/** A fast index → 1-based line lookup for one text (line starts computed once, binary search). */
export function lineIndex(content: string): (index: number) => number {
  const starts = [0];
  for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) starts.push(i + 1);
  return (index: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/**
 * Replaces comments, string, rune and raw-string literals of Go source with spaces (newlines
 * kept), so that positions and line numbers stay valid and braces inside them do not count.
 */
export function blankGoLiterals(src: string): string {
  const out = src.split('');
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const stop = end < 0 ? src.length : end + 1;
      blank(i + 1, stop - 1);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, src.length));
      i = j + 1;
    } else i++;
  }
  return out.join('');
}

/** A top-level function declaration. */
export interface GoFuncDecl {
  name: string;
  /** Receiver type for methods (`T`, `*T`), undefined for functions. */
  receiver?: string;
  /** Whether the function has type parameters (`func F[T any](x T) T`). */
  generic: boolean;
  hasBody: boolean;
  /** 1-based line of the function name (where the compiler reports "missing function body"). */
  line: number;
  /** The signature on one line, comments dropped: `func Sum(xs []int) int`, `func (t *T) M()`. */
  signature: string;
  /** `//go:` directives in the comment block right above the declaration (`//go:noescape`). */
  directives: string[];
}

/** Top-level `func` declarations of a Go file, with whether each has a body. */
export function goFuncDecls(src: string): GoFuncDecl[] {
  const s = blankGoLiterals(src);
  const lineOf = lineIndex(src);
  const decls: GoFuncDecl[] = [];
  let depth = 0;
  let i = 0;
  const n = s.length;
  const isIdent = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{Nd}_]/u.test(ch);
  const skipSpaces = (k: number, newlines: boolean) => {
    while (k < n && (s[k] === ' ' || s[k] === '\t' || s[k] === '\r' || (newlines && s[k] === '\n'))) k++;
    return k;
  };
  /** Index just after the bracket matching s[k]. */
  const skipBalanced = (k: number) => {
    let d = 0;
    for (; k < n; k++) {
      const ch = s[k];
      if (ch === '(' || ch === '[' || ch === '{') d++;
      else if (ch === ')' || ch === ']' || ch === '}') {
        d--;
        if (d === 0) return k + 1;
      }
    }
    return n;
  };
  /** Skips one type expression on the current line; returns the index after it. */
  const skipType = (k: number): number => {
    for (;;) {
      k = skipSpaces(k, false);
      const ch = s[k];
      if (ch === '*') {
        k++;
        continue;
      }
      if (ch === '[') {
        k = skipBalanced(k);
        continue;
      }
      if (ch === '(') return skipBalanced(k);
      if (s.startsWith('<-', k)) {
        k += 2;
        continue;
      }
      if (isIdent(ch)) {
        let j = k;
        while (isIdent(s[j])) j++;
        const word = s.slice(k, j);
        if (word === 'struct' || word === 'interface') {
          j = skipSpaces(j, false);
          return s[j] === '{' ? skipBalanced(j) : j;
        }
        if (word === 'func') {
          j = skipSpaces(j, false);
          if (s[j] === '(') j = skipBalanced(j);
          return skipResult(j);
        }
        if (word === 'map') {
          j = skipSpaces(j, false);
          if (s[j] === '[') j = skipBalanced(j);
          k = j;
          continue;
        }
        if (word === 'chan') {
          k = j;
          continue;
        }
        // Qualified name, then optional type arguments.
        j = skipSpaces(j, false);
        if (s[j] === '.' && isIdent(s[skipSpaces(j + 1, false)])) {
          k = skipSpaces(j + 1, false);
          while (isIdent(s[k])) k++;
          j = skipSpaces(k, false);
        }
        if (s[j] === '[') j = skipBalanced(j);
        return j;
      }
      return k;
    }
  };
  /** After a parameter list: an optional result (list or type). */
  const skipResult = (k: number): number => {
    const j = skipSpaces(k, false);
    if (s[j] === '(') return skipBalanced(j);
    if (s[j] === '{' || s[j] === '\n' || s[j] === ';' || s[j] === undefined || s[j] === ')' || s[j] === ',') return j;
    return skipType(j);
  };

  while (i < n) {
    const ch = s[i];
    if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
    else if (depth === 0 && ch === 'f' && s.startsWith('func', i) && !isIdent(s[i - 1]) && !isIdent(s[i + 4])) {
      const start = i;
      let k = skipSpaces(i + 4, true);
      let receiver: string | undefined;
      if (s[k] === '(') {
        const end = skipBalanced(k);
        receiver = s
          .slice(k + 1, end - 1)
          .trim()
          .split(/\s+/)
          .pop()
          ?.replace(/\[.*$/, '');
        k = skipSpaces(end, true);
      }
      let j = k;
      while (isIdent(s[j])) j++;
      const name = s.slice(k, j);
      const nameAt = k;
      if (!name) {
        i = j > i ? j : i + 1;
        continue;
      }
      k = skipSpaces(j, false);
      const generic = s[k] === '[' && receiver === undefined;
      if (s[k] === '[') k = skipSpaces(skipBalanced(k), false); // type parameters
      if (s[k] !== '(') {
        i = k;
        continue;
      }
      k = skipBalanced(k);
      const sigEnd = skipResult(k);
      k = skipSpaces(sigEnd, false);
      const hasBody = s[k] === '{';
      decls.push({
        name,
        receiver,
        generic,
        hasBody,
        line: lineOf(nameAt),
        signature: oneLine(s.slice(start, sigEnd)),
        directives: directivesAbove(src, start),
      });
      if (hasBody) {
        i = skipBalanced(k);
        continue;
      }
      i = k;
      continue;
    }
    i++;
  }
  return decls;
}

/** A signature spread over lines (literals already blanked) on one line, as gofmt would print it. */
function oneLine(sig: string): string {
  return sig
    .replace(/\s+/g, ' ')
    .replace(/([([]) /g, '$1')
    .replace(/,? ([)\]])/g, '$1')
    .trim();
}

/** `//go:` directive lines of the comment block that ends right above `index` (the line start of a declaration). */
function directivesAbove(src: string, index: number): string[] {
  const out: string[] = [];
  let end = src.lastIndexOf('\n', index - 1);
  while (end > 0) {
    const start = src.lastIndexOf('\n', end - 1) + 1;
    const line = src.slice(start, end).trim();
    if (!line.startsWith('//')) break;
    if (/^\/\/go:[a-z]/.test(line)) out.unshift(line);
    end = start - 1;
  }
  return out;
}

/** Names pulled in or pushed with `//go:linkname local [target]` (the local names). */
export function goLinknames(src: string): Set<string> {
  const out = new Set<string>();
  for (const m of src.matchAll(/^[ \t]*\/\/go:linkname[ \t]+([\p{L}\p{Nd}_.]+)/gmu)) out.add(m[1]);
  return out;
}

/**
 * The package's own TEXT symbols of an assembly file: `TEXT ·Sum(SB)`, `TEXT ·Sum<ABIInternal>(SB)`.
 * When the file defines TEXT inside a `#define` macro (`ROUNDFN(·archCeil, RUP)`), every `·Name`
 * passed to a macro outside the definitions counts as defined too.
 */
export function asmTextSymbols(src: string): Map<string, number> {
  const out = new Map<string, number>();
  const lineOf = lineIndex(src);
  const re = /^[ \t]*TEXT[ \t]+([^\s(·]*)(?:·|\\u00b7)([\p{L}\p{Nd}_]+)(?:<[^>]*>)?[ \t]*\(SB\)/gmu;
  for (const m of src.matchAll(re)) {
    if (!out.has(m[2])) out.set(m[2], lineOf(m.index ?? 0));
  }
  // Macro definitions, with their backslash-continued lines.
  const lines = src.split('\n');
  const inMacro: boolean[] = [];
  let macroHasText = false;
  for (let i = 0; i < lines.length; i++) {
    const starts = /^[ \t]*#[ \t]*define\b/.test(lines[i]);
    const continued = i > 0 && inMacro[i - 1] && /\\[ \t]*$/.test(lines[i - 1]);
    inMacro[i] = starts || continued;
    if (inMacro[i] && /\bTEXT\b/.test(lines[i])) macroHasText = true;
  }
  if (macroHasText) {
    for (let i = 0; i < lines.length; i++) {
      if (inMacro[i] || /^[ \t]*(\/\/|TEXT\b)/.test(lines[i])) continue;
      const code = lines[i].replace(/\/\/.*$/, '');
      if (!/^[ \t]*[A-Za-z_][\w]*[ \t]*\(/.test(code)) continue; // a macro invocation
      for (const m of code.matchAll(/(?:^|[^\p{L}\p{Nd}_])(?:·|\\u00b7)([\p{L}\p{Nd}_]+)/gu)) {
        if (!out.has(m[1])) out.set(m[1], i + 1);
      }
    }
  }
  return out;
}

// Per-file parses, shared by every platform and by every caller holding the same SourceFile.
const declCache = new WeakMap<SourceFile, GoFuncDecl[]>();
const linkCache = new WeakMap<SourceFile, Set<string>>();
const textCache = new WeakMap<SourceFile, Map<string, number>>();
function cached<T>(cache: WeakMap<SourceFile, T>, f: SourceFile, compute: (src: string) => T): T {
  let v = cache.get(f);
  if (v === undefined) {
    v = compute(f.content);
    cache.set(f, v);
  }
  return v;
}

/** `goFuncDecls` of a source file, parsed once per SourceFile object. */
export function fileFuncDecls(f: SourceFile): GoFuncDecl[] {
  return cached(declCache, f, goFuncDecls);
}

/** A function declared without a body. */
export interface BodylessFunc {
  file: SourceFile;
  decl: GoFuncDecl;
}

/**
 * Functions of one package's Go files that the compiler rejects with "missing function body"
 * when the package has no assembly: declared without a body, and neither named by a
 * `//go:linkname` in the package nor imported with `//go:wasmimport`.
 */
export function bodylessFuncs(goFiles: readonly SourceFile[]): BodylessFunc[] {
  const linknamed = new Set<string>();
  for (const f of goFiles) for (const n of cached(linkCache, f, goLinknames)) linknamed.add(n);
  const out: BodylessFunc[] = [];
  for (const f of goFiles) {
    for (const d of fileFuncDecls(f)) {
      if (d.hasBody || (d.receiver === undefined && linknamed.has(d.name))) continue;
      if (d.directives.some((x) => /^\/\/go:wasmimport\s/.test(x))) continue;
      out.push({ file: f, decl: d });
    }
  }
  return out;
}

/** What one package built for one platform implements, and what it lacks. */
export interface PackageImplementations {
  /** Package directory relative to the project root ('' for the root). */
  dir: string;
  /** Go files (tests excluded) and assembly files built for the platform. */
  goFiles: SourceFile[];
  asmFiles: SourceFile[];
  /** Body-less functions (not methods) with no TEXT symbol in the assembly, no Go body, no //go:linkname. */
  missing: BodylessFunc[];
  /** Functions with a Go body and a TEXT symbol in an assembly file built for the same platform. */
  duplicates: (BodylessFunc & { asmFile: SourceFile })[];
}

/**
 * For each package directory of `sources`: the files go builds for the platform, the body-less
 * functions nothing implements for it (an assembly TEXT symbol in a built .s file, a Go body in
 * a built .go file, or a //go:linkname), and functions defined in both Go and assembly. Methods
 * are left out: their assembly implementations are out of scope. Directories without Go files
 * for the platform are skipped.
 */
export function packageImplementations(sources: readonly SourceFile[], ctx: ConstraintContext): PackageImplementations[] {
  const byDir = new Map<string, SourceFile[]>();
  for (const f of sources) {
    if (isIgnoredPath(f.path)) continue;
    const isGo = f.path.endsWith('.go') && !f.path.endsWith('_test.go');
    const isAsm = f.path.endsWith('.s');
    if (!isGo && !isAsm) continue;
    if (!builtFor(f, ctx)) continue;
    const d = dirOf(f.path);
    if (!byDir.has(d)) byDir.set(d, []);
    byDir.get(d)!.push(f);
  }
  const out: PackageImplementations[] = [];
  for (const [dir, files] of byDir) {
    const goFiles = files.filter((f) => f.path.endsWith('.go'));
    if (goFiles.length === 0) continue;
    const asmFiles = files.filter((f) => f.path.endsWith('.s'));
    const asmDefined = new Map<string, SourceFile>();
    for (const f of asmFiles) {
      for (const name of cached(textCache, f, asmTextSymbols).keys()) if (!asmDefined.has(name)) asmDefined.set(name, f);
    }
    const goDefined = new Set<string>();
    const duplicates: PackageImplementations['duplicates'] = [];
    for (const f of goFiles) {
      for (const d of fileFuncDecls(f)) {
        if (d.receiver !== undefined || !d.hasBody) continue;
        goDefined.add(d.name);
        const asm = asmDefined.get(d.name);
        if (asm && d.name !== '_' && d.name !== 'init') duplicates.push({ file: f, decl: d, asmFile: asm });
      }
    }
    const missing = bodylessFuncs(goFiles).filter(
      (b) => b.decl.receiver === undefined && !asmDefined.has(b.decl.name) && !goDefined.has(b.decl.name),
    );
    out.push({ dir, goFiles, asmFiles, missing, duplicates });
  }
  return out;
}

/** Arches with an assembly file in `dir` that defines TEXT ·name, from the file names (`sum_arm64.s`), sorted. */
export function asmArchesOf(sources: readonly SourceFile[], dir: string, name: string): string[] {
  const arches = new Set<string>();
  for (const f of sources) {
    if (!f.path.endsWith('.s') || dirOf(f.path) !== dir) continue;
    const a = fileNameArch(f.path);
    if (a && cached(textCache, f, asmTextSymbols).has(name)) arches.add(a);
  }
  return [...arches].sort();
}

/**
 * What to do about a body-less function nothing implements on `goarch`, in words a user can
 * follow: the assembly file to add, or (when the package has assembly for other arches) how
 * to split declaration and pure-Go definition by constraint. `asmArches`: arches with
 * assembly for the function (asmArchesOf).
 */
export function missingImplementationFix(b: BodylessFunc, goarch: string, asmArches: readonly string[]): string {
  const name = b.decl.name;
  const base = baseOf(b.file.path);
  const stem = base.replace(/\.go$/, '').replace(/_decl$/, '');
  const add = `add ${stem}_${goarch}.s with TEXT ·${name}(SB)`;
  const arches = asmArches.filter((a) => a !== goarch);
  if (arches.length === 0) return `${add}, or give ${name} a Go body`;
  const expr = arches.length === 1 ? arches[0] : arches.join(' || ');
  const neg = arches.length === 1 ? `!${arches[0]}` : `!(${expr})`;
  return (
    `${add}, or build the declaration in ${base} only where assembly exists (//go:build ${expr}) ` +
    `and define ${name} with a Go body in a new ${stem}_generic.go with //go:build ${neg}`
  );
}

/**
 * What to do about a function defined in Go and in assembly built for the same platform: keep
 * the Go definition off the arches with assembly for it (`asmArches`, plus `goarch`), and
 * declare it without a body for them unless `sources` already do.
 */
export function duplicateFix(d: BodylessFunc, goarch: string, asmArches: readonly string[], sources: readonly SourceFile[]): string {
  const name = d.decl.name;
  const base = baseOf(d.file.path);
  const dir = dirOf(d.file.path);
  const stem = base.replace(/\.go$/, '').replace(/_(generic|decl)$/, '');
  const arches = [...new Set([...asmArches, goarch])].sort();
  const expr = arches.join(' || ');
  const neg = arches.length === 1 ? `!${arches[0]}` : `!(${expr})`;
  const h = scanConstraintHeader(d.file.content).goBuild;
  const exclude = h
    ? `change line ${h.line} of ${base} to "//go:build ${formatConstraint(andExpr(h.expr, parseGoBuildExpr(neg)))}"`
    : `put "//go:build ${neg}" and a blank line at the top of ${base}`;
  const others = fileFuncDecls(d.file).some((x) => x.name !== name || x.receiver !== undefined);
  const move = others ? ` (first move what else it defines to a file built everywhere)` : '';
  const declared = sources.some(
    (f) => f.path.endsWith('.go') && !f.path.endsWith('_test.go') && dirOf(f.path) === dir && fileFuncDecls(f).some((x) => x.name === name && !x.hasBody && x.receiver === undefined),
  );
  const declFile = `${stem}_decl.go`;
  const declExists = sources.some((f) => f.path === (dir ? `${dir}/${declFile}` : declFile));
  const declare = declared
    ? ''
    : declExists
      ? `, and add the declaration "${d.decl.signature}" to ${declFile} (built on ${expr})`
      : `, and declare it without a body ("${d.decl.signature}") in a new ${declFile} with //go:build ${expr}`;
  return `${exclude}${move}${declare}`;
}
