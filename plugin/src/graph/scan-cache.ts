/**
 * Module scans (packages, imports, mains) shared by createNodes and createDependencies and kept
 * between runs: keyed by the module root and the hash Nx's workspace index gives the files under
 * it, held in memory for the life of the plugin process and persisted in the workspace data
 * directory. Without Nx's index (older Nx, or no workspace context) every call scans.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModuleScan, scanModule } from './scan';

const CACHE_VERSION = 2;

interface Entry {
  hash: string;
  stamp: string;
  modulePath: string;
  scan: ModuleScan;
}

const memory = new Map<string, Map<string, Entry>>();

/**
 * Changes whenever the plugin's graph code changes (modification times of this directory's
 * modules), so caches written by another build of the plugin are not reused.
 */
export function codeStamp(): string {
  const parts: string[] = [];
  try {
    for (const f of fs.readdirSync(__dirname).sort()) {
      if (!/\.(js|ts)$/.test(f) || f.endsWith('.d.ts') || f.includes('.spec.')) continue;
      parts.push(`${f}:${fs.statSync(path.join(__dirname, f)).mtimeMs}`);
    }
  } catch {
    // unreadable: the cache version alone keys the caches
  }
  return parts.join(',');
}

/**
 * Where the plugin keeps its caches for a workspace: Nx's workspace data directory (so `nx reset`
 * clears them). Nx's own modules are required directly rather than through @nx/devkit, whose
 * index costs the plugin worker ~150 ms to load.
 */
export function workspaceDataDir(workspaceRoot: string): string {
  const fallback = path.join(workspaceRoot, '.nx', 'workspace-data');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cd = require('nx/src/utils/cache-directory') as { workspaceDataDirectoryForWorkspace?: (root: string) => string };
    if (cd.workspaceDataDirectoryForWorkspace) return cd.workspaceDataDirectoryForWorkspace(workspaceRoot);
  } catch {
    // another Nx layout: try the public internal entry point
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const internal = require('@nx/devkit/internal') as { workspaceDataDirectory?: string };
    const nxRoot = process.env.NX_WORKSPACE_ROOT_PATH ?? process.cwd();
    if (internal.workspaceDataDirectory && path.resolve(nxRoot) === path.resolve(workspaceRoot)) return internal.workspaceDataDirectory;
  } catch {
    // older devkit: default location
  }
  return fallback;
}

export function writeJsonAtomic(file: string, data: unknown): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

/** Hash of every file under each root, from Nx's workspace index; undefined entries when unavailable. */
export async function moduleFileHashes(workspaceRoot: string, roots: string[]): Promise<(string | undefined)[]> {
  if (roots.length === 0) return [];
  try {
    type Ctx = { hashMultiGlobWithWorkspaceContext?: (root: string, groups: string[][]) => Promise<string[]> };
    let internals: Ctx;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      internals = require('nx/src/utils/workspace-context') as Ctx;
    } catch {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      internals = require('nx/src/devkit-internals') as Ctx;
    }
    if (!internals.hashMultiGlobWithWorkspaceContext) return roots.map(() => undefined);
    return await internals.hashMultiGlobWithWorkspaceContext(
      workspaceRoot,
      roots.map((r) => [r === '.' ? '**/*' : `${r}/**/*`]),
    );
  } catch {
    return roots.map(() => undefined);
  }
}

function cacheFile(workspaceRoot: string): string {
  return path.join(workspaceDataDir(workspaceRoot), `gocross-scan-v${CACHE_VERSION}.json`);
}

function load(workspaceRoot: string): Map<string, Entry> {
  let m = memory.get(workspaceRoot);
  if (m) return m;
  m = new Map();
  try {
    const data = JSON.parse(fs.readFileSync(cacheFile(workspaceRoot), 'utf8')) as Record<string, Entry>;
    for (const [k, v] of Object.entries(data)) m.set(k, v);
  } catch {
    // no cache yet
  }
  memory.set(workspaceRoot, m);
  return m;
}

export interface ScanRequest {
  root: string;
  modulePath: string;
  hash?: string;
}

/** Scans of the given modules, reusing cached ones whose files are unchanged. */
export function scanModules(workspaceRoot: string, reqs: ScanRequest[], opts: { cache?: boolean } = {}): ModuleScan[] {
  const useCache = opts.cache !== false;
  const m = useCache ? load(workspaceRoot) : new Map<string, Entry>();
  let changed = false;
  const stamp = codeStamp();
  const out = reqs.map((r) => {
    const hit = r.hash ? m.get(r.root) : undefined;
    if (hit && hit.hash === r.hash && hit.modulePath === r.modulePath && hit.stamp === stamp) return hit.scan;
    const scan = scanModule(path.join(workspaceRoot, r.root), r.modulePath);
    if (useCache && r.hash) {
      m.set(r.root, { hash: r.hash, stamp, modulePath: r.modulePath, scan });
      changed = true;
    }
    return scan;
  });
  if (changed) writeJsonAtomic(cacheFile(workspaceRoot), Object.fromEntries(m));
  return out;
}
