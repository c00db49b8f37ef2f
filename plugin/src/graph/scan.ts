/**
 * Walks one Go module's directory as `go list ./...` does and reads every package's name and
 * imports. Skipped like go: `testdata`, `vendor`, directories and files starting with `_` or
 * `.`, and nested modules (a directory with its own go.mod). Files that can never be built
 * (their build constraint needs the `ignore` tag, the convention for `go run gen.go` scripts)
 * do not count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConstraintExpr, ConstraintContext, evalConstraint } from '../platforms/constraint-expr';
import { fileConstraint } from '../platforms/constraint-header';
import { fileNameMatchesPlatform } from '../platforms/known';
import { embedPatterns, resolveEmbedPatterns } from './embed';
import { GoFileHeader, parseGoFileHeader } from '../gowork/header';
import { isGoIgnoredName, isIgnoredDirName } from '../gowork/ignore';

/** A Go file of a package that has a `package main` file: what decides whether it is a main on a platform. */
export interface GoFileInfo {
  /** Base name. */
  name: string;
  /** Its package clause. */
  pkg: string;
  /** Its build constraint, when it has one. */
  expr?: ConstraintExpr;
  /** It imports "C" (left out when cgo is off). */
  cgo?: true;
}

/** The files one Go file embeds with `//go:embed`. */
export interface EmbedUse {
  /** The Go file, relative to the module root. */
  from: string;
  test?: true;
  /** The Go file's build constraint, when it has one. */
  expr?: ConstraintExpr;
  /** Embedded files relative to the module root (`dir/**` for a very large directory). */
  files: string[];
}

export interface GoPackage {
  /** Directory relative to the module root, `.` for the root, `/` separators. */
  dir: string;
  /** Import path: module path + dir. */
  importPath: string;
  /** Package name of the non-test files (first one seen). */
  name?: string;
  /** Imports of the non-test files. */
  imports: string[];
  /** Imports of `_test.go` files (in-package and external test packages) not already in `imports`. */
  testImports: string[];
  /** Non-test Go files, relative to the module root. */
  files: string[];
  /** For each import (test or not), the first file (relative to the module root) that has it. */
  importedBy: Record<string, string>;
  /** Non-test Go files with their constraints, only for packages with a `package main` file. */
  mainFiles?: GoFileInfo[];
  /** `//go:embed` uses of the package's files (test files included). */
  embeds?: EmbedUse[];
}

export interface ModuleScan {
  packages: GoPackage[];
  /** Main package dirs in the `main` option's spelling: `.`, `./cmd/api`. Sorted. */
  mains: string[];
  /** Number of Go files read. */
  filesRead: number;
  /** Number of Go files read in full for their `//go:embed` lines. */
  embedFilesRead?: number;
}

/** Bytes read first from each Go file: the header (build constraints, package clause, imports) is almost always shorter. */
export const HEAD_BYTES = 16 * 1024;
let headBuffer: Buffer | undefined;

/**
 * A Go file's header: the first HEAD_BYTES, or the whole file when the header runs past them.
 * Reading the head into one reused buffer instead of each file whole is what makes a cold scan
 * of a large tree cheap.
 */
export function readGoHeader(file: string): { content: string; header: GoFileHeader } {
  headBuffer ??= Buffer.allocUnsafe(HEAD_BYTES);
  const fd = fs.openSync(file, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, headBuffer, 0, HEAD_BYTES, 0);
  } finally {
    fs.closeSync(fd);
  }
  let content = headBuffer.toString('utf8', 0, n);
  let header = parseGoFileHeader(content);
  if (n === HEAD_BYTES && !header.complete) {
    content = fs.readFileSync(file, 'utf8');
    header = parseGoFileHeader(content);
  }
  return { content, header };
}

/** Directories the scan leaves out: go's rule (gowork/ignore.ts), and node_modules, which holds no workspace Go code. */
const SCAN_IGNORE = { also: ['node_modules'] };

export function isSkippedDirName(name: string): boolean {
  return isIgnoredDirName(name, SCAN_IGNORE);
}

/** True when the constraint is false for every tag assignment in which `ignore` is false. */
export function neverBuilt(expr: ConstraintExpr | undefined): boolean {
  if (!expr) return false;
  const tags = new Set<string>();
  const collect = (x: ConstraintExpr): void => {
    if (x.kind === 'tag') tags.add(x.tag);
    else if (x.kind === 'not') collect(x.x);
    else {
      collect(x.x);
      collect(x.y);
    }
  };
  collect(expr);
  if (!tags.has('ignore')) return false;
  const free = [...tags].filter((t) => t !== 'ignore');
  // Too many tags to enumerate: keep the file (an extra edge is safer than a missing one).
  if (free.length > 12) return false;
  for (let m = 0; m < 1 << free.length; m++) {
    const on = new Set(free.filter((_, i) => (m >> i) & 1));
    const ev = (x: ConstraintExpr): boolean =>
      x.kind === 'tag' ? on.has(x.tag) : x.kind === 'not' ? !ev(x.x) : x.kind === 'and' ? ev(x.x) && ev(x.y) : ev(x.x) || ev(x.y);
    if (ev(expr)) return false;
  }
  return true;
}

/** The constraint of a file's header, or undefined (none, or one go rejects: the build reports it). */
function constraintOf(content: string): ConstraintExpr | undefined {
  if (!content.includes('//go:build') && !content.includes('+build')) return undefined;
  try {
    return fileConstraint(content);
  } catch {
    return undefined;
  }
}

/** Whether go builds a file (name rule and constraint) in the context. */
export function fileBuiltIn(name: string, expr: ConstraintExpr | undefined, ctx: ConstraintContext): boolean {
  return fileNameMatchesPlatform(name, ctx.goos, ctx.goarch) && (expr === undefined || evalConstraint(expr, ctx));
}

/**
 * Whether a package with these files is a main package in the context, as `go list` decides: the
 * first file go selects names the package, and at least one selected file is compiled (a file
 * importing "C" is not when cgo is off).
 */
export function isMainIn(files: readonly GoFileInfo[], ctx: ConstraintContext): boolean {
  const selected = files.filter((f) => fileBuiltIn(f.name, f.expr, ctx));
  if (selected.length === 0 || selected[0].pkg !== 'main') return false;
  return selected.some((f) => ctx.cgo || !f.cgo);
}

function buildable(content: string): boolean {
  // Only a file that mentions the `ignore` tag can be excluded; skip the header scan otherwise.
  if (!content.includes('ignore')) return true;
  try {
    return !neverBuilt(fileConstraint(content));
  } catch {
    // go rejects the file's header; it is reported by the source checks, not here.
    return true;
  }
}

export function scanModule(absModuleRoot: string, modulePath: string): ModuleScan {
  const packages: GoPackage[] = [];
  let filesRead = 0;
  let embedFilesRead = 0;
  const walk = (absDir: string, rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch {
      return;
    }
    if (rel !== '.' && entries.some((e) => e.name === 'go.mod' && e.isFile())) return;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const imports = new Set<string>();
    const testImports = new Set<string>();
    const files: string[] = [];
    const importedBy: Record<string, string> = {};
    let name: string | undefined;
    let sawGo = false;
    let sawMain = false;
    const infos: { name: string; pkg: string; content: string; cgo: boolean }[] = [];
    const embeds: EmbedUse[] = [];
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!isSkippedDirName(e.name)) walk(path.join(absDir, e.name), rel === '.' ? e.name : `${rel}/${e.name}`);
        continue;
      }
      if (!e.name.endsWith('.go') || isGoIgnoredName(e.name)) continue;
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      let read: { content: string; header: GoFileHeader };
      try {
        read = readGoHeader(path.join(absDir, e.name));
      } catch {
        continue;
      }
      filesRead++;
      const h = read.header;
      if (h.packageName === undefined) continue;
      if (!buildable(read.content)) continue;
      const isTest = e.name.endsWith('_test.go');
      const fileRel = rel === '.' ? e.name : `${rel}/${e.name}`;
      if (h.imports.some((i) => i.path === 'embed')) {
        // Only files importing "embed" can have //go:embed lines: read those in full.
        let full = read.content;
        try {
          full = fs.readFileSync(path.join(absDir, e.name), 'utf8');
        } catch {
          // keep the header
        }
        embedFilesRead++;
        const pats = embedPatterns(full);
        if (pats.length > 0) {
          const files = resolveEmbedPatterns(absDir, pats).map((f) => (rel === '.' ? f : `${rel}/${f}`));
          const use: EmbedUse = { from: fileRel, files };
          if (isTest) use.test = true;
          const expr = constraintOf(read.content);
          if (expr) use.expr = expr;
          embeds.push(use);
        }
      }
      for (const i of h.imports) {
        const prev = importedBy[i.path];
        // Prefer a non-test file as the edge's source file.
        if (prev === undefined || (prev.endsWith('_test.go') && !isTest)) importedBy[i.path] = fileRel;
      }
      if (isTest) {
        for (const i of h.imports) testImports.add(i.path);
      } else {
        sawGo = true;
        files.push(fileRel);
        name ??= h.packageName;
        if (h.packageName === 'main') {
          name = 'main';
          sawMain = true;
        }
        infos.push({ name: e.name, pkg: h.packageName, content: read.content, cgo: h.imports.some((i) => i.path === 'C') });
        for (const i of h.imports) imports.add(i.path);
      }
    }
    if (sawGo || testImports.size > 0) {
      for (const i of imports) testImports.delete(i);
      const pkg: GoPackage = {
        dir: rel,
        importPath: rel === '.' ? modulePath : `${modulePath}/${rel}`,
        name,
        imports: [...imports].sort(),
        testImports: [...testImports].sort(),
        files: files.sort(),
        importedBy,
      };
      if (sawMain) {
        pkg.mainFiles = infos.map((f) => {
          const info: GoFileInfo = { name: f.name, pkg: f.pkg };
          const expr = constraintOf(f.content);
          if (expr) info.expr = expr;
          if (f.cgo) info.cgo = true;
          return info;
        });
      }
      if (embeds.length > 0) pkg.embeds = embeds;
      packages.push(pkg);
    }
  };
  walk(absModuleRoot, '.');
  packages.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const mains = packages.filter((p) => p.name === 'main').map((p) => (p.dir === '.' ? '.' : `./${p.dir}`));
  return { packages, mains, filesRead, embedFilesRead };
}
