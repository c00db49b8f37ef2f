import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateDependenciesContext, ProjectConfiguration } from '@nx/devkit';
import { createDependencies } from '../index';
import { goEdges, goProjects } from './create-dependencies';
import { describeIf, gate } from '../test-utils/gates';
import { writeTempTree } from '../test-utils/tree';

type Files = Record<string, string>;

const hasGo = !spawnSync('go', ['version']).error;
const describeGo = describeIf(gate(hasGo, 'needs go on PATH'));

const write = (files: Files): string => writeTempTree('gocross-deps-', files);

interface ListedPackage {
  ImportPath: string;
  Imports?: string[];
  ForTest?: string;
  Module?: { Path: string; Dir?: string; Main?: boolean; Replace?: { Dir?: string } };
  Standard?: boolean;
}

/** Direct module-level edges from `go list -deps [-test] -json ./...` run in every module. */
function goListEdges(root: string, roots: Record<string, string>, test: boolean): string[] {
  const dirToName = new Map(Object.entries(roots).map(([r, n]) => [fs.realpathSync(path.join(root, r)), n]));
  const edges = new Set<string>();
  for (const [r, name] of Object.entries(roots)) {
    const args = ['list', '-e', '-deps', ...(test ? ['-test'] : []), '-json', './...'];
    const res = spawnSync('go', args, {
      cwd: path.join(root, r),
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local', ...(fs.existsSync(path.join(root, 'go.work')) ? { GOWORK: path.join(root, 'go.work'), GOFLAGS: '' } : { GOWORK: 'off', GOFLAGS: '-mod=mod' }) },
    });
    if (res.status !== 0) throw new Error(`go list in ${r}: ${res.stderr}`);
    const pkgs: ListedPackage[] = JSON.parse(`[${res.stdout.replace(/}\n{/g, '},\n{')}]`);
    const strip = (p: string) => p.replace(/ \[.*\]$/, '');
    const moduleDirOf = new Map<string, string>();
    for (const p of pkgs) {
      const dir = p.Module?.Replace?.Dir ?? p.Module?.Dir;
      if (dir) moduleDirOf.set(strip(p.ImportPath), fs.realpathSync(dir));
    }
    const ownDir = fs.realpathSync(path.join(root, r));
    for (const p of pkgs) {
      if (p.Standard || moduleDirOf.get(strip(p.ImportPath)) !== ownDir) continue;
      if (p.ImportPath.endsWith('.test')) continue; // generated test main
      for (const imp of p.Imports ?? []) {
        const d = moduleDirOf.get(strip(imp));
        const target = d && dirToName.get(d);
        if (target && target !== name) edges.add(`${name} -> ${target}`);
      }
    }
  }
  return [...edges].sort();
}

const projectsOf = (roots: Record<string, string>): Record<string, ProjectConfiguration> =>
  Object.fromEntries(Object.entries(roots).map(([r, n]) => [n, { root: r, name: n }]));

function ours(root: string, roots: Record<string, string>, testDependencies: boolean): string[] {
  const projects = goProjects({ projects: projectsOf(roots), workspaceRoot: root });
  return goEdges(root, projects, { testDependencies })
    .map((e) => `${e.source} -> ${e.target}`)
    .sort();
}

const pkg = (name: string, imports: string[], body = '') =>
  `// header comment with import "fake/x"\npackage ${name}\n\nimport (\n${imports.map((i) => `\t_ "${i}"`).join('\n')}\n)\n${body}`;

describeGo('import graph equals go list', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  it('go.work workspace with a nested module, test-only imports, ignored files and dirs', () => {
    const files: Files = {
      'go.work': 'go 1.22\n\nuse (\n\t./apps/a\n\t./libs/b\n\t./libs/b/sub\n\t./libs/c\n\t./libs/d\n)\n',
      'apps/a/go.mod': 'module example.com/a\n\ngo 1.22\n',
      'apps/a/main.go': `package main\n\nimport (\n\t"fmt"\n\tu "example.com/b/util"\n\t. "example.com/b/sub/x"\n)\n\nvar _ = u.X\nvar _ = Y\n\nfunc main() { fmt.Println() }\n`,
      'apps/a/main_test.go': pkg('main', ['example.com/c']),
      'apps/a/gen.go': '//go:build ignore\n\n' + pkg('main', ['example.com/d']),
      'apps/a/testdata/t.go': pkg('t', ['example.com/d']),
      'apps/a/_skip/s.go': pkg('s', ['example.com/d']),
      'libs/b/go.mod': 'module example.com/b\n\ngo 1.22\n',
      'libs/b/util/util.go': pkg('util', ['example.com/c', 'strings'], 'var X = 1\n'),
      'libs/b/util/util_ext_test.go': pkg('util_test', ['example.com/d']),
      'libs/b/sub/go.mod': 'module example.com/b/sub\n\ngo 1.22\n',
      'libs/b/sub/x/x.go': 'package x\n\nvar Y = 2\n',
      'libs/c/go.mod': 'module example.com/c\n\ngo 1.22\n',
      'libs/c/c.go': 'package c\n',
      'libs/c/linux.go': '//go:build linux\n\n' + pkg('c', ['example.com/d']),
      'libs/d/go.mod': 'module example.com/d\n\ngo 1.22\n',
      'libs/d/d.go': 'package d\n',
    };
    const root = write(files);
    roots.push(root);
    const projectRoots = { 'apps/a': 'a', 'libs/b': 'b', 'libs/b/sub': 'sub', 'libs/c': 'c', 'libs/d': 'd' };
    const want = goListEdges(root, projectRoots, false);
    expect(want).toEqual(['a -> b', 'a -> sub', 'b -> c', 'c -> d']);
    expect(ours(root, projectRoots, false)).toEqual(want);
    const wantTest = goListEdges(root, projectRoots, true);
    expect(wantTest).toEqual(['a -> b', 'a -> c', 'a -> sub', 'b -> c', 'b -> d', 'c -> d']);
    expect(ours(root, projectRoots, true)).toEqual(wantTest);
  });

  it('local replace directives without go.work; module versions from elsewhere are not edges', () => {
    const files: Files = {
      'app/go.mod': 'module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\nrequire example.com/util v0.0.0\n\nreplace (\n\texample.com/lib => ../lib\n\texample.com/util => ../util\n)\n',
      'app/main.go': pkg('main', ['example.com/lib/pkg'], 'func main() {}\n'),
      'lib/go.mod': 'module example.com/lib\n\ngo 1.22\n\nrequire example.com/util v0.0.0\n\nreplace example.com/util => ../util\n',
      'lib/pkg/p.go': pkg('pkg', ['example.com/util']),
      'util/go.mod': 'module example.com/util\n\ngo 1.22\n',
      'util/u.go': 'package util\n',
      'other/go.mod': 'module example.com/other\n\ngo 1.22\n',
      'other/o.go': 'package other\n',
    };
    const root = write(files);
    roots.push(root);
    const projectRoots = { app: 'app', lib: 'lib', util: 'util', other: 'other' };
    const want = goListEdges(root, projectRoots, true);
    expect(want).toEqual(['app -> lib', 'lib -> util']);
    expect(ours(root, projectRoots, true)).toEqual(want);
  });

  it('createDependencies returns static edges with source files Nx accepts', async () => {
    const root = write({
      'go.work': 'go 1.22\nuse ./x\nuse ./y\n',
      'x/go.mod': 'module example.com/x\n',
      'x/x.go': pkg('x', ['example.com/y']),
      'x/x_test.go': pkg('x', ['example.com/z']),
      'y/go.mod': 'module example.com/y\n',
      'y/y.go': 'package y\n',
    });
    roots.push(root);
    const projects = projectsOf({ x: 'x', y: 'y' });
    const ctx: CreateDependenciesContext = {
      projects,
      workspaceRoot: root,
      nxJsonConfiguration: {},
      externalNodes: {},
      fileMap: { nonProjectFiles: [], projectFileMap: { x: [{ file: 'x/x.go', hash: '1' }, { file: 'x/x_test.go', hash: '2' }], y: [{ file: 'y/y.go', hash: '3' }] } },
      filesToProcess: { nonProjectFiles: [], projectFileMap: {} },
    };
    expect(await createDependencies({}, ctx)).toEqual([{ source: 'x', target: 'y', sourceFile: 'x/x.go', type: 'static' }]);
  });
});
