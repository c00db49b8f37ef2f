/**
 * Which go.mod files are Nx projects. Modules under node_modules, vendor, testdata, dist and
 * `_`/`.`-prefixed directories are skipped. When the workspace root has a go.work, only the
 * modules it `use`s (and the directories its `replace` lines name) are projects; otherwise
 * every go.mod is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GoMod, GoWork, isLocalReplacement, ModFileProblem, parseGoMod, parseGoWork } from '../gowork/modfile';
import { isIgnoredDirName } from '../gowork/ignore';

/** A go.mod the graph makes a project of: where it is and what it declares. */
export interface DiscoveredModule {
  /** Project root, relative to the workspace root with `/` separators (`.` for the root). */
  root: string;
  /** Module path from go.mod (falls back to the directory name when go.mod has none). */
  modulePath: string;
  mod: GoMod;
}

export interface GoWorkspace {
  goWork?: GoWork;
  /** Roots `use`d by go.work, normalised like DiscoveredModule.root. */
  used?: Set<string>;
  /**
   * What makes the go command refuse the go.work (and so every build of a module it uses): its
   * syntax errors, a `use` directory without go.mod, a directory used twice. Absent when none.
   */
  problems?: ModFileProblem[];
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

/** `a/b/../c` → `a/c`; `` → `.`. */
export function normaliseRoot(p: string): string {
  const n = toPosix(path.posix.normalize(toPosix(p)));
  const s = n.replace(/\/+$/, '');
  return s === '' ? '.' : s;
}

/** Directories whose go.mod files are no projects: go's rule (gowork/ignore.ts), node_modules and build output. */
const MODULE_DIR_IGNORE = { also: ['node_modules', 'dist'] };

export function isSkippedModuleDir(root: string): boolean {
  if (root === '.') return false;
  return root.split('/').some((seg) => isIgnoredDirName(seg, MODULE_DIR_IGNORE));
}

export function readGoWorkspace(workspaceRoot: string): GoWorkspace {
  const file = path.join(workspaceRoot, 'go.work');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  const goWork = parseGoWork(text);
  const used = new Set<string>();
  const problems: ModFileProblem[] = [...(goWork.problems ?? [])];
  // As cmd/go's modload: every used directory must hold a go.mod, and none may be used twice.
  const seenUse = new Map<string, number>();
  goWork.use.forEach((u, i) => {
    const line = goWork.useLines[i];
    const abs = path.resolve(workspaceRoot, u);
    if (seenUse.has(abs)) problems.push({ line, message: `path ${abs} appears multiple times in workspace` });
    seenUse.set(abs, line);
    if (!fs.existsSync(path.join(abs, 'go.mod'))) problems.push({ line, message: `use ${u}: there is no go.mod in ${u}` });
  });
  // Modules go.work `use`s, and directories its `replace` lines point at: go reads both.
  const dirs = [...goWork.use, ...goWork.replaces.filter((r) => isLocalReplacement(r.newPath)).map((r) => r.newPath)];
  for (const u of dirs) {
    const abs = path.resolve(workspaceRoot, u);
    const rel = path.relative(workspaceRoot, abs);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    used.add(normaliseRoot(rel));
  }
  return problems.length ? { goWork, used, problems: problems.sort((a, b) => a.line - b.line) } : { goWork, used };
}

/** The go.mod files (workspace-relative) that are projects, read and parsed. */
export function discoverModules(goModFiles: readonly string[], workspaceRoot: string, ws: GoWorkspace): DiscoveredModule[] {
  const out: DiscoveredModule[] = [];
  for (const f of goModFiles) {
    const root = normaliseRoot(path.posix.dirname(toPosix(f)));
    if (isSkippedModuleDir(root)) continue;
    if (ws.used && !ws.used.has(root)) continue;
    const mod = readModule(workspaceRoot, root);
    if (mod) out.push(mod);
  }
  out.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  return out;
}

export function readModule(workspaceRoot: string, root: string): DiscoveredModule | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(workspaceRoot, root, 'go.mod'), 'utf8');
  } catch {
    return undefined;
  }
  const mod = parseGoMod(text);
  const modulePath = mod.module ?? path.basename(path.resolve(workspaceRoot, root));
  return { root, modulePath, mod };
}
