/**
 * createNodes: one Nx project per Go module (`**\/go.mod`), honouring go.work. Results are
 * cached in the workspace data directory, keyed by a hash of the module's files and the
 * options, so an unchanged module is not walked again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateNodesContext, CreateNodesResult, CreateNodesResultArray } from '@nx/devkit';
import { formatPlatform } from '../platforms/platform';
import type { Platform } from '../platforms/types';
import { lastPathElement } from '../executors/build/outputs';
import { discoverModules, GoModule, readGoWorkspace } from './discovery';
import {
  GocrossConfigError,
  GocrossPluginOptions,
  hostPlatform,
  PROJECT_OVERRIDE_FILE,
  readProjectOverride,
  resolveProjectOptions,
  ResolvedProjectOptions,
} from './options';
import { codeStamp, moduleFileHashes, scanModules, workspaceDataDir, writeJsonAtomic } from './scan-cache';
import { createHash } from 'node:crypto';
import { InferredProject, inferTargets } from './targets';

export const GO_MOD_GLOB = '**/go.mod';
const CACHE_VERSION = 2;

interface CachedProject {
  name: string;
  project: InferredProject;
}

/** Project name: `name` of a project.json next to go.mod, else the module path's last element. */
export function projectName(workspaceRoot: string, mod: GoModule): string {
  try {
    const pj = JSON.parse(fs.readFileSync(path.join(workspaceRoot, mod.root, 'project.json'), 'utf8'));
    if (pj && typeof pj.name === 'string' && pj.name) return pj.name;
  } catch {
    // no project.json, or not ours to judge
  }
  return lastPathElement(mod.modulePath);
}

function cacheFile(workspaceRoot: string): string {
  return path.join(workspaceDataDir(workspaceRoot), `gocross-nodes-v${CACHE_VERSION}.json`);
}

function readCache(file: string): Record<string, CachedProject> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CachedProject>;
  } catch {
    return {};
  }
}

export interface CreateNodesInternalOptions {
  /** Read and write the cache (default true). */
  cache?: boolean;
  host?: Platform;
}

/** The createNodes function: every go.mod file at once (so named inputs cover every platform in use). */
export async function createGoNodes(
  goModFiles: readonly string[],
  options: GocrossPluginOptions | undefined,
  context: CreateNodesContext,
  internal: CreateNodesInternalOptions = {},
): Promise<CreateNodesResultArray> {
  const workspaceRoot = context.workspaceRoot;
  const ws = readGoWorkspace(workspaceRoot);
  const modules = discoverModules(goModFiles, workspaceRoot, ws);
  const host = internal.host ?? hostPlatform();

  const resolved = new Map<string, ResolvedProjectOptions>();
  const errors: [string, Error][] = [];
  const allPlatforms: Platform[] = [];
  const seen = new Set<string>();
  for (const m of modules) {
    try {
      const ov = readProjectOverride(workspaceRoot, m.root);
      const r = resolveProjectOptions(options, ov?.override, path.posix.join(m.root, PROJECT_OVERRIDE_FILE));
      resolved.set(m.root, r);
      for (const p of r.platforms) {
        const k = formatPlatform(p);
        if (!seen.has(k)) allPlatforms.push(p);
        seen.add(k);
      }
    } catch (e) {
      if (!(e instanceof GocrossConfigError)) throw e;
      errors.push([path.posix.join(m.root, 'go.mod'), e]);
    }
  }
  // The host build uses the host's named input even when the host is not in any matrix.
  if (!seen.has(formatPlatform(host))) allPlatforms.push(host);
  if (errors.length) {
    throw new Error(errors.map(([f, e]) => `${f}: ${e.message}`).join('\n'));
  }

  const useCache = internal.cache !== false;
  const file = cacheFile(workspaceRoot);
  const cache = useCache ? readCache(file) : {};
  const next: Record<string, CachedProject> = {};
  const roots = modules.map((m) => m.root);
  const salt = {
    v: CACHE_VERSION,
    code: codeStamp(),
    options: options ?? {},
    host,
    all: allPlatforms.map(formatPlatform),
    goWork: ws.goWork ?? null,
  };
  const saltHash = createHash('sha256').update(JSON.stringify(salt)).digest('hex').slice(0, 16);
  const hashes = useCache ? await moduleFileHashes(workspaceRoot, roots) : roots.map(() => undefined);
  const keys = modules.map((m, i) => (hashes[i] ? `${m.root}\0${hashes[i]}\0${saltHash}` : undefined));
  const missing = modules.map((m, i) => ({ m, i })).filter(({ i }) => !(keys[i] && cache[keys[i]!]));
  const scans = scanModules(
    workspaceRoot,
    missing.map(({ m, i }) => ({ root: m.root, modulePath: m.modulePath, hash: hashes[i] })),
    { cache: useCache },
  );
  const fresh = new Map(missing.map(({ i }, j) => [i, scans[j]]));

  const results: [string, CreateNodesResult][] = [];
  modules.forEach((m, i) => {
    const key = keys[i];
    let entry = key ? cache[key] : undefined;
    if (!entry) {
      const scan = fresh.get(i)!;
      entry = {
        name: projectName(workspaceRoot, m),
        project: inferTargets(resolved.get(m.root)!, scan.mains, host, allPlatforms),
      };
    }
    if (key) next[key] = entry;
    const { targets, namedInputs, metadata } = entry.project;
    results.push([
      path.posix.join(m.root, 'go.mod'),
      {
        projects: {
          [m.root]: {
            name: entry.name,
            projectType: (metadata.gocross as { kind: string }).kind === 'library' ? 'library' : 'application',
            targets,
            namedInputs,
            metadata: { ...metadata, gocross: { ...(metadata.gocross as object), modulePath: m.modulePath } },
            tags: ['lang:go'],
          },
        },
      },
    ]);
  });
  if (useCache && Object.keys(next).length) writeJsonAtomic(file, next);
  return results;
}
