/**
 * The published package as installed from its tarball: everything executors.json and
 * generators.json point at is inside, every schema is valid JSON with the options its
 * implementation is written against, and the package's main exports an Nx plugin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspaceRoot } from './utils';

describe('installed @gocross/nx package', () => {
  let pkgDir: string;
  let pkg: { main: string; executors: string; generators: string; files: string[]; dependencies: Record<string, string> };

  beforeAll(() => {
    pkgDir = path.join(workspaceRoot(), 'node_modules', '@gocross', 'nx');
    pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  });

  const resolveJs = (rel: string): string => {
    const base = path.resolve(pkgDir, rel);
    for (const c of [base, `${base}.js`, path.join(base, 'index.js')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
    throw new Error(`${rel} does not resolve to a file in the installed package`);
  };

  test('every executor has its implementation and a JSON schema', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, pkg.executors), 'utf8')).executors as Record<
      string,
      { implementation: string; schema: string }
    >;
    expect(Object.keys(manifest)).toEqual(expect.arrayContaining(['build', 'validate', 'test']));
    for (const [name, e] of Object.entries(manifest)) {
      const impl = require(resolveJs(e.implementation)) as { default?: unknown };
      expect({ name, type: typeof impl.default }).toEqual({ name, type: 'function' });
      const schema = JSON.parse(fs.readFileSync(path.join(pkgDir, e.schema), 'utf8'));
      expect({ name, type: schema.type }).toEqual({ name, type: 'object' });
    }
  });

  test('every generator has its factory and schema', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, pkg.generators), 'utf8')).generators as Record<
      string,
      { factory: string; schema: string }
    >;
    for (const [name, g] of Object.entries(manifest)) {
      const mod = require(resolveJs(g.factory)) as Record<string, unknown>;
      const hasFn = typeof mod.default === 'function' || Object.values(mod).some((v) => typeof v === 'function');
      expect({ name, hasFn }).toEqual({ name, hasFn: true });
      const schema = JSON.parse(fs.readFileSync(path.join(pkgDir, g.schema), 'utf8'));
      expect({ name, type: schema.type }).toEqual({ name, type: 'object' });
    }
  });
  test('main exports createNodesV2 (and createDependencies) for Nx', () => {
    const main = require(resolveJs(pkg.main)) as { createNodesV2?: unknown; createDependencies?: unknown };
    expect(Array.isArray(main.createNodesV2)).toBe(true);
    const [glob, fn] = main.createNodesV2 as [string, unknown];
    expect(typeof glob).toBe('string');
    expect(typeof fn).toBe('function');
    expect(typeof main.createDependencies).toBe('function');
  });

  test('runtime dependencies resolve from the install, not from this repository', () => {
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const resolved = require.resolve(dep, { paths: [pkgDir] });
      expect(resolved.startsWith(workspaceRoot())).toBe(true);
    }
  });
});
