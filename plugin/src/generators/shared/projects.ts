import { getProjects, Tree } from '@nx/devkit';
import { lastPathElement } from '../../platforms/outputs';
import { GeneratorError } from './files';
import { findGoModules } from './go';

export interface GoProjectRef {
  name: string;
  /** Workspace-relative root ('' for the workspace root). */
  root: string;
}

/**
 * The Go projects of the tree, named as the plugin's project graph names them: the `name` of a
 * project.json next to go.mod, else the module path's last element (`example.com/tool/v2` → tool).
 * Modules with no project.json exist for Nx only through the plugin's inferred projects, which a
 * generator's tree does not list, so they are found here from their go.mod.
 */
export function goProjects(tree: Tree): GoProjectRef[] {
  const byRoot = new Map<string, string>();
  for (const [name, p] of getProjects(tree)) byRoot.set(p.root === '.' ? '' : p.root, name);
  return findGoModules(tree).map((m) => ({
    name: byRoot.get(m.dir) ?? (m.modulePath ? lastPathElement(m.modulePath) : m.dir.slice(m.dir.lastIndexOf('/') + 1)),
    root: m.dir,
  }));
}

/** A project by name: a configured Nx project, or a Go module the plugin infers a project for. */
export function resolveProject(tree: Tree, name: string, option = '--project'): GoProjectRef {
  const configured = getProjects(tree).get(name);
  if (configured) return { name, root: configured.root === '.' ? '' : configured.root };
  const matches = goProjects(tree).filter((p) => p.name === name);
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new GeneratorError(`${option}: "${name}" is ambiguous: Go modules at ${matches.map((m) => m.root || '.').join(', ')} are all named so; give them project.json names`);
  }
  throw new GeneratorError(`${option}: no project named "${name}" in the workspace`);
}
