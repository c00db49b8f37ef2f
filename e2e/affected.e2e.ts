/**
 * `nx affected` in a real git repository: 3 apps and 2 libs (Go modules in one go.work), one lib
 * imported by two apps. Asserts on the tasks Nx actually ran (static output: a task restored from
 * the cache is marked as such), not on the graph alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, nx, nxTaskFromCache, REPO_ROOT, run, stripAnsi, workspaceRoot, writeFile } from './utils';

const MOD = 'gocross.example/aff';

function app(name: string, lib: string, call: string): Record<string, string> {
  return {
    [`apps/${name}/go.mod`]: `module ${MOD}/apps/${name}\n\ngo 1.22\n`,
    [`apps/${name}/main.go`]: `package main\n\nimport (\n\t"fmt"\n\n\t"${MOD}/libs/${lib}"\n)\n\nfunc main() { fmt.Println(${call}) }\n`,
  };
}

/** Task ids (`project:target`) Nx printed as run, split by whether they came from the cache. */
function tasks(output: string): { executed: string[]; cached: string[] } {
  const ids = new Set<string>();
  for (const m of stripAnsi(output).matchAll(/nx run ([\w.-]+:[\w.-]+)/g)) ids.add(m[1]);
  const executed: string[] = [];
  const cached: string[] = [];
  for (const id of [...ids].sort()) (nxTaskFromCache(output, id) ? cached : executed).push(id);
  return { executed, cached };
}

describe('nx affected on a Go workspace', () => {
  let repo: string;
  const git = (args: string[]) => {
    const r = run('git', args, { cwd: repo, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
    if (r.code !== 0) throw new Error(describeRun(`git ${args.join(' ')}`, r));
  };
  const commit = (msg: string) => {
    git(['add', '-A']);
    git(['commit', '-qm', msg]);
  };
  const affected = () => {
    const r = nx(['affected', '-t', 'validate', '--base=HEAD~1', '--head=HEAD', '--output-style=static', '--parallel=2'], { cwd: repo });
    if (r.code !== 0) throw new Error(describeRun('nx affected -t validate', r));
    return { ...tasks(r.output), output: r.output };
  };

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-affected-'));
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'affected', private: true }),
      'nx.json': JSON.stringify({ useDaemonProcess: false, plugins: [{ plugin: '@gocross/nx', options: { platforms: ['linux/amd64', 'linux/arm64'] } }] }),
      '.gitignore': 'node_modules\ndist/\n.nx/\nreports/\n',
      'README.md': '# affected\n',
      'go.work': 'go 1.22\n\nuse (\n\t./apps/one\n\t./apps/two\n\t./apps/three\n\t./libs/mathx\n\t./libs/strx\n)\n',
      'libs/strx/go.mod': `module ${MOD}/libs/strx\n\ngo 1.22\n`,
      'libs/strx/strx.go': 'package strx\n\nimport "strings"\n\nfunc Shout(s string) string { return strings.ToUpper(s) }\n',
      ...app('one', 'mathx', 'mathx.Sum([]uint64{1, 2})'),
      ...app('two', 'mathx', 'mathx.Sum([]uint64{3, 4})'),
      ...app('three', 'strx', 'strx.Shout("hi")'),
    };
    for (const [f, c] of Object.entries(files)) writeFile(path.join(repo, f), c);
    // The shared lib: the example mathx (amd64/arm64 assembly and a pure-Go fallback).
    const mathx = path.join(repo, 'libs', 'mathx');
    fs.cpSync(path.join(REPO_ROOT, 'examples', 'libs', 'mathx'), mathx, { recursive: true });
    const gomod = path.join(mathx, 'go.mod');
    fs.writeFileSync(gomod, fs.readFileSync(gomod, 'utf8').replace(/^module .*$/m, `module ${MOD}/libs/mathx`));
    fs.symlinkSync(path.join(workspaceRoot(), 'node_modules'), path.join(repo, 'node_modules'));
    git(['init', '-q', '-b', 'main']);
    commit('initial');
    // Fill the local cache for everything.
    const all = nx(['run-many', '-t', 'validate', '--output-style=static', '--parallel=2'], { cwd: repo });
    if (all.code !== 0) throw new Error(describeRun('nx run-many -t validate', all));
  });

  afterAll(() => {
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  test('a change in the shared lib runs build and validate for it and its two dependents only', () => {
    fs.appendFileSync(path.join(repo, 'libs', 'mathx', 'doc.go'), '\n// Changed.\n');
    commit('change mathx');
    const r = affected();
    const projects = new Set(r.executed.map((t) => t.split(':')[0]));
    expect([...projects].sort()).toEqual(['mathx', 'one', 'two']);
    expect(r.executed).toEqual(
      expect.arrayContaining(['one:build-linux-amd64', 'one:build-linux-arm64', 'one:validate', 'two:validate', 'mathx:validate']),
    );
    expect(r.executed.concat(r.cached).some((t) => t.startsWith('three:'))).toBe(false);
  });

  test('a change in libs/mathx/sum_amd64.s re-runs the amd64 builds only; arm64 builds are cache hits', () => {
    fs.appendFileSync(path.join(repo, 'libs', 'mathx', 'sum_amd64.s'), '\n// Changed.\n');
    commit('change amd64 assembly');
    const r = affected();
    for (const p of ['one', 'two']) {
      expect(r.executed).toContain(`${p}:build-linux-amd64`);
      expect(r.cached).toContain(`${p}:build-linux-arm64`);
    }
    expect(r.executed.some((t) => t.startsWith('three:'))).toBe(false);
  });

  test('a README change runs nothing', () => {
    fs.appendFileSync(path.join(repo, 'README.md'), '\nMore words.\n');
    fs.writeFileSync(path.join(repo, 'libs', 'mathx', 'README.md'), '# mathx\n');
    commit('docs');
    const r = affected();
    expect(r.executed).toEqual([]);
  });
});
