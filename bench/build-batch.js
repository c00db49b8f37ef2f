#!/usr/bin/env node
'use strict';
/**
 * What the build executor's batch implementation saves on a warm matrix build.
 *
 * A throw-away Nx workspace (examples/apps/hello + examples/libs/mathx, targets inferred by
 * @gocross/nx from plugin/dist, its default six-platform matrix), warm GOCACHE, then rounds of,
 * interleaved so drift in machine load hits all alike:
 *   batch      nx run hello:build-all --skip-nx-cache                    (one process for the six builds)
 *   no batch   the same with NX_BATCH_MODE=false                        (one process per build)
 *   cache      nx run hello:build-all, six cache hits                   (Nx's own cost, no build)
 *   go         the six go build commands alone, same flags, as many at once as there are CPUs (the floor)
 * Prints medians, the ratios, the load average, and whether both modes wrote byte-identical
 * artifacts and manifests (sha256).
 *
 * Usage: node bench/build-batch.js [--runs 7] [--json] [--keep]
 * Needs plugin/dist (npm run build) and go.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Math.max(1, parseInt(opt('--runs') ?? '7', 10) || 7);
const asJson = args.includes('--json');
const keep = args.includes('--keep');
const PARALLEL = os.availableParallelism();

function log(msg) {
  if (!asJson) process.stderr.write(msg + '\n');
}

function run(file, argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${file} ${argv.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function setUpWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-bench-batch-'));
  const skip = (src) => !/[\\/](dist|node_modules|\.nx|project\.json)([\\/]|$)/.test(src);
  fs.cpSync(path.join(repo, 'examples', 'apps', 'hello'), path.join(ws, 'apps', 'hello'), { recursive: true, filter: skip });
  fs.cpSync(path.join(repo, 'examples', 'libs', 'mathx'), path.join(ws, 'libs', 'mathx'), { recursive: true, filter: skip });
  fs.writeFileSync(path.join(ws, 'go.work'), 'go 1.22\n\nuse (\n\t./apps/hello\n\t./libs/mathx\n)\n');
  const nm = path.join(ws, 'node_modules');
  fs.mkdirSync(nm);
  for (const e of fs.readdirSync(path.join(repo, 'node_modules'))) {
    if (e === '@gocross' || e === '.cache' || e === '.bin') continue;
    fs.symlinkSync(path.join(repo, 'node_modules', e), path.join(nm, e));
  }
  const pkgDir = path.join(nm, '@gocross', 'nx');
  fs.mkdirSync(pkgDir, { recursive: true });
  for (const f of ['package.json', 'executors.json', 'generators.json']) fs.copyFileSync(path.join(repo, 'plugin', f), path.join(pkgDir, f));
  const dist = path.join(repo, 'plugin', 'dist');
  if (!fs.existsSync(path.join(dist, 'executors', 'build', 'batch.js'))) throw new Error('plugin/dist has no batch implementation: run npm run build');
  fs.cpSync(dist, path.join(pkgDir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'bench-batch', private: true }, null, 2));
  fs.writeFileSync(path.join(ws, 'nx.json'), JSON.stringify({ useDaemonProcess: false, plugins: ['@gocross/nx'] }, null, 2));
  return ws;
}

const sha256 = (f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** sha256 of every file under dist/apps/hello, by relative path. */
function distFiles(ws) {
  const root = path.join(ws, 'dist', 'apps', 'hello');
  const out = {};
  for (const d of fs.readdirSync(root).sort()) for (const f of fs.readdirSync(path.join(root, d)).sort()) out[`${d}/${f}`] = sha256(path.join(root, d, f));
  return out;
}

function main() {
  const goVersion = run('go', ['env', 'GOVERSION']).stdout.trim();
  const ws = setUpWorkspace();
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', GOFLAGS: '' };
  for (const k of ['NX_SKIP_NX_CACHE', 'NX_BATCH_MODE', 'GOOS', 'GOARCH', 'CGO_ENABLED']) delete env[k];
  const nxBin = require.resolve('nx/bin/nx.js', { paths: [repo] });
  const nx = (argv, extra = {}) => run(process.execPath, [nxBin, ...argv], { cwd: ws, env: { ...env, ...extra } });

  const shown = JSON.parse(nx(['show', 'project', 'hello', '--json']).stdout);
  const builds = Object.keys(shown.targets).filter((t) => /^build-/.test(t) && shown.targets[t].executor === '@gocross/nx:build');
  log(`workspace ${ws}: examples/apps/hello, ${builds.length} platforms (${builds.join(', ')}), ${goVersion}, node ${process.version}, ${RUNS} rounds, ${PARALLEL} CPUs`);

  const batch = () => {
    const r = nx(['run', 'hello:build-all', '--skip-nx-cache']);
    if (!r.stdout.includes(`Running ${builds.length} tasks with @gocross/nx:build`)) throw new Error(`the builds did not run in one batch:\n${r.stdout}`);
    return r.ms;
  };
  const noBatch = () => {
    const r = nx(['run', 'hello:build-all', '--skip-nx-cache'], { NX_BATCH_MODE: 'false' });
    if (r.stdout.includes('with @gocross/nx:build')) throw new Error(`NX_BATCH_MODE=false still batched:\n${r.stdout}`);
    return r.ms;
  };
  const cached = () => {
    const r = nx(['run', 'hello:build-all']);
    const m = r.stdout.match(/Cache:\s+(\d+)\/\d+ hit/);
    if (!m || Number(m[1]) < builds.length) throw new Error(`expected ${builds.length} cache hits:\n${r.stdout}`);
    return r.ms;
  };
  // The floor: each target's go build as the executor runs it (argv and target variables from its manifest).
  const goCommands = () =>
    Object.entries(distFiles(ws))
      .filter(([f]) => f.endsWith('.intoto.json'))
      .map(([f]) => {
        const p = JSON.parse(fs.readFileSync(path.join(ws, 'dist', 'apps', 'hello', f), 'utf8')).predicate.buildDefinition.internalParameters;
        const goArgs = p.goArgs.map((a) => (a === path.join(ws, 'dist', 'apps', 'hello', f.replace(/\.intoto\.json$/, '')) ? path.join(ws, 'raw', f.replace(/\.intoto\.json$/, '')) : a));
        return { goArgs, env: p.env };
      });
  let scripts;
  const q = (a) => `'${String(a).replace(/'/g, `'\\''`)}'`;
  const goAlone = () => run('sh', ['-c', `printf '%s\\n' ${scripts.map(q).join(' ')} | xargs -P ${PARALLEL} -n 1 sh`], { cwd: path.join(ws, 'apps', 'hello'), env }).ms;

  log('warming up (GOCACHE, Nx cache)');
  noBatch();
  batch();
  const batched = distFiles(ws);
  scripts = goCommands().map((c, i) => {
    fs.mkdirSync(path.dirname(c.goArgs[c.goArgs.indexOf('-o') + 1]), { recursive: true });
    const file = path.join(ws, 'raw', `build-${i}.sh`);
    fs.writeFileSync(file, `${Object.entries(c.env).map(([k, v]) => `${k}=${q(v)}`).join(' ')} exec go ${c.goArgs.map(q).join(' ')}\n`);
    return file;
  });
  goAlone();
  nx(['run', 'hello:build-all']); // stores the results (--skip-nx-cache does not)
  cached();

  const ms = { batch: [], noBatch: [], cacheHits: [], goAlone: [] };
  let identical = true;
  for (let i = 0; i < RUNS; i++) {
    // alternate which mode goes first
    if (i % 2 === 0) {
      ms.batch.push(batch());
      ms.noBatch.push(noBatch());
    } else {
      ms.noBatch.push(noBatch());
      identical = identical && JSON.stringify(distFiles(ws)) === JSON.stringify(batched);
      ms.batch.push(batch());
    }
    identical = identical && JSON.stringify(distFiles(ws)) === JSON.stringify(batched);
    ms.cacheHits.push(cached());
    ms.goAlone.push(goAlone());
    log(`round ${i + 1}: batch ${ms.batch[i].toFixed(0)} ms, no batch ${ms.noBatch[i].toFixed(0)} ms, cache hits ${ms.cacheHits[i].toFixed(0)} ms, go alone ${ms.goAlone[i].toFixed(0)} ms`);
  }
  const med = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  const result = {
    goVersion,
    node: process.version,
    platforms: builds.length,
    runs: RUNS,
    cpus: PARALLEL,
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
    medianMs: med,
    ratio: { noBatchOverBatch: med.noBatch / med.batch, batchOverGoAlone: med.batch / med.goAlone, noBatchOverGoAlone: med.noBatch / med.goAlone },
    identicalOutputs: identical,
    samplesMs: ms,
  };
  if (asJson) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const f = (x) => `${(x / 1000).toFixed(2)} s`;
    console.log(`examples/apps/hello, ${builds.length} platforms, ${goVersion}, median of ${RUNS}, ${PARALLEL} CPUs`);
    console.log(`nx run hello:build-all --skip-nx-cache, batch      ${f(med.batch)}   ${result.ratio.batchOverGoAlone.toFixed(2)}x the go builds alone`);
    console.log(`nx run hello:build-all --skip-nx-cache, no batch   ${f(med.noBatch)}   ${result.ratio.noBatchOverGoAlone.toFixed(2)}x; ${result.ratio.noBatchOverBatch.toFixed(2)}x the batch`);
    console.log(`nx run hello:build-all, ${builds.length} cache hits             ${f(med.cacheHits)}`);
    console.log(`the ${builds.length} go builds alone (floor)                ${f(med.goAlone)}`);
    console.log(`artifacts and manifests byte-identical, batch vs no batch: ${identical ? 'yes' : 'NO'}`);
    console.log(`load average at the end: ${result.loadAverage.join(' ')} (${PARALLEL} CPUs)`);
  }
  if (!keep) fs.rmSync(ws, { recursive: true, force: true });
  else log(`kept ${ws}`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
