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
import { scanModule } from './scan';
import { InferredProject, inferTargets } from './targets';

export const GO_MOD_GLOB = '**/go.mod';
const CACHE_VERSION = 1;

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
  let dir = path.join(workspaceRoot, '.nx', 'workspace-data');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const internal = require('@nx/devkit/internal') as { workspaceDataDirectory?: string; workspaceRootInner?: unknown };
    const nxRoot = process.env.NX_WORKSPACE_ROOT_PATH ?? process.cwd();
    if (internal.workspaceDataDirectory && path.resolve(nxRoot) === path.resolve(workspaceRoot)) dir = internal.workspaceDataDirectory;
  } catch {
    // older devkit: fall back to the default location
  }
  return path.join(dir, `gocross-nodes-v${CACHE_VERSION}.json`);
}

function readCache(file: string): Record<string, CachedProject> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, CachedProject>;
  } catch {
    return {};
  }
}

function writeCache(file: string, data: Record<string, CachedProject>): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs time
  }
}

async function moduleHashes(roots: string[], salt: object, context: CreateNodesContext): Promise<(string | undefined)[]> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const internal = require('@nx/devkit/internal') as {
      calculateHashesForCreateNodes?: (r: string[], o: object, c: CreateNodesContext) => Promise<string[]>;
    };
    if (!internal.calculateHashesForCreateNodes) return roots.map(() => undefined);
    return await internal.calculateHashesForCreateNodes(roots, salt, context);
  } catch {
    return roots.map(() => undefined);
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
    options: options ?? {},
    host,
    all: allPlatforms.map(formatPlatform),
    goWork: ws.goWork ?? null,
  };
  const hashes = useCache ? await moduleHashes(roots, salt, context) : roots.map(() => undefined);

  const results: [string, CreateNodesResult][] = [];
  modules.forEach((m, i) => {
    const key = hashes[i] ? `${m.root}\0${hashes[i]}` : undefined;
    let entry = key ? cache[key] : undefined;
    if (!entry) {
      const scan = scanModule(path.join(workspaceRoot, m.root), m.modulePath);
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
  if (useCache && Object.keys(next).length) writeCache(file, next);
  return results;
}
