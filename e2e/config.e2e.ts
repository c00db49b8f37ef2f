/**
 * Settings are checked when Nx computes the graph: a misspelt key or a port Go does not have in
 * a gocross.json, a misspelt plugin option in nx.json, fail the command the user typed with the
 * file, line and column and what was meant, and leave the file as written. A gocross.json that
 * names the package's JSON Schema in "$schema" is accepted, and that schema (what an editor
 * checks the file with) says the same as the graph.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { expectSuccess, goWorkUse, nx, showProject, uniqueName, workspaceRoot, writeFile } from './utils';

/** A module with one main package at apps/<name>; returns its root. */
function newApp(name: string): string {
  const ws = workspaceRoot();
  const root = `apps/${name}`;
  writeFile(path.join(ws, root, 'go.mod'), `module gocross.example/${root}\n\ngo 1.22\n`);
  writeFile(path.join(ws, root, 'main.go'), 'package main\n\nfunc main() {}\n');
  goWorkUse(root, ws);
  return root;
}

/** Runs `fn` with `file` holding `text`, then puts back what was there (or removes it). */
function withFile(file: string, text: string, fn: () => void): void {
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  writeFile(file, text);
  try {
    fn();
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  } finally {
    if (before === undefined) fs.rmSync(file, { force: true });
    else writeFile(file, before);
  }
}

const SCHEMA = '../../node_modules/@gocross/nx/gocross.schema.json';

describe('gocross.json and plugin options are checked when the graph is computed', () => {
  let ws: string;
  let name: string;
  let root: string;
  beforeAll(() => {
    ws = workspaceRoot();
    name = uniqueName('config');
    root = newApp(name);
  });
  afterEach(() => {
    // Whatever a test did, the workspace's graph is sound again for the next one.
    expectSuccess('nx show projects', nx(['show', 'projects']));
  });

  it('a misspelt key: `nx show projects` fails with the file, line:column and the key meant', () => {
    const text = '{\n  "platform": ["linux/arm64"]\n}\n';
    withFile(path.join(ws, root, 'gocross.json'), text, () => {
      const r = nx(['show', 'projects']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`${root}/gocross.json:2:3: unknown key "platform": did you mean "platforms"?`);
    });
  });

  it('a port Go does not have, a libc and a type: `nx run` fails before any target is inferred from them', () => {
    const text = JSON.stringify({ platforms: ['linux/arm65'], cgo: 'yes', libc: 'muls' }, null, 2) + '\n';
    withFile(path.join(ws, root, 'gocross.json'), text, () => {
      const r = nx(['run', `${name}:build-linux-arm65`]);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`${root}/gocross.json:3:5: "platforms" entry "linux/arm65" is not a port of Go (go tool dist list): did you mean "linux/arm64"?`);
      expect(r.output).toContain(`${root}/gocross.json:5:10: "cgo" must be a boolean (true or false), e.g. "cgo": true; got the string "yes"`);
      expect(r.output).toContain(`${root}/gocross.json:6:11: "libc" must be one of "glibc", "musl"; got "muls": did you mean "musl"?`);
    });
  });

  it('a misspelt plugin option in nx.json: every command fails naming nx.json', () => {
    const nxJson = path.join(ws, 'nx.json');
    const doc = JSON.parse(fs.readFileSync(nxJson, 'utf8')) as { plugins: unknown[] };
    doc.plugins = doc.plugins.map((p) => (p === '@gocross/nx' ? { plugin: '@gocross/nx', options: { targetPrefx: 'go-' } } : p));
    const text = JSON.stringify(doc, null, 2) + '\n';
    const line = text.split('\n').findIndex((l) => l.includes('"targetPrefx"')) + 1;
    withFile(nxJson, text, () => {
      const r = nx(['show', 'projects']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`nx.json:${line}:9: @gocross/nx options: unknown key "targetPrefx": did you mean "targetPrefix"?`);
    });
  });

  it('"$schema" naming the installed gocross.schema.json is accepted, and that schema agrees with the graph', () => {
    const file = path.join(ws, root, 'gocross.json');
    const schemaFile = path.resolve(path.dirname(file), SCHEMA);
    expect(fs.existsSync(schemaFile)).toBe(true);
    const validate = new Ajv({ strict: true }).compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
    const good = { $schema: SCHEMA, platforms: ['linux/arm64', 'linux/arm/6'] };
    expect(validate(good)).toBe(true);
    expect(validate({ $schema: SCHEMA, platform: ['linux/arm64'] })).toBe(false);
    expect(validate({ platforms: ['linux/arm65'] })).toBe(false);
    withFile(file, JSON.stringify(good, null, 2) + '\n', () => {
      const targets = Object.keys(showProject(name).targets).filter((t) => /^build-[^-]+-/.test(t));
      expect(targets.sort()).toEqual(['build-linux-arm-6', 'build-linux-arm64']);
    });
  });
});
