import { formatFiles, logger, readNxJson, Tree, updateNxJson } from '@nx/devkit';
import { goProjects, resolveProject } from '../shared/projects';
import { formatPlatform, parsePlatform } from '../../platforms/platform';
import { BUILTIN_DIST_LIST } from '../../platforms/dist-list';
import { fileIncluded } from '../../platforms/constraints';
import { DEFAULT_PLATFORMS, PROJECT_OVERRIDE_FILE } from '../../graph/options';
import { GeneratorError, walkFiles } from '../shared/files';
import { SUPPORTED_ASM_ARCHES } from '../asm/stubs';
import { textSymbols } from '../asm/stubs';
import { PlatformGeneratorSchema } from './schema';

const PLUGIN = '@gocross/nx';

/** A body-less function that nothing implements for the platform. */
export interface MissingBody {
  project: string;
  /** Package directory, workspace-relative. */
  dir: string;
  file: string;
  name: string;
  signature: string;
  /** What to run (or do) about it. */
  fix: string;
}

export interface PlatformResult {
  platform: string;
  /** Where the platform was added ('nx.json' or `<root>/gocross.json`); undefined when it was already there. */
  addedTo?: string;
  missing: MissingBody[];
}

type PluginEntry = string | { plugin: string; options?: Record<string, unknown> };

function workspacePlatforms(tree: Tree): string[] {
  const entry = ((readNxJson(tree)?.plugins ?? []) as PluginEntry[]).find((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN);
  const list = entry && typeof entry !== 'string' ? (entry.options?.['platforms'] as string[] | undefined) : undefined;
  return list ? [...list] : [...DEFAULT_PLATFORMS];
}

function addToWorkspace(tree: Tree, platform: string): boolean {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = (nxJson.plugins ?? []) as PluginEntry[];
  let i = plugins.findIndex((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN);
  if (i < 0) {
    plugins.push({ plugin: PLUGIN, options: { platforms: [...DEFAULT_PLATFORMS] } });
    i = plugins.length - 1;
  }
  const cur = plugins[i];
  const entry = typeof cur === 'string' ? { plugin: PLUGIN, options: {} as Record<string, unknown> } : { ...cur, options: { ...(cur.options ?? {}) } };
  const list = Array.isArray(entry.options['platforms']) ? [...(entry.options['platforms'] as string[])] : [...DEFAULT_PLATFORMS];
  if (list.some((p) => samePlatformText(p, platform)) && typeof cur !== 'string' && Array.isArray(cur.options?.['platforms'])) return false;
  if (!list.some((p) => samePlatformText(p, platform))) list.push(platform);
  entry.options['platforms'] = list;
  plugins[i] = entry;
  nxJson.plugins = plugins as typeof nxJson.plugins;
  updateNxJson(tree, nxJson);
  return true;
}

function samePlatformText(a: string, b: string): boolean {
  try {
    return formatPlatform(parsePlatform(a)) === formatPlatform(parsePlatform(b));
  } catch {
    return a === b;
  }
}

function addToProject(tree: Tree, root: string, platform: string): string | undefined {
  const file = root === '' || root === '.' ? PROJECT_OVERRIDE_FILE : `${root}/${PROJECT_OVERRIDE_FILE}`;
  let doc: Record<string, unknown> = {};
  if (tree.exists(file)) {
    try {
      doc = JSON.parse(tree.read(file, 'utf-8') ?? '{}');
    } catch (e) {
      throw new GeneratorError(`${file}: ${(e as Error).message}`);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new GeneratorError(`${file}: expected a JSON object`);
  }
  // A project's platforms replace the workspace ones, so a new list starts from the workspace matrix.
  const list = Array.isArray(doc['platforms']) ? [...(doc['platforms'] as string[])] : workspacePlatforms(tree);
  if (Array.isArray(doc['platforms']) && list.some((p) => samePlatformText(p, platform))) return undefined;
  if (!list.some((p) => samePlatformText(p, platform))) list.push(platform);
  doc['platforms'] = list;
  tree.write(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

/** Body-less `func Name(...)` declarations of a Go file (methods and multi-line signatures aside). */
function bodylessFunctions(content: string): { name: string; signature: string }[] {
  const out: { name: string; signature: string }[] = [];
  const lines = content.split('\n');
  lines.forEach((line, i) => {
    const m = /^func\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(.*\)[^{]*$/.exec(line.trimEnd());
    if (!m || (i > 0 && /^\/\/go:linkname/.test(lines[i - 1]))) return;
    out.push({ name: m[1], signature: line.trim() });
  });
  return out;
}

export function findMissingBodies(tree: Tree, projects: { name: string; root: string }[], goos: string, goarch: string, variant?: string): MissingBody[] {
  const missing: MissingBody[] = [];
  for (const project of projects) {
    const files = walkFiles(tree, project.root, (p) => p.endsWith('.go') || p.endsWith('.s'));
    const byDir = new Map<string, string[]>();
    for (const f of files) {
      const dir = f.slice(0, f.lastIndexOf('/'));
      byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
    }
    for (const [dir, list] of byDir) {
      const ctx = { goos, goarch, variant };
      const included = list.filter((f) => !f.endsWith('_test.go') && fileIncluded(f.slice(f.lastIndexOf('/') + 1), tree.read(f, 'utf-8') ?? '', ctx));
      const texts = new Set(included.filter((f) => f.endsWith('.s')).flatMap((f) => textSymbols(tree.read(f, 'utf-8') ?? '')));
      for (const f of included.filter((x) => x.endsWith('.go'))) {
        for (const fn of bodylessFunctions(tree.read(f, 'utf-8') ?? '')) {
          if (texts.has(fn.name)) continue;
          const rel = dir === project.root ? '.' : dir.slice(project.root.length + 1);
          const fix = SUPPORTED_ASM_ARCHES.includes(goarch)
            ? `nx g @gocross/nx:asm --project ${project.name}${rel === '.' ? '' : ` --directory ${rel}`} --signature "${fn.signature}" --arches ${goarch}` +
              ` (or give ${f.slice(f.lastIndexOf('/') + 1)} a constraint that excludes ${goarch} and a pure-Go fallback for the rest)`
            : `${goarch} has no Go assembly: give ${f.slice(f.lastIndexOf('/') + 1)} a constraint that excludes ${goarch} and add a pure-Go fallback`;
          missing.push({ project: project.name, dir, file: f, name: fn.name, signature: fn.signature, fix });
        }
      }
    }
  }
  return missing;
}

export async function platformGenerator(tree: Tree, options: PlatformGeneratorSchema): Promise<PlatformResult> {
  let platform: string;
  let parsed;
  try {
    parsed = parsePlatform(options.platform ?? '');
    platform = formatPlatform(parsed);
  } catch (e) {
    throw new GeneratorError((e as Error).message);
  }
  if (!BUILTIN_DIST_LIST.some((e) => e.goos === parsed.goos && e.goarch === parsed.goarch)) {
    throw new GeneratorError(`${parsed.goos}/${parsed.goarch} is not a platform Go supports (see go tool dist list)`);
  }
  const result: PlatformResult = { platform, missing: [] };
  let projects: { name: string; root: string }[];
  if (options.project) {
    const project = resolveProject(tree, options.project);
    if (!tree.exists(project.root === '' ? 'go.mod' : `${project.root}/go.mod`)) {
      throw new GeneratorError(`--project: ${options.project} (${project.root || '.'}) has no go.mod`);
    }
    result.addedTo = addToProject(tree, project.root, platform);
    projects = [{ name: options.project, root: project.root }];
  } else {
    result.addedTo = addToWorkspace(tree, platform) ? 'nx.json' : undefined;
    projects = goProjects(tree);
  }
  result.missing = findMissingBodies(tree, projects, parsed.goos, parsed.goarch, parsed.variant);
  logger.info(result.addedTo ? `added ${platform} to ${result.addedTo}` : `${platform} is already in the matrix`);
  for (const m of result.missing) {
    logger.warn(`${m.file}: ${m.name} has no body for ${platform}. ${m.fix}`);
  }
  if (!options.skipFormat) await formatFiles(tree);
  return result;
}

/**
 * Entry point for the Nx CLI. Nx runs whatever a generator returns as a follow-up task, so the
 * entry point returns nothing; the named export returns its result for programmatic callers.
 */
export default async function (tree: Tree, options: Parameters<typeof platformGenerator>[1]): Promise<void> {
  await platformGenerator(tree, options);
}
