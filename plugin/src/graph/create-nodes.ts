/**
 * createNodes: one Nx project per Go module (`**\/go.mod`), honouring go.work. The module scans
 * (packages, mains, imports) are cached in the workspace data directory, keyed by the hash of the
 * module's files (scan-cache.ts), so an unchanged module is not walked again; inferring the
 * targets from a scan is cheap and not cached.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateNodesContext, CreateNodesResult, CreateNodesResultArray } from '@nx/devkit';
import { formatModFileProblems } from '../gowork/modfile';
import { formatPlatform, hostPlatform } from '../platforms/platform';
import type { Platform } from '../platforms/types';
import { lastPathElement } from '../platforms/outputs';
import { discoverModules, DiscoveredModule, readGoWorkspace } from './discovery';
import {
  checkPluginOptions,
  GocrossConfigError,
  GocrossPluginOptions,
  PROJECT_OVERRIDE_FILE,
  readProjectOverride,
  resolveProjectOptions,
  ResolvedProjectOptions,
  selectMains,
} from './options';
import { moduleFacts } from './module-facts';
import { type ProjectJson, projectJsonPlatforms, readProjectJson } from './project-json';
import { moduleFileHashes, scanModules } from './scan-cache';
import { defaultsAppendOptionOutputs, HAND_TARGET_EXECUTORS, inferTargets, PLUGIN } from './targets';

const PLUGIN_PACKAGE = '@gocross/nx';

/**
 * `['@gocross/nx']` when the workspace's lockfile installs the plugin as a package (Nx then has
 * an external node for it and hashes its version into every target), else `[]`: an
 * `externalDependencies` entry Nx has no node for fails every task, and a plugin linked from a
 * workspace package or loaded from a path has no node.
 */
export function pluginExternalDependencies(workspaceRoot: string): string[] {
  const read = (f: string): string | undefined => {
    try {
      return fs.readFileSync(path.join(workspaceRoot, f), 'utf8');
    } catch {
      return undefined;
    }
  };
  const npm = read('package-lock.json') ?? read('npm-shrinkwrap.json');
  if (npm !== undefined) {
    const key = `"node_modules/${PLUGIN_PACKAGE}": {`;
    const i = npm.indexOf(key);
    if (i < 0) return [];
    const end = npm.indexOf('}', i);
    const entry = npm.slice(i, end < 0 ? undefined : end);
    return /"link"\s*:\s*true/.test(entry) ? [] : [PLUGIN_PACKAGE];
  }
  for (const f of ['pnpm-lock.yaml', 'yarn.lock', 'bun.lock']) {
    const text = read(f);
    if (text === undefined) continue;
    // Workspace links: pnpm `link:`, yarn `@workspace:`, bun `workspace:`.
    const lines = text.split('\n').filter((l) => l.includes(PLUGIN_PACKAGE));
    if (lines.length === 0) return [];
    return lines.some((l) => /link:|workspace:/.test(l)) ? [] : [PLUGIN_PACKAGE];
  }
  return [];
}

/** A script of this folder (`cc-identity.js`, `version.js`) relative to the workspace root (`/` separators); absolute when outside it. */
export function graphScript(workspaceRoot: string, name: string): string {
  const abs = path.join(__dirname, name);
  const rel = path.relative(workspaceRoot, abs);
  return (path.isAbsolute(rel) ? abs : rel).split(path.sep).join('/');
}

export const GO_MOD_GLOB = '**/go.mod';
/** Project name: `name` of the project.json next to go.mod, else the module path's last element. */
export function projectName(mod: DiscoveredModule, pj: ProjectJson | undefined): string {
  return pj?.name ?? lastPathElement(mod.modulePath);
}

export interface CreateNodesInternalOptions {
  /** Read and write the cache (default true). */
  cache?: boolean;
  host?: Platform;
  /** Where warnings go (default console.warn: the terminal of the Nx command, or the daemon's log). */
  warn?: (message: string) => void;
}

/** The createNodes function: every go.mod file at once (so named inputs cover every platform in use). */
export async function createGoNodes(
  goModFiles: readonly string[],
  options: GocrossPluginOptions | undefined,
  context: CreateNodesContext,
  internal: CreateNodesInternalOptions = {},
): Promise<CreateNodesResultArray> {
  const workspaceRoot = context.workspaceRoot;
  // Wrong plugin options are every project's problem: one error naming nx.json, before anything else.
  checkPluginOptions(options, workspaceRoot);
  const ws = readGoWorkspace(workspaceRoot);
  let modules = discoverModules(goModFiles, workspaceRoot, ws);
  const host = internal.host ?? hostPlatform();

  const resolved = new Map<string, ResolvedProjectOptions>();
  const overrideTexts = new Map<string, string>();
  const errors: [string, Error][] = [];
  // A go.mod go rejects is a warning naming the file and line, not an error: Nx fails every
  // command of the workspace on a createNodes error (nx show, nx graph, every task), where go
  // fails only the builds that load that go.mod. The project keeps its node; its tasks fail with
  // go's own message. Under go.work, go loads every used module's go.mod for any build.
  const warn = internal.warn ?? ((message: string) => console.warn(message));
  for (const m of modules) {
    if (!m.mod.problems) continue;
    const file = path.posix.join(m.root, 'go.mod');
    const who = ws.used ? 'every module go.work uses fails to build' : `${m.root}'s tasks fail`;
    warn(`gocross: ${formatModFileProblems(file, m.mod.problems)} (the go command rejects this go.mod: ${who} until it is fixed)`);
  }
  if (ws.problems) {
    warn(`gocross: ${formatModFileProblems('go.work', ws.problems)} (the go command rejects this go.work: every module it uses fails to build until it is fixed)`);
  }
  const allPlatforms: Platform[] = [];
  const seen = new Set<string>();
  // project.json, read once: the project's name, and its targets (their inputs follow their options).
  const projectJsons = new Map<string, ProjectJson | undefined>();
  const addPlatform = (p: Platform): boolean => {
    const k = formatPlatform(p);
    if (seen.has(k)) return false;
    seen.add(k);
    allPlatforms.push(p);
    return true;
  };
  for (const m of modules) {
    const pj = readProjectJson(workspaceRoot, m.root);
    projectJsons.set(m.root, pj);
    try {
      const ov = readProjectOverride(workspaceRoot, m.root);
      if (ov) overrideTexts.set(m.root, ov.text);
      const r = resolveProjectOptions(options, ov?.override, path.posix.join(m.root, PROJECT_OVERRIDE_FILE));
      resolved.set(m.root, r);
      r.platforms.forEach(addPlatform);
      // Targets written by hand for a platform of no matrix use its named inputs too.
      if (pj?.targets) projectJsonPlatforms(pj.targets, HAND_TARGET_EXECUTORS).forEach(addPlatform);
    } catch (e) {
      if (!(e instanceof GocrossConfigError)) throw e;
      errors.push([path.posix.join(m.root, 'go.mod'), e]);
    }
  }
  // The host build uses the host's named input even when the host is not in any matrix.
  addPlatform(host);
  // A project whose configuration is wrong gets no node; the others still do (partial results).
  modules = modules.filter((m) => resolved.has(m.root));

  const useCache = internal.cache !== false;
  const roots = modules.map((m) => m.root);
  const hashes = useCache ? await moduleFileHashes(workspaceRoot, roots) : roots.map(() => undefined);
  const scans = scanModules(
    workspaceRoot,
    modules.map((m, i) => ({ root: m.root, modulePath: m.modulePath, hash: hashes[i] })),
    { cache: useCache },
  );

  // Main packages chosen in gocross.json ("mains", "exclude") must exist: checked against the scan.
  const selected = new Map<string, string[]>();
  modules.forEach((m, i) => {
    const r = resolved.get(m.root)!;
    try {
      selected.set(m.root, selectMains(scans[i].mains, r, path.posix.join(m.root, PROJECT_OVERRIDE_FILE), overrideTexts.get(m.root)));
    } catch (e) {
      if (!(e instanceof GocrossConfigError)) throw e;
      errors.push([path.posix.join(m.root, 'go.mod'), e]);
    }
  });

  const inferCtx = {
    externalDependencies: pluginExternalDependencies(workspaceRoot),
    ccIdentityScript: graphScript(workspaceRoot, 'cc-identity.js'),
    versionScript: graphScript(workspaceRoot, 'version.js'),
    optionOutputsFromDefaults: defaultsAppendOptionOutputs(context.nxJsonConfiguration?.targetDefaults as Record<string, unknown> | undefined, `${PLUGIN}:build`),
  };
  let results: [string, CreateNodesResult][] = [];
  /** Infers every project; returns the platforms the targets of project.json files use. */
  const inferAll = (): Platform[] => {
    results = [];
    const used: Platform[] = [];
    modules.forEach((m, i) => {
      const r = resolved.get(m.root)!;
      const sel = selected.get(m.root);
      if (!sel) return;
      const facts = moduleFacts(scans[i], r, sel);
      const pj = projectJsons.get(m.root);
      const { targets, namedInputs, metadata, handPlatforms } = inferTargets(r, facts, host, allPlatforms, pj?.targets ? { ...inferCtx, projectTargets: pj.targets } : inferCtx);
      used.push(...handPlatforms);
      results.push([
        path.posix.join(m.root, 'go.mod'),
        {
          projects: {
            [m.root]: {
              name: projectName(m, pj),
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
    return used;
  };
  // Every project has the named inputs of every platform a target uses (its dependencies' are
  // inputs too). An override in project.json that moves an inferred target to another platform
  // (`"goarm": "6"` on build-linux-arm-7) is seen only now: everything is inferred again then.
  if (inferAll().filter(addPlatform).length > 0) inferAll();
  return reportPerFile(results, errors, options, context);
}


/**
 * The results and errors, one go.mod at a time, through devkit's createNodesFromFiles: Nx lists
 * each error under its go.mod (AggregateCreateNodesError) and keeps the other projects' nodes.
 * The error's message also lists them, for callers that print only the message.
 *
 * @nx/devkit is loaded only when there is an error to report: its index loads most of Nx (about
 * 600 modules, ~150 ms in the plugin worker), which every graph computation would pay otherwise.
 */
async function reportPerFile(
  results: [string, CreateNodesResult][],
  errors: [string, Error][],
  options: GocrossPluginOptions | undefined,
  context: CreateNodesContext,
): Promise<CreateNodesResultArray> {
  if (errors.length === 0) return results;
  const byFile = new Map(results);
  const errorOf = new Map(errors);
  const files = [...new Set([...errors.map(([f]) => f), ...results.map(([f]) => f)])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createNodesFromFiles } = require('@nx/devkit') as typeof import('@nx/devkit');
  try {
    return await createNodesFromFiles(
      (file) => {
        const e = errorOf.get(file);
        if (e) throw e;
        return byFile.get(file) ?? {};
      },
      files,
      options ?? {},
      context,
    );
  } catch (e) {
    if (e instanceof Error && e.name === 'AggregateCreateNodesError') e.message = errors.map(([f, x]) => (x.message.startsWith(`${f}:`) ? x.message : `${f}: ${x.message}`)).join('\n');
    throw e;
  }
}
