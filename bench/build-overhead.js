#!/usr/bin/env node
'use strict';
/**
 * Overhead of `@gocross/nx:build` over a plain `go build` with the same flags.
 *
 * Sets up a throw-away Nx workspace (examples/apps/hello + examples/libs/mathx copied in, or a
 * one-file module when the examples are absent) with @gocross/nx installed from this checkout,
 * warms GOCACHE, then times N runs each of:
 *   go      go build -trimpath -buildvcs=false -ldflags=-buildid= -o … .   (GOOS=linux GOARCH=arm64)
 *   exec    the executor in-process (runBuild), i.e. our own overhead without Nx start-up
 *   nx      nx run hello:build-linux-arm64 --skip-nx-cache
 * and one Nx cache hit (`nx run hello:build-linux-arm64` after a cached run).
 * Prints medians, the nx/go ratio (goal ≤ 1.10) and the cache-hit time (goal ≤ 0.5 s).
 *
 * Usage: node bench/build-overhead.js [--runs 10] [--json] [--keep] [--infer]
 * --infer registers @gocross/nx in nx.json and lets the plugin infer the target from go.mod
 * instead of the hand-written project.json (so the graph plugin's cost is included).
 * Needs plugin/dist (npm run build); when it is missing or stale the TypeScript is compiled into
 * the temporary workspace's copy of the plugin.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) > 0 && args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 10;
const asJson = args.includes('--json');
const keep = args.includes('--keep');
const infer = args.includes('--infer');

function log(msg) {
  if (!asJson) process.stderr.write(msg + '\n');
}

function run(file, argv, opts) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${file} ${argv.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true, filter: (src) => !/[\\/](dist|node_modules|\.nx)([\\/]|$)/.test(src.slice(from.length)) });
}

/** A copy of the plugin package (package.json, executors.json, dist) for the bench workspace. */
function installPlugin(ws) {
  const pkgDir = path.join(ws, 'node_modules', '@gocross', 'nx');
  fs.mkdirSync(pkgDir, { recursive: true });
  for (const f of ['package.json', 'executors.json', 'generators.json']) {
    if (fs.existsSync(path.join(repo, 'plugin', f))) fs.copyFileSync(path.join(repo, 'plugin', f), path.join(pkgDir, f));
  }
  const dist = path.join(repo, 'plugin', 'dist');
  const built = path.join(dist, 'executors', 'build', 'executor.js');
  const src = path.join(repo, 'plugin', 'src', 'executors', 'build', 'executor.ts');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= fs.statSync(src).mtimeMs) {
    fs.cpSync(dist, path.join(pkgDir, 'dist'), { recursive: true });
    return 'plugin/dist';
  }
  // tsc emits JavaScript even when unrelated files have type errors; only the build executor's
  // module graph matters here.
  const tsc = require.resolve('typescript/bin/tsc', { paths: [repo] });
  spawnSync(process.execPath, [tsc, '-p', path.join(repo, 'plugin', 'tsconfig.json'), '--outDir', path.join(pkgDir, 'dist')], {
    stdio: 'ignore',
  });
  if (!fs.existsSync(path.join(pkgDir, 'dist', 'executors', 'build', 'executor.js'))) {
    throw new Error('could not compile the plugin; run npm run build');
  }
  fs.copyFileSync(
    path.join(repo, 'plugin', 'src', 'executors', 'build', 'schema.json'),
    path.join(pkgDir, 'dist', 'executors', 'build', 'schema.json'),
  );
  return 'fresh tsc emit';
}

function setUpWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-bench-build-'));
  const ex = path.join(repo, 'examples');
  if (fs.existsSync(path.join(ex, 'apps', 'hello', 'go.mod'))) {
    copyDir(path.join(ex, 'apps', 'hello'), path.join(ws, 'apps', 'hello'));
    if (fs.existsSync(path.join(ex, 'libs', 'mathx'))) copyDir(path.join(ex, 'libs', 'mathx'), path.join(ws, 'libs', 'mathx'));
    fs.rmSync(path.join(ws, 'apps', 'hello', 'project.json'), { force: true });
  } else {
    fs.mkdirSync(path.join(ws, 'apps', 'hello'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'apps', 'hello', 'go.mod'), 'module example.com/hello\n\ngo 1.22\n');
    fs.writeFileSync(
      path.join(ws, 'apps', 'hello', 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"runtime"\n)\n\nfunc main() { fmt.Println(runtime.GOOS + "/" + runtime.GOARCH) }\n',
    );
  }
  // node_modules: everything of this checkout's install, with @gocross/nx replaced by a copy.
  const nm = path.join(ws, 'node_modules');
  fs.mkdirSync(nm);
  for (const e of fs.readdirSync(path.join(repo, 'node_modules'))) {
    if (e === '@gocross' || e === '.cache' || e === '.bin') continue;
    fs.symlinkSync(path.join(repo, 'node_modules', e), path.join(nm, e));
  }
  const pluginFrom = installPlugin(ws);
  fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'bench-build', private: true }, null, 2));
  fs.writeFileSync(
    path.join(ws, 'nx.json'),
    JSON.stringify({ useDaemonProcess: false, plugins: infer ? ['@gocross/nx'] : [], targetDefaults: {} }, null, 2),
  );
  if (infer) return { ws, pluginFrom };
  // Targets written by hand (no inference), so exactly the build executor is measured.
  fs.writeFileSync(
    path.join(ws, 'apps', 'hello', 'project.json'),
    JSON.stringify(
      {
        name: 'hello',
        root: 'apps/hello',
        projectType: 'application',
        targets: {
          'build-linux-arm64': {
            executor: '@gocross/nx:build',
            cache: true,
            inputs: ['{projectRoot}/**/*', '{workspaceRoot}/libs/**/*'],
            outputs: ['{workspaceRoot}/dist/apps/hello/linux-arm64'],
            options: { goos: 'linux', goarch: 'arm64' },
          },
          // Nx's own floor: a task that does nothing, run the same way.
          noop: { executor: 'nx:noop', cache: false },
        },
      },
      null,
      2,
    ),
  );
  return { ws, pluginFrom };
}

function main() {
  const goVersion = run('go', ['env', 'GOVERSION']).stdout.trim();
  const { ws, pluginFrom } = setUpWorkspace();
  log(`workspace ${ws} (plugin from ${pluginFrom}), ${goVersion}, ${runs} runs each`);
  const app = path.join(ws, 'apps', 'hello');
  const nxBin = require.resolve('nx/bin/nx.js', { paths: [repo] });
  const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  delete nxEnv.NX_SKIP_NX_CACHE;
  // Nx loads project-graph plugins in worker processes by default; NX_ISOLATE_PLUGINS=false loads
  // them in-process, which is most of Nx's own start-up on small machines. Both are measured.
  const nxEnvInProc = { ...nxEnv, NX_ISOLATE_PLUGINS: 'false' };
  const goEnv = { ...process.env, GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' };
  for (const k of ['GOARM64', 'GOFLAGS']) delete goEnv[k];
  const rawOut = path.join(ws, 'raw', 'hello');
  fs.mkdirSync(path.dirname(rawOut), { recursive: true });
  const rawArgs = ['build', '-trimpath', '-buildvcs=false', '-ldflags=-buildid=', '-o', rawOut, '.'];
  const nxArgs = [nxBin, 'run', 'hello:build-linux-arm64', '--skip-nx-cache'];

  if (infer) {
    const show = run(process.execPath, [nxBin, 'show', 'project', 'hello', '--json'], { cwd: ws, env: nxEnv });
    const targets = Object.keys(JSON.parse(show.stdout).targets ?? {});
    if (!targets.includes('build-linux-arm64')) {
      throw new Error(`--infer: the plugin inferred no build-linux-arm64 target for hello (targets: ${targets.join(', ')})`);
    }
  }

  // Warm GOCACHE and Nx's project graph.
  run('go', rawArgs, { cwd: app, env: goEnv });
  run(process.execPath, nxArgs, { cwd: ws, env: nxEnv });

  const { runBuild } = require(path.join(ws, 'node_modules', '@gocross', 'nx', 'dist', 'executors', 'build', 'executor.js'));
  const execOnce = async () => {
    const t0 = process.hrtime.bigint();
    const r = await runBuild(
      { goos: 'linux', goarch: 'arm64' },
      { workspaceRoot: ws, projectRoot: 'apps/hello' },
      { stdout: null, stderr: null, logger: { info() {}, error: (m) => process.stderr.write(m + '\n') } },
    );
    if (!r.success) throw new Error('executor build failed');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };

  return (async () => {
    await execOnce();
    const goMs = [];
    const execMs = [];
    const nxMs = [];
    const nxInProcMs = [];
    const floorMs = [];
    for (let i = 0; i < runs; i++) {
      // interleave so drift in machine load hits all three alike
      goMs.push(run('go', rawArgs, { cwd: app, env: goEnv }).ms);
      execMs.push(await execOnce());
      nxMs.push(run(process.execPath, nxArgs, { cwd: ws, env: nxEnv }).ms);
      nxInProcMs.push(run(process.execPath, nxArgs, { cwd: ws, env: nxEnvInProc }).ms);
      if (!infer) floorMs.push(run(process.execPath, [nxBin, 'run', 'hello:noop'], { cwd: ws, env: nxEnv }).ms);
      log(
        `run ${i + 1}: go ${goMs[i].toFixed(0)} ms, executor ${execMs[i].toFixed(0)} ms, nx ${nxMs[i].toFixed(0)} ms, ` +
          `nx (in-process plugins) ${nxInProcMs[i].toFixed(0)} ms`,
      );
    }
    const artifact = path.join(ws, 'dist', 'apps', 'hello', 'linux-arm64', 'hello');
    const identical = fs.readFileSync(artifact).equals(fs.readFileSync(rawOut));

    // Cache: one run that stores, then hits.
    run(process.execPath, [nxBin, 'run', 'hello:build-linux-arm64'], { cwd: ws, env: nxEnv });
    const hit = (env) => {
      const r = run(process.execPath, [nxBin, 'run', 'hello:build-linux-arm64'], { cwd: ws, env });
      if (!/local cache|1\/1 hit|cache/i.test(r.stdout + r.stderr)) throw new Error(`expected a cache hit:\n${r.stdout}`);
      return r.ms;
    };
    const hits = [];
    const hitsInProc = [];
    for (let i = 0; i < 5; i++) {
      hits.push(hit(nxEnv));
      hitsInProc.push(hit(nxEnvInProc));
    }

    const result = {
      goVersion,
      targets: infer ? 'inferred by @gocross/nx' : 'project.json',
      runs,
      medianMs: { go: median(goMs), executor: median(execMs), nx: median(nxMs), nxInProcessPlugins: median(nxInProcMs) },
      ratio: {
        executorOverGo: median(execMs) / median(goMs),
        nxOverGo: median(nxMs) / median(goMs),
        nxInProcessPluginsOverGo: median(nxInProcMs) / median(goMs),
      },
      nxOverheadMs: median(nxMs) - median(goMs),
      // `nx run` of an nx:noop target: what Nx costs before any executor runs.
      nxNoopFloorMs: infer ? undefined : median(floorMs),
      cacheHitMs: median(hits),
      cacheHitInProcessPluginsMs: median(hitsInProc),
      goals: { nxOverGo: 1.1, cacheHitMs: 500 },
      identicalToRawGo: identical,
    };
    if (asJson) {
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    } else {
      const f = (x) => `${x.toFixed(0)} ms`;
      console.log(`go build (raw)            median ${f(result.medianMs.go)}`);
      console.log(`executor (in-process)     median ${f(result.medianMs.executor)}   ratio ${result.ratio.executorOverGo.toFixed(2)}`);
      console.log(`nx run --skip-nx-cache    median ${f(result.medianMs.nx)}   ratio ${result.ratio.nxOverGo.toFixed(2)} (goal ≤ 1.10), +${f(result.nxOverheadMs)}`);
      console.log(
        `nx run, in-process plugins median ${f(result.medianMs.nxInProcessPlugins)}   ratio ${result.ratio.nxInProcessPluginsOverGo.toFixed(2)}`,
      );
      if (result.nxNoopFloorMs !== undefined) {
        console.log(`nx run of a no-op target  median ${f(result.nxNoopFloorMs)} (Nx's floor; executor share ${f(result.medianMs.nx - result.nxNoopFloorMs)})`);
      }
      console.log(`nx run, cache hit         median ${f(result.cacheHitMs)} (goal ≤ 500 ms)`);
      console.log(`cache hit, in-process plugins median ${f(result.cacheHitInProcessPluginsMs)}`);
      console.log(`artifact byte-identical to the raw go build: ${identical}`);
    }
    if (!keep) fs.rmSync(ws, { recursive: true, force: true });
  })();
}

Promise.resolve()
  .then(main)
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
