/**
 * createDependencies: edges between Go projects from the imports of their packages.
 *
 * An import resolves to a workspace module the way `go` resolves it:
 *   - with a go.work at the workspace root, every `use`d module is found by its module path;
 *   - a `replace` to a local directory (in go.work, or in the importing module's go.mod) that is
 *     a project root points the replaced module path at that project;
 *   - otherwise the import is of a downloaded module version, not a workspace edge.
 * The longest matching module path wins (nested modules). Files are selected as `go list ./...`
 * selects them (see scan.ts); build constraints are not evaluated, so an import needed on any
 * platform is an edge.
 *
 * Imports of `_test.go` files become edges too (option `testDependencies`, default true), with
 * the test file as source file: `nx affected -t test` must see them. They are static edges like
 * the others; Nx has no separate edge kind for test-only imports.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
// Types only: loading @nx/devkit at run time costs the plugin worker ~150 ms of module loading.
import type { CreateDependencies, CreateDependenciesContext, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import { GoMod, isLocalReplacement, parseGoMod, Replace } from '../gowork/modfile';
import { normaliseRoot, readGoWorkspace } from './discovery';
import type { ModuleScan } from './scan';
import type { PluginOptionsConfig } from './config-schema';
import { moduleFileHashes, scanModules } from './scan-cache';

/** The plugin option createDependencies reads (config-schema.ts). */
export type GoDependencyOptions = Pick<PluginOptionsConfig, 'testDependencies'>;

interface GoProject {
  name: string;
  root: string;
  modulePath: string;
  mod: GoMod;
}

/** `a` is `p` or a path under `p`. */
const underPath = (imp: string, mp: string): boolean => imp === mp || imp.startsWith(`${mp}/`);

export function goProjects(context: Pick<CreateDependenciesContext, 'projects' | 'workspaceRoot'>): GoProject[] {
  const out: GoProject[] = [];
  for (const [name, cfg] of Object.entries(context.projects)) {
    const root = normaliseRoot(cfg.root);
    let text: string;
    try {
      text = fs.readFileSync(path.join(context.workspaceRoot, root, 'go.mod'), 'utf8');
    } catch {
      continue;
    }
    const mod = parseGoMod(text);
    if (!mod.module) continue;
    out.push({ name, root, modulePath: mod.module, mod });
  }
  return out;
}

export interface GoEdge {
  source: string;
  target: string;
  /** Workspace-relative file with the import. */
  sourceFile: string;
  test: boolean;
}

/** Module-level edges (pure: no Nx types), one per (source, target) pair. */
export function goEdges(
  workspaceRoot: string,
  projects: GoProject[],
  opts: GoDependencyOptions = {},
  scans: ModuleScan[] = scanModules(workspaceRoot, projects.map((p) => ({ root: p.root, modulePath: p.modulePath })), { cache: false }),
): GoEdge[] {
  const ws = readGoWorkspace(workspaceRoot);
  const byRoot = new Map(projects.map((p) => [p.root, p]));
  const inWorkspace = ws.used ? projects.filter((p) => ws.used!.has(p.root)) : [];

  const replaceTargets = (replaces: Replace[], baseDir: string): [string, GoProject][] => {
    const out: [string, GoProject][] = [];
    for (const r of replaces) {
      if (!isLocalReplacement(r.newPath)) continue;
      const abs = path.resolve(workspaceRoot, baseDir, r.newPath);
      const rel = path.relative(workspaceRoot, abs);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const target = byRoot.get(normaliseRoot(rel));
      if (target) out.push([r.oldPath, target]);
    }
    return out;
  };
  const workReplaces = ws.goWork ? replaceTargets(ws.goWork.replaces, '.') : [];
  const inWorkspaceReplaces = inWorkspace.flatMap((m) => replaceTargets(m.mod.replaces, m.root));
  let wsTable: Map<string, GoProject> | undefined;

  const edges: GoEdge[] = [];
  const testEdges = opts.testDependencies !== false;
  projects.forEach((src, srcIndex) => {
    // module path → project. Replacements first (go.work's override the go.mod ones), then the
    // workspace modules themselves, which a replacement cannot shadow.
    let table = new Map<string, GoProject>();
    if (ws.used?.has(src.root)) {
      if (!wsTable) {
        wsTable = new Map();
        for (const [mp, p] of inWorkspaceReplaces) wsTable.set(mp, p);
        for (const [mp, p] of workReplaces) wsTable.set(mp, p);
        for (const p of inWorkspace) wsTable.set(p.modulePath, p);
      }
      table = wsTable;
    } else {
      for (const [mp, p] of replaceTargets(src.mod.replaces, src.root)) table.set(mp, p);
    }
    // Longest module path that is a prefix of the import path (at a `/` boundary).
    const resolve = (imp: string): GoProject | undefined => {
      let prefix = imp;
      for (;;) {
        const p = table.get(prefix);
        if (p) return p;
        const slash = prefix.lastIndexOf('/');
        if (slash < 0) return undefined;
        prefix = prefix.slice(0, slash);
      }
    };
    const scan = scans[srcIndex];
    const found = new Map<string, GoEdge>();
    for (const pkg of scan.packages) {
      const consider = (imp: string, test: boolean): void => {
        if (underPath(imp, src.modulePath)) {
          // own package, unless a nested workspace module owns that path
          const t = resolve(imp);
          if (!t || t.modulePath.length <= src.modulePath.length) return;
        }
        const target = resolve(imp);
        if (!target || target.name === src.name) return;
        const prev = found.get(target.name);
        if (prev && (!prev.test || test)) return;
        const file = pkg.importedBy[imp];
        found.set(target.name, {
          source: src.name,
          target: target.name,
          sourceFile: path.posix.join(src.root === '.' ? '' : src.root, file),
          test,
        });
      };
      for (const imp of pkg.imports) consider(imp, false);
      if (testEdges) for (const imp of pkg.testImports) consider(imp, true);
    }
    edges.push(...[...found.values()].sort((a, b) => (a.target < b.target ? -1 : 1)));
  });
  return edges;
}

// DependencyType's values, spelled out so that the enum (and @nx/devkit with it) need not be loaded.
const STATIC = 'static' as unknown as DependencyType.static;
const IMPLICIT = 'implicit' as unknown as DependencyType.implicit;

export const createGoDependencies: CreateDependencies<GoDependencyOptions> = async (options, context) => {
  const projects = goProjects(context);
  const hashes = await moduleFileHashes(context.workspaceRoot, projects.map((p) => p.root));
  const scans = scanModules(
    context.workspaceRoot,
    projects.map((p, i) => ({ root: p.root, modulePath: p.modulePath, hash: hashes[i] })),
  );
  // What Nx's validateDependency requires of a static edge: its source file is one of the
  // source project's files.
  const filesOf = new Map<string, Set<string>>();
  const owns = (project: string, file: string): boolean => {
    let set = filesOf.get(project);
    if (!set) {
      set = new Set((context.fileMap?.projectFileMap?.[project] ?? []).map((f) => f.file));
      filesOf.set(project, set);
    }
    return set.has(file);
  };
  const deps: RawProjectGraphDependency[] = [];
  for (const e of goEdges(context.workspaceRoot, projects, options ?? {}, scans)) {
    if (e.sourceFile && owns(e.source, e.sourceFile)) {
      deps.push({ source: e.source, target: e.target, sourceFile: e.sourceFile, type: STATIC });
    } else {
      // The file is not attributed to the source project (e.g. it belongs to a nested non-Go
      // project); keep the edge without a source file rather than dropping it.
      deps.push({ source: e.source, target: e.target, type: IMPLICIT });
    }
  }
  return deps;
};
