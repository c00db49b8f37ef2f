/**
 * Reading a project's Go sources from disk: the `.go` and assembly files below its root, walked
 * with the go ignore rule (ignore.ts) plus the directories a caller names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ignoredDirTest, isGoIgnoredName } from './ignore';

/** A file of a project: path relative to the project root (`/`-separated) and its text. */
export interface ProjectSource {
  path: string;
  content: string;
}

export interface ProjectSourcesOptions {
  /** File extensions read (default `.go` and `.s`). */
  extensions?: readonly string[];
  /** Also read `go.mod` and `go.work` files, nested modules' included (the source checks find module boundaries with them). */
  moduleFiles?: boolean;
  /** Do not descend into a directory that has its own go.mod (another module). */
  skipNestedModules?: boolean;
  /**
   * Keep `_`-prefixed files and directories and `.`-prefixed files, which go ignores (the source
   * checks read them to say so). `.`-prefixed directories (.git, .nx) are always skipped.
   */
  keepGoIgnored?: boolean;
  /** Directory names skipped besides go's (default `node_modules` and `dist`). */
  also?: readonly string[];
}

export const DEFAULT_SOURCE_SKIP_DIRS: readonly string[] = ['node_modules', 'dist'];

/** The project's sources, in directory-listing order. */
export function readProjectSources(absRoot: string, opts: ProjectSourcesOptions = {}): ProjectSource[] {
  const exts = opts.extensions ?? ['.go', '.s'];
  const also = opts.also ?? DEFAULT_SOURCE_SKIP_DIRS;
  const skipDir = ignoredDirTest({ also });
  const wanted = (name: string): boolean => exts.some((x) => name.endsWith(x)) || (!!opts.moduleFiles && (name === 'go.mod' || name === 'go.work'));
  const out: ProjectSource[] = [];
  const walk = (dir: string, rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        const skip = opts.keepGoIgnored && e.name.startsWith('_') ? also.includes(e.name) : skipDir(e.name);
        if (skip) continue;
        if (opts.skipNestedModules && fs.existsSync(path.join(abs, 'go.mod'))) continue;
        walk(abs, r);
      } else if (e.isFile() && wanted(e.name) && (opts.keepGoIgnored || !isGoIgnoredName(e.name))) {
        out.push({ path: r, content: fs.readFileSync(abs, 'utf8') });
      }
    }
  };
  walk(absRoot, '');
  return out;
}
