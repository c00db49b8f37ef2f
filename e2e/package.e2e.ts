/**
 * The published package as installed from its tarball: everything executors.json and
 * generators.json point at is inside, every schema is valid JSON with the options its
 * implementation is written against, and the package's main exports an Nx plugin.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, run, workspaceRoot } from './utils';

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

  test('every docs path in a JSON report of the installed gocross names a page inside the package', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-docs-'));
    try {
      // A host binary under a linux_arm64 path (binary-arch and more) and a truncated ELF (input).
      const host = fs.realpathSync('/bin/true');
      fs.mkdirSync(path.join(dir, 'dist', 'app_linux_arm64'), { recursive: true });
      fs.copyFileSync(host, path.join(dir, 'dist', 'app_linux_arm64', 'app'));
      fs.mkdirSync(path.join(dir, 'dist', 'app_linux_amd64'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dist', 'app_linux_amd64', 'app'), fs.readFileSync(host).subarray(0, 80));
      const bin = path.join(workspaceRoot(), 'node_modules', '.bin', 'gocross');
      const r = run(bin, ['validate', '--format', 'json', 'dist'], { cwd: dir, env: { CI: 'true' } });
      if (r.code !== 1) throw new Error(describeRun('gocross validate --format json dist', r));
      const report = JSON.parse(r.stdout) as { artifacts: { findings: { checkId: string; docs: string }[] }[]; checks: { id: string; docs: string }[] };
      const docs = [
        ...report.artifacts.flatMap((a) => a.findings.map((f) => ({ id: f.checkId, docs: f.docs }))),
        ...report.checks.map((c) => ({ id: c.id, docs: c.docs })),
      ];
      expect(docs.map((d) => d.id)).toEqual(expect.arrayContaining(['binary-arch', 'input']));
      const realPkg = fs.realpathSync(pkgDir);
      for (const d of docs) {
        const inside = path.isAbsolute(d.docs) && fs.existsSync(d.docs) && fs.realpathSync(d.docs).startsWith(realPkg + path.sep);
        expect({ ...d, inside }).toEqual({ ...d, inside: true });
      }
      // SARIF keeps URLs (it is uploaded elsewhere) and carries the installed pages as rule help.
      const s = run(bin, ['validate', '--format', 'sarif', 'dist'], { cwd: dir, env: { CI: 'true' } });
      const rules = JSON.parse(s.stdout).runs[0].tool.driver.rules as { id: string; helpUri: string; help: { markdown: string } }[];
      expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(['binary-arch', 'input']));
      for (const r of rules) {
        expect({ id: r.id, helpUri: r.helpUri }).toEqual({ id: r.id, helpUri: expect.stringMatching(/^https:\/\/.*\/docs\/checks\/[a-z0-9-]+\.md$/) });
        expect({ id: r.id, page: r.help.markdown.startsWith(`# ${r.id}`), local: s.stdout.includes(realPkg) }).toEqual({ id: r.id, page: true, local: false });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the docs pages of every check and every build-failure hint are in the package', () => {
    const repoDocs = path.resolve(__dirname, '..', 'docs');
    for (const sub of ['checks', 'failures']) {
      const want = fs.readdirSync(path.join(repoDocs, sub)).filter((f) => f.endsWith('.md'));
      expect(want.length).toBeGreaterThan(5);
      for (const f of want) expect({ f, shipped: fs.existsSync(path.join(pkgDir, 'dist', 'docs', sub, f)) }).toEqual({ f, shipped: true });
    }
  });

  test('runtime dependencies resolve from the install, not from this repository', () => {
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const resolved = require.resolve(dep, { paths: [pkgDir] });
      expect(resolved.startsWith(workspaceRoot())).toBe(true);
    }
  });
});
