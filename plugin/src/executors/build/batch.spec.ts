import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { builtinPlatformTable } from '../../platforms/table';
import type { GoRunOptions, GoRunResult, GoSpawner, loadGo } from '../shared/go';
import { runBatch, type BatchDeps, type BatchTaskResult } from './batch';
import type { BuildExecutorSchema } from './schema';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const PLATFORMS: [string, string][] = [
  ['linux', 'amd64'],
  ['linux', 'arm64'],
  ['linux', 'riscv64'],
  ['darwin', 'arm64'],
  ['windows', 'amd64'],
  ['linux', 'ppc64le'],
];

interface Fixture {
  ws: string;
  graph: TaskGraph;
  inputs: Record<string, BuildExecutorSchema>;
  context: ExecutorContext;
}

/** Every fixture workspace, removed after the suite. */
const made: string[] = [];
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A workspace with the given projects (each a main package) and one build task per platform and project. */
function fixture(projects: string[], platforms = PLATFORMS, extra: Record<string, { project: string; target: string; options: BuildExecutorSchema; deps?: string[] }> = {}): Fixture {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-batch-'));
  made.push(ws);
  const tasks: TaskGraph['tasks'] = {};
  const dependencies: TaskGraph['dependencies'] = {};
  const inputs: Record<string, BuildExecutorSchema> = {};
  const configs: Record<string, { root: string; targets: Record<string, { executor: string; options: BuildExecutorSchema }> }> = {};
  const add = (id: string, project: string, target: string, options: BuildExecutorSchema, deps: string[] = []) => {
    tasks[id] = { id, target: { project, target }, overrides: {}, outputs: [], parallelism: true } as unknown as TaskGraph['tasks'][string];
    dependencies[id] = deps.map((d) => ({ id: d })) as unknown as TaskGraph['dependencies'][string];
    inputs[id] = options;
    configs[project].targets[target] = { executor: '@gocross/nx:build', options };
  };
  for (const p of projects) {
    write(path.join(ws, 'apps', p, 'go.mod'), `module example.com/${p}\n\ngo 1.22\n`);
    write(path.join(ws, 'apps', p, 'main.go'), 'package main\n\nfunc main() {}\n');
    configs[p] = { root: `apps/${p}`, targets: {} };
    for (const [goos, goarch] of platforms) add(`${p}:build-${goos}-${goarch}`, p, `build-${goos}-${goarch}`, { goos, goarch });
  }
  for (const [id, t] of Object.entries(extra)) add(id, t.project, t.target, t.options, t.deps);
  const graph = { roots: Object.keys(tasks), tasks, dependencies, continuousDependencies: {} } as unknown as TaskGraph;
  const context = {
    root: ws,
    cwd: ws,
    isVerbose: false,
    projectsConfigurations: { version: 2, projects: configs },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
    taskGraph: graph,
  } as unknown as ExecutorContext;
  return { ws, graph, inputs, context };
}

/** loadGo without go: counts its calls. */
function fakeLoadGo(calls: { n: number; dirs: string[] }): typeof loadGo {
  return (_env, given = {}) => {
    calls.n++;
    calls.dirs.push(given.cwd ?? '');
    return {
      ok: true,
      go: '/opt/go/bin/go',
      goEnv: { GOVERSION: 'go1.26.0', GOHOSTOS: 'linux', GOHOSTARCH: 'amd64' },
      table: builtinPlatformTable(),
    };
  };
}

/**
 * A go that writes its `-o` file after `turns` macrotasks, and records how many run at once.
 * `fail(env)` returns the output of a failing build, or undefined.
 */
function fakeGo(opts: { fail?: (o: GoRunOptions) => string | undefined; turns?: number } = {}) {
  const state = { active: 0, max: 0, calls: [] as { args: string[]; env: Record<string, string> }[] };
  const spawn: GoSpawner = async (_file, args, o) => {
    state.calls.push({ args, env: o.env });
    state.active++;
    state.max = Math.max(state.max, state.active);
    for (let i = 0; i < (opts.turns ?? 3); i++) await new Promise((r) => setImmediate(r));
    state.active--;
    const failed = opts.fail?.(o);
    const result = (code: number, output: string): GoRunResult => ({ code, signal: null, stdout: '', stderr: output, output });
    if (failed !== undefined) {
      o.stderr?.write(failed);
      return result(1, failed);
    }
    const out = args[args.indexOf('-o') + 1];
    fs.writeFileSync(out, `binary for ${o.env.GOOS}/${o.env.GOARCH}\n`);
    return result(0, '');
  };
  return { state, spawn };
}

async function collect(gen: AsyncGenerator<{ task: string; result: BatchTaskResult }>): Promise<Record<string, BatchTaskResult>> {
  const out: Record<string, BatchTaskResult> = {};
  for await (const { task, result } of gen) {
    expect(out[task]).toBeUndefined(); // one result per task
    out[task] = result;
  }
  return out;
}

function deps(extra: Partial<BatchDeps> & { spawn: GoSpawner; calls?: { n: number; dirs: string[] } }): BatchDeps {
  return {
    loadGo: fakeLoadGo(extra.calls ?? { n: 0, dirs: [] }),
    taskEnv: () => ({ PATH: process.env.PATH, HOME: os.homedir() }),
    run: { spawn: extra.spawn },
    parallelism: extra.parallelism,
  };
}

describe('build batch', () => {
  test('runs at most `parallelism` builds at once, and every task gets its artifact, manifest and result', async () => {
    const f = fixture(['hello']);
    const go = fakeGo();
    const results = await collect(runBatch(f.graph, f.inputs, f.context, deps({ spawn: go.spawn, parallelism: 2 })));
    expect(go.state.max).toBe(2);
    expect(Object.keys(results).sort()).toEqual(Object.keys(f.graph.tasks).sort());
    for (const [goos, goarch] of PLATFORMS) {
      const id = `hello:build-${goos}-${goarch}`;
      expect(results[id]).toMatchObject({ success: true, status: 'success' });
      expect(results[id].startTime).toBeLessThanOrEqual(results[id].endTime as number);
      const bin = path.join(f.ws, 'dist/apps/hello', `${goos}-${goarch}`, goos === 'windows' ? 'hello.exe' : 'hello');
      expect(fs.readFileSync(bin, 'utf8')).toBe(`binary for ${goos}/${goarch}\n`);
      expect(fs.existsSync(`${bin}.intoto.json`)).toBe(true);
      expect(JSON.parse(fs.readFileSync(`${bin}.intoto.json`, 'utf8')).predicate.buildDefinition.externalParameters.target).toBe(id);
      // The task's own output, and nobody else's.
      const lines = results[id].terminalOutput.split('\n');
      expect(lines).toEqual([`${goos}/${goarch}: . → ${lines[0].split(' → ')[1]}`, '']);
      expect(lines[0].endsWith(`${goos}-${goarch}/${path.basename(bin)} (${`binary for ${goos}/${goarch}\n`.length} B)`)).toBe(true);
    }
  });

  test('the default parallelism is the machine’s', async () => {
    const f = fixture(['hello']);
    const go = fakeGo();
    await collect(runBatch(f.graph, f.inputs, f.context, deps({ spawn: go.spawn })));
    expect(go.state.max).toBe(Math.min(os.availableParallelism(), PLATFORMS.length));
  });

  test('one failing platform fails only its task, with its own go output and hints', async () => {
    const f = fixture(['hello']);
    const go = fakeGo({
      fail: (o) => (o.env.GOARCH === 'riscv64' ? '# example.com/hello\n./bad_riscv64.go:3:1: syntax error: non-declaration statement outside function body\n' : undefined),
    });
    const explain = (output: string, ctx: { goarch: string }) =>
      output.includes('syntax error') ? [{ id: 'test-hint', message: `seen for ${ctx.goarch}`, fix: 'fix it', docs: 'failures/x.md' }] : [];
    const results = await collect(runBatch(f.graph, f.inputs, f.context, { ...deps({ spawn: go.spawn, parallelism: 3 }), run: { spawn: go.spawn, explain } }));
    const bad = results['hello:build-linux-riscv64'];
    expect(bad.terminalOutput).toMatch(/^hint \[test-hint\]: seen for riscv64 — fix it/m);
    expect(bad).toMatchObject({ success: false, status: 'failure' });
    expect(bad.terminalOutput).toContain('./bad_riscv64.go:3:1: syntax error');
    expect(bad.terminalOutput).toContain('go build for linux/riscv64 failed (. → ');
    expect(fs.existsSync(path.join(f.ws, 'dist/apps/hello/linux-riscv64/hello'))).toBe(false);
    expect(fs.readdirSync(path.join(f.ws, 'dist/apps/hello/linux-riscv64'))).toEqual([]); // no temporary left
    for (const [id, r] of Object.entries(results)) {
      if (id === 'hello:build-linux-riscv64') continue;
      expect(r).toMatchObject({ success: true, status: 'success' });
      expect(r.terminalOutput).not.toContain('riscv64');
    }
  });

  test('go env and the platform table are read once per project directory, not once per task', async () => {
    const calls = { n: 0, dirs: [] as string[] };
    const f = fixture(['hello']);
    await collect(runBatch(f.graph, f.inputs, f.context, deps({ spawn: fakeGo().spawn, calls })));
    expect(calls.n).toBe(1);

    const calls2 = { n: 0, dirs: [] as string[] };
    const two = fixture(['api', 'web']);
    await collect(runBatch(two.graph, two.inputs, two.context, deps({ spawn: fakeGo().spawn, calls: calls2 })));
    expect(calls2.dirs.sort()).toEqual([path.join(two.ws, 'apps/api'), path.join(two.ws, 'apps/web')]);
  });

  test('each task gets the argv and environment the executor gives it alone, with its own environment', async () => {
    const f = fixture(['hello'], [
      ['linux', 'arm64'],
      ['linux', 'amd64'],
    ]);
    const go = fakeGo();
    const taskEnv: BatchDeps['taskEnv'] = (task) => ({ PATH: '/usr/bin', GOFLAGS: task.target.target === 'build-linux-arm64' ? '-mod=mod' : '' });
    await collect(runBatch(f.graph, f.inputs, f.context, { ...deps({ spawn: go.spawn }), taskEnv }));
    const arm = go.state.calls.find((c) => c.env.GOARCH === 'arm64');
    const amd = go.state.calls.find((c) => c.env.GOARCH === 'amd64');
    expect(arm?.env).toMatchObject({ GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', PATH: '/usr/bin' });
    expect(amd?.env.GOFLAGS).toBe('');
    expect(arm?.args).toEqual([
      'build',
      '-trimpath',
      '-buildvcs=false',
      '-ldflags=-buildid=',
      '-o',
      path.join(f.ws, `dist/apps/hello/linux-arm64/.hello.tmp-${process.pid}`),
      '.',
    ]);
  });

  test('a refused task fails alone with its one line; an unknown project fails without stopping the batch', async () => {
    const f = fixture(['hello'], [['linux', 'arm64']], {
      'hello:build-bad': { project: 'hello', target: 'build-bad', options: { goos: 'plan10', goarch: 'arm64' } },
    });
    f.graph.tasks['ghost:build-linux-arm64'] = { id: 'ghost:build-linux-arm64', target: { project: 'ghost', target: 'build-linux-arm64' }, overrides: {} } as unknown as TaskGraph['tasks'][string];
    f.graph.dependencies['ghost:build-linux-arm64'] = [];
    f.inputs['ghost:build-linux-arm64'] = { goos: 'linux', goarch: 'arm64' };
    const results = await collect(runBatch(f.graph, f.inputs, f.context, deps({ spawn: fakeGo().spawn })));
    expect(results['hello:build-linux-arm64'].success).toBe(true);
    expect(results['hello:build-bad']).toMatchObject({ success: false, status: 'failure' });
    expect(results['hello:build-bad'].terminalOutput).toMatch(/plan10/);
    expect(results['ghost:build-linux-arm64']).toMatchObject({ success: false, status: 'failure' });
    expect(results['ghost:build-linux-arm64'].terminalOutput).toContain('project ghost not found in the workspace');
  });

  test('the directory is the one the executor writes into: named after the configured options, not the command-line overrides', async () => {
    const f = fixture(['hello'], [['linux', 'amd64']], {
      'hello:build': { project: 'hello', target: 'build', options: { goos: 'linux', goarch: 'amd64' } },
    });
    f.inputs['hello:build-linux-amd64'] = { goos: 'linux', goarch: 'amd64', buildmode: 'pie' }; // e.g. --buildmode=pie
    const outs: string[] = [];
    const go = fakeGo();
    const spawn: GoSpawner = async (file, args, o) => {
      outs.push(args[args.indexOf('-o') + 1]);
      expect(go.state.active).toBe(0); // one at a time
      return go.spawn(file, args, o);
    };
    const results = await collect(runBatch(f.graph, f.inputs, f.context, deps({ spawn, parallelism: 4 })));
    expect(Object.values(results).every((r) => r.success)).toBe(true);
    expect(outs.map((o) => path.relative(f.ws, path.dirname(o)))).toEqual(['dist/apps/hello/linux-amd64', 'dist/apps/hello/linux-amd64']);
  });

  test('tasks writing into the same directory run one after the other; a task waits for its dependencies and is skipped when one failed', async () => {
    const f = fixture(['hello'], [['linux', 'amd64']], {
      'hello:build': { project: 'hello', target: 'build', options: { goos: 'linux', goarch: 'amd64', outputDir: 'dist/apps/hello/linux-amd64' } },
      'hello:build-arm64-after': { project: 'hello', target: 'build-arm64-after', options: { goos: 'linux', goarch: 'arm64', outputDir: 'dist/a' }, deps: ['hello:build'] },
      'hello:build-bad': { project: 'hello', target: 'build-bad', options: { goos: 'linux', goarch: 'riscv64', outputDir: 'dist/b' } },
      'hello:build-after-bad': { project: 'hello', target: 'build-after-bad', options: { goos: 'linux', goarch: 'arm64', outputDir: 'dist/c' }, deps: ['hello:build-bad'] },
    });
    const order: string[] = [];
    const go = fakeGo({ fail: (o) => (o.env.GOARCH === 'riscv64' ? 'boom\n' : undefined) });
    const spawn: GoSpawner = async (file, args, o) => {
      const dir = path.dirname(args[args.indexOf('-o') + 1]);
      order.push(`start ${path.relative(f.ws, dir)}`);
      const r = await go.spawn(file, args, o);
      order.push(`end ${path.relative(f.ws, dir)}`);
      return r;
    };
    const results = await collect(runBatch(f.graph, f.inputs, f.context, deps({ spawn, parallelism: 8 })));
    const same = order.filter((e) => e.endsWith('dist/apps/hello/linux-amd64'));
    expect(same).toEqual(['start dist/apps/hello/linux-amd64', 'end dist/apps/hello/linux-amd64', 'start dist/apps/hello/linux-amd64', 'end dist/apps/hello/linux-amd64']);
    // hello:build (the second of the two) has ended before its dependent starts.
    expect(order.indexOf('start dist/a')).toBeGreaterThan(order.lastIndexOf('end dist/apps/hello/linux-amd64'));
    expect(results['hello:build-arm64-after'].success).toBe(true);
    expect(results['hello:build-bad'].status).toBe('failure');
    expect(results['hello:build-after-bad']).toMatchObject({ success: false, status: 'skipped' });
    expect(order).not.toContain('start dist/c');
  });
});
