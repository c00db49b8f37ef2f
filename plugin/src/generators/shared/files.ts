import * as path from 'node:path';
import { generateFiles, joinPathFragments, normalizePath, Tree } from '@nx/devkit';
import { ignoredDirTest } from '../../gowork/ignore';

/** Raised for options or workspace states a generator refuses to work with. */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError';
}

/**
 * Writes `content` to `path` through the Tree. Writing the same content again is a no-op, so
 * generators stay idempotent; a different existing file is only replaced with `force`.
 * Returns whether the file was (re)written.
 */
export function writeGenerated(tree: Tree, path: string, content: string, force = false): boolean {
  if (tree.exists(path)) {
    const current = tree.read(path, 'utf-8');
    if (current === content || sameJson(path, current, content)) return false;
    if (!force) {
      throw new GeneratorError(`refusing to overwrite ${path}: it already exists with different content (pass --force to replace it)`);
    }
  }
  tree.write(path, content);
  return true;
}

/**
 * Renders a `files/` template directory (devkit's generateFiles: ejs, `__name__` in file names,
 * `.template` suffix dropped) into `target`, without touching the tree: path → content. The
 * caller writes the files with writeGenerated's rules (no overwrite without force).
 */
export function renderTemplates(tree: Tree, srcFolder: string, target: string, substitutions: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const staging = new Proxy(tree, {
    get(t, prop, receiver) {
      if (prop === 'write') return (p: string, content: Buffer | string) => void (out[normalizePath(p)] = content.toString());
      const v = Reflect.get(t, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  generateFiles(staging, srcFolder, target, substitutions);
  return out;
}

/** JSON files count as unchanged when only their formatting differs (formatFiles may reflow them). */
export function sameJson(path: string, a: string | null, b: string): boolean {
  if (!path.endsWith('.json') || a === null) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** Directories never searched for Go modules or sources: what go ignores, dependencies and build output. */
const skipDir = ignoredDirTest({ also: ['node_modules', 'dist', 'tmp', 'reports', 'coverage'] });

/** Every file under `dir` (workspace-relative, `/`-separated), skipping build output and dependencies. */
export function walkFiles(tree: Tree, dir: string, accept: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const child of tree.children(d).sort()) {
      const p = d === '' || d === '.' ? child : `${d}/${child}`;
      if (tree.isFile(p)) {
        if (accept(p)) out.push(p);
      } else if (!skipDir(child)) {
        visit(p);
      }
    }
  };
  visit(dir);
  return out;
}

/** Workspace-relative join through devkit's joinPathFragments; the workspace root is '' (not '.'), leading `/` and `..` above the root dropped. */
export function joinPath(...parts: string[]): string {
  const j = joinPathFragments(...parts.map((p) => p.replace(/^\/+/, ''))).replace(/\/+$/, '');
  const segs = j.split('/');
  while (segs[0] === '..') segs.shift();
  const out = segs.join('/');
  return out === '.' || out === '' ? '' : out;
}

/** The directory of a workspace-relative path ('' for a top-level one). */
export function dirname(p: string): string {
  const d = path.posix.dirname(normalizePath(p));
  return d === '.' ? '' : d;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Splits a comma-separated option that may also arrive as an array. */
export function splitList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}
