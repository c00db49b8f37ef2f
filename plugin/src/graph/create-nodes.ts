/**
 * createNodes: one Nx project per Go module (`**\/go.mod`), honouring go.work. The module scans
 * (packages, mains, imports) are cached in the workspace data directory, keyed by the hash of the
 * module's files (scan-cache.ts), so an unchanged module is not walked again; inferring the
 * targets from a scan is cheap and not cached.
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
import { moduleFileHashes, scanModules } from './scan-cache';
import { inferTargets } from './targets';

export const GO_MOD_GLOB = '**/go.mod';
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
  const roots = modules.map((m) => m.root);
  const hashes = useCache ? await moduleFileHashes(workspaceRoot, roots) : roots.map(() => undefined);
  const scans = scanModules(
    workspaceRoot,
    modules.map((m, i) => ({ root: m.root, modulePath: m.modulePath, hash: hashes[i] })),
    { cache: useCache },
  );

  const results: [string, CreateNodesResult][] = [];
  modules.forEach((m, i) => {
    const { targets, namedInputs, metadata } = inferTargets(resolved.get(m.root)!, scans[i].mains, host, allPlatforms);
    results.push([
      path.posix.join(m.root, 'go.mod'),
      {
        projects: {
          [m.root]: {
            name: projectName(workspaceRoot, m),
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
  return results;
}
