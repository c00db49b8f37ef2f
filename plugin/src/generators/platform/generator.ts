import { formatFiles, logger, readNxJson, Tree, updateNxJson } from '@nx/devkit';
import { goProjects, resolveProject } from '../shared/projects';
import { formatPlatform, parsePlatform } from '../../platforms/platform';
import { BUILTIN_DIST_LIST } from '../../platforms/dist-list';
import { DEFAULT_PLATFORMS, PROJECT_OVERRIDE_FILE } from '../../graph/options';
import { GeneratorError, walkFiles } from '../shared/files';
import { SUPPORTED_ASM_ARCHES } from '../asm/stubs';
import { parseSignature } from '../asm/signature';
import { asmArchesOf, baseOf, missingImplementationFix, packageImplementations } from '../../checks/source-scan';
import type { SourceFile } from '../../checks/result';
import { PlatformGeneratorSchema } from './schema';

const PLUGIN = '@gocross/nx';

/** A body-less function that nothing implements for the platform. */
export interface MissingBody {
  project: string;
  /** Package directory, workspace-relative. */
  dir: string;
  file: string;
  /** 1-based line of the declaration. */
  line: number;
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

/** The project's Go and assembly files, with project-relative paths, for the source scanner. */
function projectSources(tree: Tree, root: string): SourceFile[] {
  const prefix = root === '' || root === '.' ? '' : `${root}/`;
  return walkFiles(tree, root, (p) => p.endsWith('.go') || p.endsWith('.s')).map((p) => ({
    path: p.slice(prefix.length),
    content: tree.read(p, 'utf-8') ?? '',
  }));
}

/** Whether the asm generator can read a signature. */
function parses(signature: string): boolean {
  try {
    parseSignature(signature);
    return true;
  } catch {
    return false;
  }
}

/** Workspace-relative path of a project-relative one ('' is the project root itself). */
function inWorkspace(root: string, rel: string): string {
  const r = root === '' || root === '.' ? '' : root;
  return [r, rel].filter(Boolean).join('/') || '.';
}

/**
 * Body-less functions that nothing implements for the platform (the scan asm-coverage runs),
 * each with what to do: the asm generator command when the declaration is in a set the asm
 * generator manages (`<base>_decl.go`) and the arch has Go assembly support, otherwise the
 * files to add or change.
 */
export function findMissingBodies(tree: Tree, projects: { name: string; root: string }[], goos: string, goarch: string, variant?: string): MissingBody[] {
  const missing: MissingBody[] = [];
  const ctx = { goos, goarch, variant, tags: [] as string[], cgo: false };
  for (const project of projects) {
    const sources = projectSources(tree, project.root);
    for (const pkg of packageImplementations(sources, ctx)) {
      for (const b of pkg.missing) {
        const file = inWorkspace(project.root, b.file.path);
        const base = baseOf(b.file.path);
        // A set the asm generator manages: <base>_decl.go next to its <base>_fallback.go, with a
        // signature the generator can lay out. Re-running it with the arch extends the set.
        const set = /^([a-z0-9][a-z0-9_]*)_decl\.go$/.exec(base);
        const managed =
          set !== null &&
          sources.some((f) => f.path === (pkg.dir ? `${pkg.dir}/${set[1]}_fallback.go` : `${set[1]}_fallback.go`)) &&
          parses(b.decl.signature);
        const fix =
          managed && SUPPORTED_ASM_ARCHES.includes(goarch)
            ? `run: nx g @gocross/nx:asm --project ${project.name}${pkg.dir ? ` --directory ${pkg.dir}` : ''} --file ${set![1]} --signature "${b.decl.signature}" --arches ${goarch}`
            : missingImplementationFix(b, goarch, asmArchesOf(sources, pkg.dir, b.decl.name));
        missing.push({
          project: project.name,
          dir: inWorkspace(project.root, pkg.dir),
          file,
          line: b.decl.line,
          name: b.decl.name,
          signature: b.decl.signature,
          fix,
        });
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
    logger.warn(`${m.file}:${m.line}: ${m.name} has no body and no implementation for ${platform}; ${m.fix}`);
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
