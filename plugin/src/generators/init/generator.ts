import { formatFiles, readNxJson, Tree, updateNxJson, writeJson } from '@nx/devkit';
import { formatPlatform, parsePlatform, PlatformSyntaxError } from '../../platforms/platform';
import { GeneratorError, splitList, writeGenerated } from '../shared/files';
import { syncGoWork } from '../shared/go';
import { DEFAULT_PLATFORMS } from '../../graph/options';
import { BUILD_OUTPUT_OPTIONS } from '../../platforms/outputs';

export { syncGoWork };
import { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = '@gocross/nx';

/** The default matrix, shared with the project graph (linux/amd64, linux/arm64, linux/arm/7, linux/riscv64, darwin/arm64, windows/amd64). */
export { DEFAULT_PLATFORMS };

/**
 * `outputs` of every `@gocross/nx:build` target: what the target already declares (`...`: the
 * inferred targets list their own directory) plus what its options name, so a hand-written
 * target with `outputDir` or `outputPath` is cached and replayed with its files and manifests.
 */
export const BUILD_TARGET_OUTPUTS: readonly string[] = ['...', ...BUILD_OUTPUT_OPTIONS];

export const POLICY_FILE = 'gocross.policy.json';

/** Default policy: every check at its built-in severity; entries here override one check each. */
export const DEFAULT_POLICY = { checks: {} as Record<string, unknown> };

/** What a workspace must not commit: build output, reports, installed packages, Nx's cache and workspace data. */
export const GITIGNORE_ENTRIES: readonly string[] = ['dist/', 'reports/', 'node_modules/', '.nx/cache/', '.nx/workspace-data/'];

export function normalisePlatforms(value: string[] | string | undefined): string[] {
  const items = splitList(value);
  if (items.length === 0) return [...DEFAULT_PLATFORMS];
  const out: string[] = [];
  for (const item of items) {
    try {
      const p = formatPlatform(parsePlatform(item));
      if (!out.includes(p)) out.push(p);
    } catch (e) {
      if (e instanceof PlatformSyntaxError) throw new GeneratorError(e.message);
      throw e;
    }
  }
  return out;
}

type PluginEntry = string | { plugin: string; options?: unknown };

function pluginName(entry: PluginEntry): string {
  return typeof entry === 'string' ? entry : entry.plugin;
}

/** nx.json's JSON schema as installed with nx, for editors (the path `nx init` writes too). */
export const NX_JSON_SCHEMA = './node_modules/nx/schemas/nx-schema.json';

/**
 * Adds the plugin and target defaults to nx.json without touching what is
 * there. Creates nx.json when the workspace has none (devkit's updateNxJson writes only an
 * existing file, so the plugin would otherwise be registered nowhere).
 */
function updateNxConfiguration(tree: Tree, platforms: string[]): void {
  const existed = tree.exists('nx.json');
  const nxJson = readNxJson(tree) ?? {};
  const before = existed ? JSON.stringify(nxJson) : '';
  const plugins = (nxJson.plugins ?? []) as PluginEntry[];
  if (!plugins.some((p) => pluginName(p) === PLUGIN_NAME)) {
    plugins.push({ plugin: PLUGIN_NAME, options: { platforms } });
  }
  nxJson.plugins = plugins as typeof nxJson.plugins;
  nxJson.targetDefaults = nxJson.targetDefaults ?? {};
  for (const key of ['build', 'validate', `${PLUGIN_NAME}:build`, `${PLUGIN_NAME}:validate`]) {
    const current = nxJson.targetDefaults[key];
    if (current === undefined) nxJson.targetDefaults[key] = { cache: true };
    else if (!Array.isArray(current) && current.cache === undefined) current.cache = true;
    // An array of filtered entries is the user's own arrangement: left as it is.
  }
  const build = nxJson.targetDefaults[`${PLUGIN_NAME}:build`];
  if (build && !Array.isArray(build) && build.outputs === undefined) build.outputs = [...BUILD_TARGET_OUTPUTS];
  if (!existed) writeJson(tree, 'nx.json', { $schema: NX_JSON_SCHEMA, ...nxJson });
  else if (JSON.stringify(nxJson) !== before) updateNxJson(tree, nxJson);
}

function updateGitignore(tree: Tree): void {
  const text = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') ?? '' : '';
  const present = new Set(text.split('\n').map((l) => l.trim().replace(/^\//, '').replace(/\/$/, '')));
  const missing = GITIGNORE_ENTRIES.filter((e) => !present.has(e.replace(/\/$/, '')));
  if (missing.length === 0) return;
  const prefix = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  tree.write('.gitignore', `${prefix}${missing.map((m) => `/${m}\n`).join('')}`);
}

export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}) {
  const platforms = normalisePlatforms(options.platforms);
  updateNxConfiguration(tree, platforms);
  if (!options.skipPolicy && !tree.exists(POLICY_FILE)) {
    writeGenerated(tree, POLICY_FILE, `${JSON.stringify(DEFAULT_POLICY, null, 2)}\n`);
  }
  updateGitignore(tree);
  if (!options.skipGoWork) syncGoWork(tree);
  if (!options.skipFormat) await formatFiles(tree);
}

/**
 * Entry point for the Nx CLI. Nx runs whatever a generator returns as a follow-up task, so the
 * entry point returns nothing; the named export returns its result for programmatic callers.
 */
export default async function (tree: Tree, options: Parameters<typeof initGenerator>[1]): Promise<void> {
  await initGenerator(tree, options);
}
