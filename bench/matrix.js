#!/usr/bin/env node
'use strict';
/**
 * The six-platform default matrix of a real Go command line, built by @gocross/nx through Nx and
 * by goreleaser, with the same go flags on both sides.
 *
 * Module: github.com/junegunn/fzf@v0.65.2 (pure Go, 53 non-test files in the module, 11 module
 * dependencies), fetched with `go mod download -json` into the cache directory and copied into a
 * throw-away Nx workspace with @gocross/nx installed from plugin/dist (as bench/build-overhead.js
 * does). Platforms: linux/amd64, linux/arm64, linux/arm/7, linux/riscv64, darwin/arm64,
 * windows/amd64; CGO_ENABLED=0; both sides run
 *   go build -trimpath -buildvcs=false -ldflags="-s -w -X main.version=0.65.2 -X main.revision=bench -buildid="
 * (the build executor's defaults add -trimpath, -buildvcs=false and -buildid=; the rest comes from
 * nx.json targetDefaults; goreleaser gets them in .goreleaser.yaml). Both use the same GOCACHE,
 * warm, the same GOMODCACHE, GOPROXY=off, and as many parallel builds as there are CPUs
 * (nx --parallel, goreleaser --parallelism).
 *
 * Interleaved rounds of:
 *   nx, no cache     nx run fzf:build-all --skip-nx-cache
 *   goreleaser       goreleaser build --snapshot --clean
 *   nx, cache hits   nx run fzf:build-all          (all six builds read from the Nx cache)
 *   go alone         the six go build commands, same flags and parallelism (the floor)
 *   nx floor         nx run fzf:build-all --exclude-task-dependencies --skip-nx-cache: the same
 *                    command with no build in it (Nx start-up, the project graph with this
 *                    plugin, task hashing and one no-op task): what Nx costs before any build
 * and the three nx commands again with the Nx daemon on (Nx's default outside CI; the benchmark's
 * workspace sets useDaemonProcess false, NX_DAEMON=true overrides it), the daemon started before
 * the rounds and stopped after them. The floor sums (nx floor + go alone) bound from below what
 * any plugin running the six builds through Nx could reach.
 * Prints medians of each, the ratios to goreleaser, and whether the binaries are byte-identical
 * (sha256) between the two; when they are not, the `go version -m` lines that differ.
 *
 * goreleaser is installed once into <cache>/bin with `go install` through the Go module proxy
 * (several minutes of compiling). v2.16.0: the newest release that builds with Go 1.26 here
 * (v2.18.x needs Go 1.27.1; v2.17.0 needs go.digitalxero.dev/go-msix, which the proxy refuses).
 *
 * Usage: node bench/matrix.js [--runs 5] [--cache bench/.work/matrix] [--keep] [--json]
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
const RUNS = Math.max(1, parseInt(opt('--runs') ?? '5', 10) || 5);
const CACHE = path.resolve(opt('--cache') ?? path.join(repo, 'bench', '.work', 'matrix'));
const asJson = args.includes('--json');
const keep = args.includes('--keep');

const MODULE = 'github.com/junegunn/fzf';
const VERSION = 'v0.65.2';
const GORELEASER = 'github.com/goreleaser/goreleaser/v2';
const GORELEASER_VERSION = 'v2.16.0';
const LDFLAGS = '-s -w -X main.version=0.65.2 -X main.revision=bench';
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'];
// goreleaser's names for the same builds (its default variants are Go's defaults)
const GORELEASER_TARGETS = ['linux_amd64_v1', 'linux_arm64_v8.0', 'linux_arm_7', 'linux_riscv64_rva20u64', 'darwin_arm64_v8.0', 'windows_amd64_v1'];
const PARALLEL = os.cpus().length;

function log(msg) {
  if (!asJson) process.stderr.write(msg + '\n');
}

function run(file, argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
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

/** The go environment both sides share. */
function goEnv(extra = {}) {
  const env = { ...process.env, GOMODCACHE: path.join(CACHE, 'mod'), GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '', ...extra };
  for (const k of ['GOOS', 'GOARCH', 'GOARM', 'GOAMD64', 'GOARM64', 'GORISCV64', 'CGO_ENABLED']) delete env[k];
  return env;
}

function goreleaserBin() {
  const bin = path.join(CACHE, 'bin', 'goreleaser');
  const ok = () => fs.existsSync(bin) && spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0;
  if (!ok()) {
    log(`installing ${GORELEASER}@${GORELEASER_VERSION} into ${path.dirname(bin)} (compiles for several minutes)`);
    const t0 = Date.now();
    run('go', ['install', `${GORELEASER}@${GORELEASER_VERSION}`], {
      cwd: os.tmpdir(),
      env: { ...process.env, GOBIN: path.dirname(bin), GOTOOLCHAIN: 'local', GOWORK: 'off', GOFLAGS: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    log(`goreleaser installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    if (!ok()) throw new Error(`${bin} does not run`);
  }
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.match(/GitVersion:\s*(\S+)/);
  return { bin, version: v ? v[1] : GORELEASER_VERSION };
}

/** The module's source, from the module cache under CACHE. */
function fetchModule() {
  const r = run('go', ['mod', 'download', '-json', `${MODULE}@${VERSION}`], { cwd: os.tmpdir(), env: goEnv() });
  const info = JSON.parse(r.stdout);
  if (info.Error) throw new Error(`go mod download ${MODULE}@${VERSION}: ${info.Error}`);
  return info.Dir;
}

function installPlugin(ws) {
  const pkgDir = path.join(ws, 'node_modules', '@gocross', 'nx');
  fs.mkdirSync(pkgDir, { recursive: true });
  for (const f of ['package.json', 'executors.json', 'generators.json']) {
    fs.copyFileSync(path.join(repo, 'plugin', f), path.join(pkgDir, f));
  }
  const dist = path.join(repo, 'plugin', 'dist');
  if (!fs.existsSync(path.join(dist, 'index.js'))) throw new Error('plugin/dist is missing: run npm run build');
  fs.cpSync(dist, path.join(pkgDir, 'dist'), { recursive: true });
}

function setUpWorkspace(moduleDir) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-bench-matrix-'));
  const app = path.join(ws, 'apps', 'fzf');
  fs.cpSync(moduleDir, app, { recursive: true });
  // the module cache is read-only
  const writable = (p) => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) writable(path.join(p, e));
  };
  writable(app);
  const nm = path.join(ws, 'node_modules');
  fs.mkdirSync(nm);
  for (const e of fs.readdirSync(path.join(repo, 'node_modules'))) {
    if (e === '@gocross' || e === '.cache' || e === '.bin') continue;
    fs.symlinkSync(path.join(repo, 'node_modules', e), path.join(nm, e));
  }
  installPlugin(ws);
  fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'bench-matrix', private: true }, null, 2));
  fs.writeFileSync(
    path.join(ws, 'nx.json'),
    JSON.stringify(
      {
        useDaemonProcess: false,
        plugins: ['@gocross/nx'],
        targetDefaults: { '@gocross/nx:build': { options: { ldflags: LDFLAGS } } },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(ws, '.goreleaser.yaml'),
    [
      'version: 2',
      'project_name: fzf',
      'dist: goreleaser-dist',
      'builds:',
      '  - id: fzf',
      '    dir: apps/fzf',
      '    main: .',
      '    binary: fzf',
      '    env: [CGO_ENABLED=0]',
      '    flags: [-trimpath, -buildvcs=false]',
      `    ldflags: ["${LDFLAGS} -buildid="]`,
      `    targets: [${GORELEASER_TARGETS.join(', ')}]`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules\ndist\ngoreleaser-dist\n.nx\n');
  // goreleaser reads the commit; -buildvcs=false keeps it out of the binaries on both sides
  const git = (...a) => run('git', a, { cwd: ws, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' } });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  return { ws, app };
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** platform → file, for the Nx outputs (dist/apps/fzf/<slug>/fzf[.exe]). */
function nxBinaries(ws) {
  const out = {};
  for (const p of PLATFORMS) {
    const dir = path.join(ws, 'dist', 'apps', 'fzf', p.replaceAll('/', '-'));
    out[p] = path.join(dir, fs.readdirSync(dir)[0]);
  }
  return out;
}

/** platform → file, from goreleaser's artifacts.json. */
function goreleaserBinaries(ws) {
  const list = JSON.parse(fs.readFileSync(path.join(ws, 'goreleaser-dist', 'artifacts.json'), 'utf8'));
  const out = {};
  for (const a of list) {
    if (a.type !== 'Binary') continue;
    const p = [a.goos, a.goarch, a.goarch === 'arm' ? a.goarm : undefined].filter(Boolean).join('/');
    if (PLATFORMS.includes(p)) out[p] = path.join(ws, a.path);
  }
  return out;
}

function main() {
  const goVersion = run('go', ['env', 'GOVERSION']).stdout.trim();
  fs.mkdirSync(CACHE, { recursive: true });
  const gr = goreleaserBin();
  const moduleDir = fetchModule();
  const { ws, app } = setUpWorkspace(moduleDir);
  try {
    measure(gr, ws, app, goVersion);
  } finally {
    if (!keep) fs.rmSync(ws, { recursive: true, force: true });
    else log(`kept ${ws}`);
  }
}

function measure(gr, ws, app, goVersion) {
  log(`workspace ${ws}: ${MODULE}@${VERSION}, ${goVersion}, goreleaser ${gr.version}, node ${process.version}, ${RUNS} rounds, ${PARALLEL} parallel builds`);
  // the module's dependencies into the module cache, then no network while timing
  run('go', ['mod', 'download'], { cwd: app, env: goEnv() });
  const env = goEnv({ GOPROXY: 'off', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' });
  delete env.NX_SKIP_NX_CACHE;
  const nxBin = require.resolve('nx/bin/nx.js', { paths: [repo] });

  const shown = JSON.parse(run(process.execPath, [nxBin, 'show', 'project', 'fzf', '--json'], { cwd: ws, env }).stdout);
  for (const p of PLATFORMS) {
    const t = shown.targets?.[`build-${p.replaceAll('/', '-')}`];
    if (!t) throw new Error(`no build-${p.replaceAll('/', '-')} target inferred for fzf`);
    if (t.options?.ldflags !== LDFLAGS) throw new Error(`build-${p.replaceAll('/', '-')} has ldflags ${JSON.stringify(t.options?.ldflags)}, not the targetDefaults'`);
  }
  if (!shown.targets['build-all']) throw new Error('no build-all target inferred for fzf');

  const daemonEnv = { ...env, NX_DAEMON: 'true' };
  const nxNoCache = (e = env) => run(process.execPath, [nxBin, 'run', 'fzf:build-all', '--skip-nx-cache', `--parallel=${PARALLEL}`], { cwd: ws, env: e }).ms;
  const nxFloor = (e = env) => run(process.execPath, [nxBin, 'run', 'fzf:build-all', '--exclude-task-dependencies', '--skip-nx-cache'], { cwd: ws, env: e }).ms;
  const nxCached = (e = env) => {
    const r = run(process.execPath, [nxBin, 'run', 'fzf:build-all', `--parallel=${PARALLEL}`], { cwd: ws, env: e });
    // "Cache: 6/7 hit" (build-all itself is not cacheable), or the older "… from the cache … for 6 out of 7 tasks"
    const m = r.stdout.match(/Cache:\s+(\d+)\/\d+ hit/) ?? r.stdout.match(/from the cache instead of running the command for (\d+) out of/);
    if (!m || Number(m[1]) < PLATFORMS.length) throw new Error(`expected ${PLATFORMS.length} cache hits:\n${r.stdout}`);
    return r.ms;
  };
  const goreleaser = () => run(gr.bin, ['build', '--snapshot', '--clean', `--parallelism=${PARALLEL}`], { cwd: ws, env }).ms;
  // the floor: the six go builds alone, same flags, same parallelism
  const rawDir = path.join(ws, 'raw');
  const rawScript = [
    'set -e',
    `printf '%s\\n' ${PLATFORMS.map((p) => `'${p}'`).join(' ')} | xargs -P ${PARALLEL} -I{} sh -c '`,
    '  p={}; os=${p%%/*}; rest=${p#*/}; arch=${rest%%/*}; v=; [ "$rest" != "$arch" ] && v=${rest#*/}',
    '  ext=; [ "$os" = windows ] && ext=.exe',
    '  out="$0/$(echo $p | tr / -)/fzf$ext"; mkdir -p "$(dirname "$out")"',
    `  GOOS=$os GOARCH=$arch GOARM=$v CGO_ENABLED=0 go build -trimpath -buildvcs=false "-ldflags=${LDFLAGS} -buildid=" -o "$out" .`,
    `' "${rawDir}"`,
  ].join('\n');
  const rawGo = () => run('sh', ['-c', rawScript], { cwd: app, env }).ms;

  // warm GOCACHE for both sides' flags, and fill the Nx cache
  log('warming up (GOCACHE, Nx cache)');
  goreleaser();
  rawGo();
  nxNoCache();
  run(process.execPath, [nxBin, 'run', 'fzf:build-all', `--parallel=${PARALLEL}`], { cwd: ws, env }); // stores (--skip-nx-cache does not)
  nxCached();
  nxFloor();
  run(process.execPath, [nxBin, 'daemon', '--start'], { cwd: ws, env: daemonEnv });
  const ms = { nxNoCache: [], goreleaser: [], nxCacheHits: [], goBuildAlone: [], nxFloor: [], daemonNxNoCache: [], daemonNxCacheHits: [], daemonNxFloor: [] };
  try {
    // the daemon computes the graph once; the first commands wait for it
    nxFloor(daemonEnv);
    nxCached(daemonEnv);
    for (let i = 0; i < RUNS; i++) {
      // one round runs every variant, so drift in machine load hits them alike
      ms.nxNoCache.push(nxNoCache());
      ms.goreleaser.push(goreleaser());
      ms.nxCacheHits.push(nxCached());
      ms.goBuildAlone.push(rawGo());
      ms.nxFloor.push(nxFloor());
      ms.daemonNxNoCache.push(nxNoCache(daemonEnv));
      ms.daemonNxCacheHits.push(nxCached(daemonEnv));
      ms.daemonNxFloor.push(nxFloor(daemonEnv));
      log(`round ${i + 1}: ${Object.entries(ms).map(([k, v]) => `${k} ${v[i].toFixed(0)} ms`).join(', ')}`);
    }
  } finally {
    run(process.execPath, [nxBin, 'daemon', '--stop'], { cwd: ws, env: daemonEnv });
  }

  // the binaries of the last rounds' runs (a cache hit leaves outputs that match the cache as they are)
  const ours = nxBinaries(ws);
  const theirs = goreleaserBinaries(ws);
  const binaries = PLATFORMS.map((p) => {
    const a = sha256(ours[p]);
    const b = theirs[p] ? sha256(theirs[p]) : undefined;
    const raw = path.join(rawDir, p.replaceAll('/', '-'), path.basename(ours[p]));
    const row = { platform: p, nx: a, goreleaser: b, identical: a === b, goBuildAloneIdentical: sha256(raw) === a };
    if (b && a !== b) {
      const info = (f) => run('go', ['version', '-m', f], { env }).stdout.split('\n').slice(1).map((l) => l.trim());
      const x = info(ours[p]);
      const y = info(theirs[p]);
      row.buildInfoOnlyInNx = x.filter((l) => !y.includes(l));
      row.buildInfoOnlyInGoreleaser = y.filter((l) => !x.includes(l));
    }
    return row;
  });

  const med = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  const result = {
    module: `${MODULE}@${VERSION}`,
    goVersion,
    goreleaser: gr.version,
    node: process.version,
    runs: RUNS,
    parallel: PARALLEL,
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
    medianMs: med,
    ratio: {
      nxNoCacheOverGoreleaser: med.nxNoCache / med.goreleaser,
      nxCacheHitsOverGoreleaser: med.nxCacheHits / med.goreleaser,
      goreleaserOverGoBuildAlone: med.goreleaser / med.goBuildAlone,
      nxNoCacheOverGoBuildAlone: med.nxNoCache / med.goBuildAlone,
      floorsOverGoreleaser: (med.nxFloor + med.goBuildAlone) / med.goreleaser,
      daemonNxNoCacheOverGoreleaser: med.daemonNxNoCache / med.goreleaser,
      daemonNxCacheHitsOverGoreleaser: med.daemonNxCacheHits / med.goreleaser,
      daemonFloorsOverGoreleaser: (med.daemonNxFloor + med.goBuildAlone) / med.goreleaser,
    },
    // what the no-cache run costs beyond Nx's fixed cost and the go builds: the batch process, the plugin's work per build
    beyondFloorsMs: { daemonOff: med.nxNoCache - med.nxFloor - med.goBuildAlone, daemonOn: med.daemonNxNoCache - med.daemonNxFloor - med.goBuildAlone },
    binaries,
    allIdentical: binaries.every((b) => b.identical),
    samplesMs: ms,
  };
  if (asJson) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const f = (x) => `${(x / 1000).toFixed(2)} s`;
    console.log(`${MODULE}@${VERSION}, 6 platforms, ${goVersion}, goreleaser ${gr.version}, median of ${RUNS}, ${PARALLEL} parallel builds`);
    console.log(`(a) nx run fzf:build-all --skip-nx-cache   ${f(med.nxNoCache)}   ratio to goreleaser ${result.ratio.nxNoCacheOverGoreleaser.toFixed(2)}`);
    console.log(`    goreleaser build --snapshot --clean    ${f(med.goreleaser)}   (warm GOCACHE)`);
    console.log(`(b) nx run fzf:build-all (6 cache hits)    ${f(med.nxCacheHits)}   ratio to goreleaser ${result.ratio.nxCacheHitsOverGoreleaser.toFixed(2)}`);
    console.log(
      `    the six go builds alone (floor)        ${f(med.goBuildAlone)}   goreleaser ${result.ratio.goreleaserOverGoBuildAlone.toFixed(2)}x, ` +
        `nx (no cache) ${result.ratio.nxNoCacheOverGoBuildAlone.toFixed(2)}x of it`,
    );
    console.log(`(c) Nx's fixed cost: the same command with no build in it (--exclude-task-dependencies)`);
    console.log(`    nx floor (daemon off)                  ${f(med.nxFloor)}   nx floor + go floor ${f(med.nxFloor + med.goBuildAlone)}, ratio to goreleaser ${result.ratio.floorsOverGoreleaser.toFixed(2)}`);
    console.log(`    (a) beyond both floors                 ${f(result.beyondFloorsMs.daemonOff)}`);
    console.log(`(d) with the Nx daemon (Nx's default outside CI)`);
    console.log(`    nx run fzf:build-all --skip-nx-cache   ${f(med.daemonNxNoCache)}   ratio to goreleaser ${result.ratio.daemonNxNoCacheOverGoreleaser.toFixed(2)}`);
    console.log(`    nx run fzf:build-all (6 cache hits)    ${f(med.daemonNxCacheHits)}   ratio to goreleaser ${result.ratio.daemonNxCacheHitsOverGoreleaser.toFixed(2)}`);
    console.log(`    nx floor                               ${f(med.daemonNxFloor)}   nx floor + go floor ${f(med.daemonNxFloor + med.goBuildAlone)}, ratio to goreleaser ${result.ratio.daemonFloorsOverGoreleaser.toFixed(2)}`);
    console.log(`    no cache, beyond both floors           ${f(result.beyondFloorsMs.daemonOn)}`);
    console.log(
      `binaries byte-identical (sha256), nx vs goreleaser: ${result.allIdentical ? 'all 6' : `${binaries.filter((b) => b.identical).length} of 6`}; ` +
        `nx vs the go builds alone: ${binaries.filter((b) => b.goBuildAloneIdentical).length} of 6`,
    );
    for (const b of binaries) {
      console.log(`  ${b.platform.padEnd(14)} ${b.identical ? 'identical' : 'DIFFERENT'}  ${b.nx.slice(0, 16)}${b.identical ? '' : ` vs ${(b.goreleaser ?? 'missing').slice(0, 16)}`}`);
      for (const l of b.buildInfoOnlyInNx ?? []) console.log(`      nx only:         ${l}`);
      for (const l of b.buildInfoOnlyInGoreleaser ?? []) console.log(`      goreleaser only: ${l}`);
    }
    console.log(`load average at the end: ${result.loadAverage.join(' ')} (${os.cpus().length} CPUs)`);
  }
}

// bench/release.js builds on the same workspace, module and goreleaser
module.exports = { MODULE, VERSION, LDFLAGS, PLATFORMS, GORELEASER_TARGETS, PARALLEL, CACHE, run, median, goEnv, goreleaserBin, fetchModule, setUpWorkspace, sha256, nxBinaries };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
