import { spawnSync } from 'child_process';
import { Tree } from '@nx/devkit';
import { packageClause } from '../../gowork/header';
import { compareGoVersions, maxGoVersion } from '../../platforms/go-version';
import { parseGoMod, parseGoWork } from '../../gowork/modfile';
import { dirname, joinPath, walkFiles } from './files';

/** Oldest `go` directive the generators write. */
export const MIN_GO_VERSION = '1.22';

let cachedGoVersion: string | undefined;

/**
 * `major.minor` of the installed Go (`go env GOVERSION`), never below MIN_GO_VERSION. Falls back
 * to MIN_GO_VERSION when `go` cannot be run: generating files must not need a toolchain.
 */
export function installedGoVersion(): string {
  if (cachedGoVersion === undefined) {
    const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf-8', env: { ...process.env, GOFLAGS: '' }, timeout: 20000 });
    const m = r.status === 0 ? /^go(\d+)\.(\d+)/.exec(r.stdout.trim()) : null;
    cachedGoVersion = m ? maxGoVersion(`${m[1]}.${m[2]}`, MIN_GO_VERSION) : MIN_GO_VERSION;
  }
  return cachedGoVersion;
}

export { compareGoVersions, maxGoVersion };

/** A Go module of the generator's Tree: the directory holding go.mod and what it declares. */
export interface TreeGoModule {
  /** Workspace-relative directory holding go.mod ('' for the root). */
  dir: string;
  modulePath?: string;
  goVersion?: string;
}

function treeModule(tree: Tree, dir: string, file: string): TreeGoModule {
  const mod = parseGoMod(tree.read(file, 'utf-8') ?? '');
  const out: TreeGoModule = { dir };
  if (mod.module !== undefined) out.modulePath = mod.module;
  if (mod.go !== undefined) out.goVersion = mod.go;
  return out;
}

/** Every Go module (directory with a go.mod) in the workspace tree. */
export function findGoModules(tree: Tree): TreeGoModule[] {
  return walkFiles(tree, '', (p) => p === 'go.mod' || p.endsWith('/go.mod')).map((p) => treeModule(tree, dirname(p), p));
}

/** The module that contains a workspace-relative directory (the deepest go.mod above it). */
export function moduleContaining(tree: Tree, dir: string): TreeGoModule | undefined {
  let d = joinPath(dir);
  for (;;) {
    const mod = d === '' ? 'go.mod' : `${d}/go.mod`;
    if (tree.exists(mod)) return treeModule(tree, d, mod);
    if (d === '') return undefined;
    d = dirname(d);
  }
}

/** `use` entries of a go.work, as written (`./apps/api`). */
export function parseGoWorkUses(text: string): string[] {
  return parseGoWork(text).use;
}

/** The package name of the first non-test Go file of `dir` that has a package clause. */
export function packageNameIn(tree: Tree, dir: string): string | undefined {
  if (!tree.exists(dir)) return undefined;
  for (const child of tree.children(dir).sort()) {
    if (!child.endsWith('.go') || child.endsWith('_test.go')) continue;
    const name = packageClause(tree.read(`${dir}/${child}`, 'utf-8') ?? '');
    if (name) return name;
  }
  return undefined;
}

function normUse(u: string): string {
  const j = joinPath(u);
  return j === '' ? '.' : j;
}

/** `./apps/api` for a workspace-relative module dir ('' → `.`). */
export function useEntry(dir: string): string {
  return dir === '' ? '.' : `./${dir}`;
}

/**
 * Adds `use` entries for module directories to go.work (creating it with `go <version>` when
 * absent, raising its `go` line to `<version>` when it is older). Existing entries, comments and other directives are kept; new entries go into the
 * first `use ( … )` block, or a new block at the end. Returns whether the file changed.
 */
export function addGoWorkUses(tree: Tree, dirs: string[], goVersion: string): boolean {
  const path = 'go.work';
  if (!tree.exists(path)) {
    const uses = [...new Set(dirs.map(useEntry))].sort();
    tree.write(path, `go ${goVersion}\n\nuse (\n${uses.map((u) => `\t${u}\n`).join('')})\n`);
    return true;
  }
  const original = tree.read(path, 'utf-8') ?? '';
  // `go` refuses a workspace whose go line is older than one of its modules' go lines.
  const text = original.replace(/^go\s+(\d+\.\d+(?:\.\d+)?)[ \t]*$/m, (line, v: string) =>
    maxGoVersion(v, goVersion) === v ? line : `go ${goVersion}`,
  );
  const have = new Set(parseGoWorkUses(text).map(normUse));
  const missing = [...new Set(dirs.map(useEntry))].filter((u) => !have.has(normUse(u))).sort();
  if (missing.length === 0) {
    if (text === original) return false;
    tree.write(path, text);
    return true;
  }
  const lines = text.split('\n');
  const open = lines.findIndex((l) => /^use\s*\(\s*(\/\/.*)?$/.test(l.trim()));
  if (open >= 0) {
    let close = open + 1;
    while (close < lines.length && lines[close].trim() !== ')') close++;
    lines.splice(close, 0, ...missing.map((u) => `\t${u}`));
    tree.write(path, lines.join('\n'));
  } else {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    tree.write(path, `${body}\nuse (\n${missing.map((u) => `\t${u}\n`).join('')})\n`);
  }
  return true;
}

/**
 * Creates or extends go.work so it uses every module of the tree, when the tree holds two or more
 * Go modules or already has a go.work. Its `go` line is the highest `go` of the modules (at least
 * MIN_GO_VERSION), as `go work` requires. Returns whether go.work changed.
 */
export function syncGoWork(tree: Tree): boolean {
  const modules = findGoModules(tree);
  if (modules.length === 0 || (modules.length < 2 && !tree.exists('go.work'))) return false;
  let version = MIN_GO_VERSION;
  for (const m of modules) if (m.goVersion) version = maxGoVersion(version, m.goVersion);
  return addGoWorkUses(tree, modules.map((m) => m.dir), version);
}
