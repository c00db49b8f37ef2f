/**
 * Walks one Go module's directory as `go list ./...` does and reads every package's name and
 * imports. Skipped like go: `testdata`, `vendor`, directories and files starting with `_` or
 * `.`, and nested modules (a directory with its own go.mod). Files that can never be built
 * (their build constraint needs the `ignore` tag, the convention for `go run gen.go` scripts)
 * do not count.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConstraintExpr, fileConstraint } from '../platforms/constraints';
import { GoFileHeader, parseGoFileHeader } from './imports';

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
}

export interface ModuleScan {
  packages: GoPackage[];
  /** Main package dirs in the `main` option's spelling: `.`, `./cmd/api`. Sorted. */
  mains: string[];
  /** Number of Go files read. */
  filesRead: number;
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

const SKIP_DIRS = new Set(['testdata', 'vendor', 'node_modules']);

export function isSkippedDirName(name: string): boolean {
  return SKIP_DIRS.has(name) || name.startsWith('_') || name.startsWith('.');
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
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!isSkippedDirName(e.name)) walk(path.join(absDir, e.name), rel === '.' ? e.name : `${rel}/${e.name}`);
        continue;
      }
      if (!e.name.endsWith('.go') || e.name.startsWith('_') || e.name.startsWith('.')) continue;
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
        if (h.packageName === 'main') name = 'main';
        for (const i of h.imports) imports.add(i.path);
      }
    }
    if (sawGo || testImports.size > 0) {
      for (const i of imports) testImports.delete(i);
      packages.push({
        dir: rel,
        importPath: rel === '.' ? modulePath : `${modulePath}/${rel}`,
        name,
        imports: [...imports].sort(),
        testImports: [...testImports].sort(),
        files: files.sort(),
        importedBy,
      });
    }
  };
  walk(absModuleRoot, '.');
  packages.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const mains = packages.filter((p) => p.name === 'main').map((p) => (p.dir === '.' ? '.' : `./${p.dir}`));
  return { packages, mains, filesRead };
}
