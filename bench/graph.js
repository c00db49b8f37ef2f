#!/usr/bin/env node
'use strict';
/**
 * Project-graph benchmark: a generated Go workspace (default 300 modules × 10 packages × 5 files,
 * go.work using every module) is loaded by Nx with the daemon off and an empty workspace data
 * directory (cold), once with @gocross/nx registered and once without any plugin (baseline).
 * Prints the wall times, the share of the time due to the plugin, and compares the plugin's
 * project edges with the module edges `go list -deps -json` derives.
 *
 *   node bench/graph.js [--modules 300] [--packages 10] [--files 5] [--runs 3] [--keep] [--no-isolation] [--nx-go <dir>] [--compare <dir>]
 *
 * Needs `npm run build` first (uses plugin/dist; --plugin-dir <dir> for another built copy) and `go` for the edge comparison.
 * Optional: --nx-go <dir>   a directory with nx@22 and @nx-go/nx-go installed, to time that plugin
 * on the same workspace; --compare <dir>   another built copy of @gocross/nx (package.json and
 * dist/), e.g. of an older commit, timed in the same rounds. All variants run interleaved, one run
 * of each per round.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const MODULES = Number(opt('modules', 300));
const PACKAGES = Number(opt('packages', 10));
const FILES = Number(opt('files', 5));
const RUNS = Number(opt('runs', 3));
const NX_GO = opt('nx-go', undefined) && path.resolve(opt('nx-go'));
// --compare <dir>: another built copy of the plugin (a directory with package.json and dist/), timed in the same rounds.
const COMPARE = opt('compare', undefined);
// --init: also time @gocross/nx with the namedInputs and targetDefaults its init generator writes into nx.json.
const INIT = args.includes('--init');
const KEEP = args.includes('--keep');
// --no-isolation: plugins run inside the Nx process (NX_ISOLATE_PLUGINS=false) instead of a worker each.
const ISOLATE = !args.includes('--no-isolation');

const repo = path.resolve(__dirname, '..');
const pluginDir = path.resolve(opt('plugin-dir', path.join(repo, 'plugin')));
if (!fs.existsSync(path.join(pluginDir, 'dist', 'index.js'))) {
  console.error('plugin/dist/index.js missing: run `npm run build` first');
  process.exit(1);
}

// Deterministic pseudo-random numbers (mulberry32).
let seed = 0x5eed;
const rand = () => {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const mod = (i) => `m${String(i).padStart(3, '0')}`;
const modPath = (i) => `example.com/bench/${mod(i)}`;

function generate(root) {
  const use = [];
  for (let m = 0; m < MODULES; m++) {
    const dir = path.join(root, 'go', mod(m));
    use.push(`\t./go/${mod(m)}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'go.mod'), `module ${modPath(m)}\n\ngo 1.22\n`);
    const isApp = m % 5 === 0;
    for (let p = 0; p < PACKAGES; p++) {
      const main = isApp && p === 0;
      const rel = main ? 'cmd/app' : `pkg${p}`;
      const pdir = path.join(dir, rel);
      fs.mkdirSync(pdir, { recursive: true });
      // imports: two earlier packages of this module, and up to three packages of earlier modules
      const imports = new Set(['fmt']);
      for (let k = 0; k < 2 && p > 1; k++) imports.add(`${modPath(m)}/pkg${1 + Math.floor(rand() * (p - 1))}`);
      for (let k = 0; k < 3 && m > 0; k++) {
        if (rand() < 0.5) continue;
        const t = Math.floor(rand() * m);
        const tp = t % 5 === 0 ? 1 + Math.floor(rand() * (PACKAGES - 1)) : Math.floor(rand() * PACKAGES);
        if (PACKAGES > 1) imports.add(`${modPath(t)}/pkg${Math.max(tp, t % 5 === 0 ? 1 : 0)}`);
      }
      const name = main ? 'main' : `pkg${p}`;
      for (let f = 0; f < FILES; f++) {
        const imps = f === 0 ? [...imports] : ['strings'];
        const body = imps.map((x) => `\t_ "${x}"`).join('\n');
        const extra = f === 0 && main ? '\nfunc main() {}\n' : `\nfunc F${f}() string { return "${name}.${f}" }\n`;
        fs.writeFileSync(path.join(pdir, `f${f}.go`), `// Code for the benchmark.\npackage ${name}\n\nimport (\n${body}\n)\n${extra}`);
      }
    }
  }
  fs.writeFileSync(path.join(root, 'go.work'), `go 1.22\n\nuse (\n${use.join('\n')}\n)\n`);
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'bench-ws', private: true }));
  fs.mkdirSync(path.join(root, 'node_modules', '@gocross'), { recursive: true });
  for (const e of fs.readdirSync(path.join(repo, 'node_modules'))) {
    if (e === '@gocross') continue;
    fs.symlinkSync(path.join(repo, 'node_modules', e), path.join(root, 'node_modules', e));
  }
  fs.symlinkSync(pluginDir, path.join(root, 'node_modules', '@gocross', 'nx'));
  if (COMPARE) fs.symlinkSync(path.resolve(COMPARE), path.join(root, 'node_modules', 'gocross-compare'));
  writeFloorPlugin(path.join(root, 'node_modules'));
  spawnSync('git', ['init', '-q', '.'], { cwd: root });
}

/**
 * The floor: a plugin that returns the same projects (one per go.mod, no targets, no edges) and
 * does nothing else. Its share is what Nx charges any plugin (worker process, messaging).
 */
function writeFloorPlugin(nodeModules) {
  const dir = path.join(nodeModules, 'bench-floor-plugin');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-floor-plugin', main: 'index.js' }));
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    [
      "const path = require('node:path');",
      "const createNodes = ['**/go.mod', (files) => files.map((f) => [f, { projects: { [path.dirname(f)]: { name: path.basename(path.dirname(f)), targets: {} } } }])];",
      "module.exports = { name: 'bench-floor-plugin', createNodes, createNodesV2: createNodes, createDependencies: () => [] };",
      '',
    ].join('\n'),
  );
}

/** One timed `nx graph` (cold: `.nx/` removed first) with the given plugins in nx.json. */
function nxGraphOnce(root, plugins, nxBin, extra = {}) {
  fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ plugins, useDaemonProcess: false, ...extra }));
  fs.rmSync(path.join(root, '.nx'), { recursive: true, force: true });
  const out = path.join(root, 'out.json');
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [nxBin, 'graph', `--file=${out}`], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_SKIP_NX_CACHE: 'true', ...(ISOLATE ? {} : { NX_ISOLATE_PLUGINS: 'false' }) },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`nx graph failed:\n${res.stdout}\n${res.stderr}`);
  return { ms, graph: JSON.parse(fs.readFileSync(out, 'utf8')).graph };
}

/**
 * Every variant `RUNS` times, interleaved (one run of each per round, the order rotated every
 * round), so that load from other processes falls on all variants alike. Medians per variant.
 */
function nxGraphs(variants) {
  const acc = variants.map(() => ({ times: [], graph: undefined }));
  for (let r = 0; r < RUNS; r++) {
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length;
      const v = variants[i];
      const { ms, graph } = nxGraphOnce(v.root, v.plugins, v.nxBin, v.nxJson);
      acc[i].times.push(ms);
      acc[i].graph = graph;
    }
  }
  return acc.map(({ times, graph }) => {
    const sorted = [...times].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], times, graph };
  });
}

/** The namedInputs and targetDefaults `nx g @gocross/nx:init` adds to an nx.json without any (generators/init). */
function initNxJson() {
  const { GO_NAMED_INPUT, BUILD_TARGET_OUTPUTS, PLUGIN_NAME } = require(path.join(pluginDir, 'dist', 'generators', 'init', 'generator.js'));
  const targetDefaults = {};
  for (const key of ['build', 'validate', `${PLUGIN_NAME}:build`, `${PLUGIN_NAME}:validate`]) targetDefaults[key] = { cache: true };
  targetDefaults[`${PLUGIN_NAME}:build`].outputs = [...BUILD_TARGET_OUTPUTS];
  return { namedInputs: { go: [...GO_NAMED_INPUT] }, targetDefaults };
}

function goListEdges(root) {
  const patterns = [];
  for (let m = 0; m < MODULES; m++) patterns.push(`${modPath(m)}/...`);
  const res = spawnSync('go', ['list', '-e', '-json', ...patterns], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, GOWORK: path.join(root, 'go.work'), GOFLAGS: '', GOPROXY: 'off' },
  });
  if (res.error) return undefined;
  if (res.status !== 0) throw new Error(`go list: ${res.stderr}`);
  const pkgs = JSON.parse(`[${res.stdout.replace(/}\n{/g, '},\n{')}]`);
  const modOf = (ip) => {
    const m = /^example\.com\/bench\/(m\d{3})(\/|$)/.exec(ip);
    return m && m[1];
  };
  const edges = new Set();
  for (const p of pkgs) {
    const src = modOf(p.ImportPath);
    for (const imp of p.Imports ?? []) {
      const dst = modOf(imp);
      if (src && dst && src !== dst) edges.add(`${src}->${dst}`);
    }
  }
  return edges;
}

function graphEdges(graph) {
  const edges = new Set();
  for (const [src, deps] of Object.entries(graph.dependencies)) for (const d of deps) if (!d.target.startsWith('npm:')) edges.add(`${src}->${d.target}`);
  return edges;
}

function compare(name, got, want) {
  const missing = [...want].filter((e) => !got.has(e));
  const extra = [...got].filter((e) => !want.has(e));
  console.log(`${name}: ${got.size} edges; go list: ${want.size}; missing ${missing.length}, extra ${extra.length}${missing.length + extra.length ? ` (e.g. ${[...missing, ...extra].slice(0, 5).join(', ')})` : ''}`);
}

/**
 * How much of the scan reads whole files for their //go:embed lines: only files importing
 * "embed" are, every other file is read up to its import block. Timed in this process, cold.
 */
function embedScanReport(root) {
  let scanModule;
  try {
    ({ scanModule } = require(path.join(pluginDir, 'dist', 'graph', 'scan.js')));
  } catch {
    return;
  }
  const t = process.hrtime.bigint();
  let read = 0;
  let embedRead = 0;
  for (const m of fs.readdirSync(path.join(root, 'go')).sort()) {
    const s = scanModule(path.join(root, 'go', m), `example.com/bench/${m}`);
    read += s.filesRead;
    embedRead += s.embedFilesRead ?? 0;
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(`scan (in this process, no cache): ${read} Go files read, ${embedRead} of them in full for //go:embed, ${ms.toFixed(0)} ms`);
}

function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-bench-graph-'));
  const t0 = Date.now();
  generate(root);
  let files = 0;
  const count = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      if (e.isDirectory()) count(path.join(d, e.name));
      else files++;
    }
  };
  count(root);
  console.log(`workspace: ${MODULES} modules, ${MODULES * PACKAGES} packages, ${files} files (generated in ${Date.now() - t0} ms) at ${root}`);
  const nxBin = require.resolve('nx/bin/nx.js', { paths: [repo] });
  const ourOptions = { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'] };
  const variants = [
    { name: 'base', root, plugins: [], nxBin },
    { name: 'ours', root, plugins: [{ plugin: '@gocross/nx', options: ourOptions }], nxBin },
    { name: 'floor', root, plugins: ['bench-floor-plugin'], nxBin },
  ];
  if (COMPARE) variants.push({ name: 'compare', root, plugins: [{ plugin: 'gocross-compare', options: ourOptions }], nxBin });
  if (INIT) variants.push({ name: 'init', root, plugins: [{ plugin: '@gocross/nx', options: ourOptions }], nxBin, nxJson: initNxJson() });
  let goRoot;
  if (NX_GO) {
    // A workspace using nx@22 + @nx-go/nx-go from the given directory.
    goRoot = `${root}-nxgo`;
    fs.cpSync(root, goRoot, { recursive: true, filter: (s) => !s.includes(`${path.sep}node_modules`) && !s.endsWith('.nx') });
    fs.mkdirSync(path.join(goRoot, 'node_modules'));
    for (const e of fs.readdirSync(path.join(NX_GO, 'node_modules'))) fs.symlinkSync(path.join(NX_GO, 'node_modules', e), path.join(goRoot, 'node_modules', e));
    writeFloorPlugin(path.join(goRoot, 'node_modules'));
    const nxPkg = path.join(NX_GO, 'node_modules', 'nx');
    const binField = require(path.join(nxPkg, 'package.json')).bin;
    const theirBin = path.join(nxPkg, typeof binField === 'string' ? binField : binField.nx);
    variants.push(
      { name: 'theirBase', root: goRoot, plugins: [], nxBin: theirBin },
      { name: 'theirs', root: goRoot, plugins: ['@nx-go/nx-go'], nxBin: theirBin },
      { name: 'theirFloor', root: goRoot, plugins: ['bench-floor-plugin'], nxBin: theirBin },
    );
  }
  console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results = nxGraphs(variants);
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const by = Object.fromEntries(variants.map((v, i) => [v.name, results[i]]));
  const { base, ours, floor } = by;
  const list = (r) => `${r.median.toFixed(0)} [${r.times.map((t) => t.toFixed(0)).join(', ')}]`;
  // Paired: the median over rounds of (plugin run − baseline run of the same round), less
  // sensitive to load that changes between rounds than the difference of the medians.
  const paired = (a, b) => {
    const d = a.times.map((t, i) => t - b.times[i]).sort((x, y) => x - y);
    return d[Math.floor(d.length / 2)];
  };
  const floorShare = floor.median - base.median;
  const projects = Object.keys(ours.graph.nodes).length;
  console.log(`nx graph, daemon off, cold, median of ${RUNS}, interleaved (ms): baseline (no plugin) ${list(base)}`);
  console.log(`nx graph with @gocross/nx: ${list(ours)}, ${projects} projects`);
  const share = ours.median - base.median;
  console.log(`@gocross/nx share: ${share.toFixed(0)} ms (${((100 * share) / ours.median).toFixed(1)}% of the run; ${(share / MODULES).toFixed(2)} ms per module)`);
  console.log(`paired shares (median over rounds of the run minus that round's baseline): @gocross/nx ${paired(ours, base).toFixed(0)} ms, floor ${paired(floor, base).toFixed(0)} ms${COMPARE ? `, --compare ${paired(by.compare, base).toFixed(0)} ms` : ''}${INIT ? `, --init ${paired(by.init, base).toFixed(0)} ms` : ''}`);
  if (INIT) console.log(`with init's nx.json (namedInputs, targetDefaults): ${list(by.init)}, share ${(by.init.median - base.median).toFixed(0)} ms`);
  if (COMPARE) console.log(`--compare ${COMPARE}: ${list(by.compare)}, share ${(by.compare.median - base.median).toFixed(0)} ms`);
  console.log(`floor (a plugin returning the same ${Object.keys(floor.graph.nodes).length} projects, nothing else): ${list(floor)}, share ${floorShare.toFixed(0)} ms`);
  embedScanReport(root);
  const want = goListEdges(root);
  if (want) compare('@gocross/nx', graphEdges(ours.graph), want);
  else console.log('go not found: edge comparison skipped');
  if (NX_GO) {
    const { theirBase, theirs, theirFloor } = by;
    const theirShare = theirs.median - theirBase.median;
    console.log(`nx@22 floor (the do-nothing plugin): ${list(theirFloor)}, share ${(theirFloor.median - theirBase.median).toFixed(0)} ms`);
    console.log(`nx@22 baseline ${list(theirBase)}; with @nx-go/nx-go ${list(theirs)}; share ${theirShare.toFixed(0)} ms`);
    console.log(`plugin share ratio (@gocross/nx / @nx-go/nx-go): ${(share / theirShare).toFixed(2)}; @nx-go/nx-go is ${(theirShare / share).toFixed(2)}× our share`);
    if (COMPARE) console.log(`--compare share ratio (/ @nx-go/nx-go): ${((by.compare.median - base.median) / theirShare).toFixed(2)}`);
    const theirPaired = paired(theirs, theirBase);
    console.log(`paired: @nx-go/nx-go share ${theirPaired.toFixed(0)} ms, nx@22 floor ${paired(theirFloor, theirBase).toFixed(0)} ms; ratio ours / @nx-go/nx-go ${(paired(ours, base) / theirPaired).toFixed(2)}${COMPARE ? `, --compare / @nx-go/nx-go ${(paired(by.compare, base) / theirPaired).toFixed(2)}` : ''}`);
    if (want) compare('@nx-go/nx-go', graphEdges(theirs.graph), want);
    if (!KEEP) fs.rmSync(goRoot, { recursive: true, force: true });
  }
  if (!KEEP) fs.rmSync(root, { recursive: true, force: true });
}

main();
