import * as path from 'node:path';
import { addProjectConfiguration, formatFiles, getProjects, names, ProjectConfiguration, readJson, readNxJson, Tree, updateProjectConfiguration } from '@nx/devkit';
import { GeneratorError, joinPath, renderTemplates, sameJson, splitList, writeGenerated } from './files';
import { installedGoVersion, moduleContaining, syncGoWork } from './go';
import { checkModulePath, checkPackageName, packageNameFor } from './module-path';
import { goProjects, resolveProject } from './projects';

export interface GoProjectOptions {
  /** Project name; normalised to kebab-case with @nx/devkit names(). */
  name: string;
  /** Directory, relative to the workspace root (or to the module root with `module`). */
  directory?: string;
  /** Full Go module path of a new module. */
  modulePath?: string;
  /** Prefix from which the module path is derived: `<prefix>/<directory>`. */
  modulePrefix?: string;
  /** Existing project (a Go module) to add a package to, instead of a new module. */
  module?: string;
  /** Go package name; derived from the name by default. Ignored for applications (always main). */
  packageName?: string;
  /** Project tags (comma-separated or repeated). */
  tags?: string | string[];
  force?: boolean;
  skipGoWork?: boolean;
  skipFormat?: boolean;
}

export type GoProjectKind = 'application' | 'library';

export interface GoProjectPlan {
  kind: GoProjectKind;
  projectName: string;
  /** Workspace-relative directory of the package. */
  dir: string;
  /** Import path of the package. */
  importPath: string;
  packageName: string;
  /** Set when a new module is created. */
  newModule?: { path: string; goVersion: string };
  tags: string[];
}

function layoutDir(tree: Tree, kind: GoProjectKind): string {
  const layout = readNxJson(tree)?.workspaceLayout;
  return (kind === 'application' ? layout?.appsDir : layout?.libsDir) ?? (kind === 'application' ? 'apps' : 'libs');
}

function checkRelativeDir(dir: string, option: string): void {
  if (dir.startsWith('/') || dir.split('/').includes('..') || /\\/.test(dir)) {
    throw new GeneratorError(`--${option} "${dir}" must be a relative path inside the workspace, with "/" separators and no ".."`);
  }
}

export function planGoProject(tree: Tree, kind: GoProjectKind, options: GoProjectOptions): GoProjectPlan {
  if (!options.name || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(options.name)) {
    throw new GeneratorError(`invalid name "${options.name ?? ''}": use letters, digits, "-" and "_", starting with a letter`);
  }
  const fileName = names(options.name).fileName;
  const tags = splitList(options.tags);
  if (options.directory !== undefined) checkRelativeDir(options.directory, 'directory');

  if (options.module) {
    if (options.modulePath || options.modulePrefix) {
      throw new GeneratorError('--module adds a package to an existing module: --modulePath and --modulePrefix do not apply');
    }
    const project = resolveProject(tree, options.module, '--module');
    const mod = moduleContaining(tree, project.root);
    if (!mod || !mod.modulePath) {
      throw new GeneratorError(`--module: project "${options.module}" (${project.root}) is not in a Go module (no go.mod with a module line)`);
    }
    const rel = joinPath(options.directory ?? (kind === 'application' ? `cmd/${fileName}` : fileName));
    if (rel === '') throw new GeneratorError('--directory must name a directory below the module root');
    const dir = joinPath(project.root, rel);
    const importPath = `${mod.modulePath}/${joinPath(dir).slice(mod.dir === '' ? 0 : mod.dir.length + 1)}`;
    return {
      kind,
      projectName: options.module,
      dir,
      importPath,
      packageName: resolvePackageName(kind, options, fileName),
      tags,
    };
  }

  const dir = joinPath(options.directory ?? `${layoutDir(tree, kind)}/${fileName}`);
  if (dir === '') throw new GeneratorError('--directory must not be the workspace root');
  const enclosing = moduleContaining(tree, dir);
  if (enclosing && enclosing.dir !== dir) {
    // The project of that module and the directory below its root: the options that add the package there.
    const owner = goProjects(tree).find((p) => p.root === enclosing.dir)?.name;
    const rel = enclosing.dir === '' ? dir : dir.slice(enclosing.dir.length + 1);
    const instead = owner
      ? `nx g @gocross/nx:${kind} ${options.name} --module ${owner} --directory ${rel} adds a package to it`
      : 'the --module option (the project of that module) adds a package to it';
    throw new GeneratorError(
      `${dir} is inside the Go module ${enclosing.modulePath ?? enclosing.dir} (${enclosing.dir || '.'}/go.mod); ` +
        `${instead}, or pick a directory outside it`,
    );
  }
  let modulePath = options.modulePath;
  if (!modulePath) {
    if (!options.modulePrefix) {
      throw new GeneratorError('pass --modulePath (e.g. example.com/api) or --modulePrefix (e.g. example.com/myorg, giving <prefix>/<directory>)');
    }
    modulePath = `${options.modulePrefix.replace(/\/+$/, '')}/${dir}`;
  }
  const bad = checkModulePath(modulePath);
  if (bad) throw new GeneratorError(`invalid Go module path "${modulePath}": ${bad}`);
  const existing = getProjects(tree).get(fileName);
  if (existing && existing.root !== dir) {
    throw new GeneratorError(`a project named "${fileName}" already exists at ${existing.root}`);
  }
  return {
    kind,
    projectName: fileName,
    dir,
    importPath: modulePath,
    packageName: resolvePackageName(kind, options, fileName),
    newModule: { path: modulePath, goVersion: installedGoVersion() },
    tags,
  };
}

function resolvePackageName(kind: GoProjectKind, options: GoProjectOptions, fileName: string): string {
  if (kind === 'application') {
    if (options.packageName && options.packageName !== 'main') {
      throw new GeneratorError('an application is package main: --packageName does not apply');
    }
    return 'main';
  }
  const pkg = options.packageName ?? packageNameFor(fileName);
  const bad = checkPackageName(pkg);
  if (bad) throw new GeneratorError(`${bad}; pass --packageName`);
  return pkg;
}

/** The project.json of a new module's project. */
function projectConfiguration(plan: GoProjectPlan): ProjectConfiguration {
  return { root: plan.dir, projectType: plan.kind, tags: plan.tags };
}

/** The files of a plan, path → content, rendered from the generators' `files/` templates (project.json aside). */
export function renderGoProject(tree: Tree, plan: GoProjectPlan): Record<string, string> {
  const last = plan.dir.slice(plan.dir.lastIndexOf('/') + 1);
  const vars = { last, packageName: plan.packageName, importPath: plan.importPath };
  return {
    ...(plan.newModule ? renderTemplates(tree, path.join(__dirname, 'module', 'files'), plan.dir, { modulePath: plan.newModule.path, goVersion: plan.newModule.goVersion }) : {}),
    ...renderTemplates(tree, path.join(__dirname, '..', plan.kind, 'files'), plan.dir, vars),
  };
}

/**
 * Creates the project.json of a new module's project through devkit (addProjectConfiguration),
 * or, with force, rewrites a different one (updateProjectConfiguration). An existing one with the
 * same content (formatting aside) is left alone.
 */
function writeProjectConfiguration(tree: Tree, plan: GoProjectPlan, force: boolean | undefined): void {
  const file = `${plan.dir}/project.json`;
  const config = projectConfiguration(plan);
  if (!tree.exists(file)) {
    addProjectConfiguration(tree, plan.projectName, config);
    return;
  }
  if (projectJsonMatches(tree, plan)) return;
  if (!force) throw new GeneratorError(`refusing to overwrite ${file}: it already exists with different content (pass --force to replace it)`);
  updateProjectConfiguration(tree, plan.projectName, config);
}

/** Whether an existing project.json says what the plan's would (formatting aside). */
function projectJsonMatches(tree: Tree, plan: GoProjectPlan): boolean {
  const file = `${plan.dir}/project.json`;
  let current: Record<string, unknown>;
  try {
    current = readJson(tree, file);
  } catch {
    return false;
  }
  const want: Record<string, unknown> = {
    name: plan.projectName,
    $schema: `${'../'.repeat(plan.dir.split('/').length)}node_modules/nx/schemas/project-schema.json`,
    projectType: plan.kind,
    tags: plan.tags,
  };
  return sameJson(file, JSON.stringify(current), JSON.stringify(want));
}

export async function goProjectGenerator(tree: Tree, kind: GoProjectKind, options: GoProjectOptions): Promise<GoProjectPlan> {
  const plan = planGoProject(tree, kind, options);
  const files = renderGoProject(tree, plan);
  // Check every file before writing any, so a refusal leaves the tree untouched.
  if (!options.force) {
    if (plan.newModule && tree.exists(`${plan.dir}/project.json`) && !projectJsonMatches(tree, plan)) {
      throw new GeneratorError(`refusing to overwrite ${plan.dir}/project.json: it already exists with different content (pass --force to replace it)`);
    }
    for (const [file, content] of Object.entries(files)) {
      if (tree.exists(file) && tree.read(file, 'utf-8') !== content && !sameJson(file, tree.read(file, 'utf-8'), content)) {
        throw new GeneratorError(`refusing to overwrite ${file}: it already exists with different content (pass --force to replace it)`);
      }
    }
  }
  if (plan.newModule) writeProjectConfiguration(tree, plan, options.force);
  for (const [file, content] of Object.entries(files)) writeGenerated(tree, file, content, options.force);
  if (!options.skipGoWork && plan.newModule) syncGoWork(tree);
  if (!options.skipFormat) await formatFiles(tree);
  return plan;
}
