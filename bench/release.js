#!/usr/bin/env node
'use strict';
/**
 * Packaging, checksums, SBOMs and provenance for the six-platform default matrix of a real Go
 * command line: the `release` target of @gocross/nx (from the cached platform builds) vs
 * `goreleaser release --snapshot --skip=publish --clean` (which rebuilds, warm GOCACHE).
 *
 * Workspace, module (github.com/junegunn/fzf@v0.65.2), go flags, platforms and goreleaser
 * (v2.16.0, installed into the cache directory) are bench/matrix.js's: see there. On top of that:
 * - Nx: targetDefaults give the release target releaseVersion 0.65.2; the archives get LICENSE,
 *   README-VIM.md and README.md of apps/fzf (the executor's default extra files).
 * - goreleaser: snapshot version 0.65.2; archives with the default name template, tar.gz, zip for
 *   windows (what the release executor writes), the same three files; checksums.txt (sha256);
 *   `sboms:` per binary with the command `node bench/lib/cyclonedx-sbom.js $artifact $document`:
 *   CycloneDX 1.6 JSON from the plugin's own SBOM generator (syft, goreleaser's default, is not
 *   installed here). goreleaser writes no provenance; the release executor copies each binary's
 *   build manifest.
 *
 * Interleaved rounds (order rotated each round) of:
 *   nx release only      nx run fzf:release --skip-nx-cache --exclude-task-dependencies
 *                        (builds and validate cached from the warm-up; the release task runs)
 *   nx all cache hits    nx run fzf:release    (6 builds, validate and release from the Nx cache)
 *   goreleaser + sbom    goreleaser release --snapshot --skip=publish --clean
 *   goreleaser no sbom   the same with --skip=publish,sbom   (packaging + checksums only)
 *   goreleaser build     goreleaser build --snapshot --clean  (its six builds alone: the split)
 *   executor phases      a fresh node process running the executor's makeRelease in-process,
 *                        timing its library calls (validation, SBOM, archive, hashing, git, …)
 * Prints medians, ratios (goal: nx release only ≤ 0.5 × goreleaser), where the time goes, the
 * load average before and after, and whether the binaries inside the two sides' archives are
 * byte-identical (sha256), archive by archive.
 *
 * Usage: node bench/release.js [--runs 5] [--cache bench/.work/matrix] [--keep] [--json]
 * Needs plugin/dist (npm run build) and go.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const dist = path.join(repo, 'plugin', 'dist');

if (process.argv[2] === '--phases-child') {
  phasesChild(process.argv[3])
    .then((r) => process.stdout.write(JSON.stringify(r)))
    .catch((e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    });
  return;
}

const m = require('./matrix.js');

const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Math.max(1, parseInt(opt('--runs') ?? '5', 10) || 5);
const asJson = args.includes('--json');
const keep = args.includes('--keep');
const RELEASE_VERSION = m.VERSION.replace(/^v/, '');
const SBOM_SCRIPT = path.join(__dirname, 'lib', 'cyclonedx-sbom.js');

function log(msg) {
  if (!asJson) process.stderr.write(msg + '\n');
}

const uptime = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();

/**
 * Child mode: makeRelease in this fresh process, as the Nx task runs it in its own, with the
 * library calls it makes wrapped in timers. Prints {totalMs, requireMs, phases: {label: ms}}.
 */
async function phasesChild(ws) {
  const t0 = performance.now();
  const phases = {};
  const add = (label, ms) => (phases[label] = (phases[label] ?? 0) + ms);
  // Calls of one label that overlap (the archives compress at once) count once: the wall time
  // during which at least one of them runs.
  const active = {};
  const begin = (label) => {
    const a = (active[label] ??= { n: 0, since: 0 });
    if (a.n++ === 0) a.since = performance.now();
  };
  const end = (label) => {
    const a = active[label];
    if (--a.n === 0) add(label, performance.now() - a.since);
  };
  const wrap = (mod, name, label) => {
    const f = mod[name];
    mod[name] = function (...a) {
      begin(label);
      let r;
      try {
        r = f.apply(this, a);
      } catch (e) {
        end(label);
        throw e;
      }
      if (r && typeof r.then === 'function') return r.finally(() => end(label));
      end(label);
      return r;
    };
  };
  const cp = require('node:child_process');
  wrap(cp, 'spawnSync', 'git describe + git log (version, time)');
  const exec = require(path.join(dist, 'executors', 'release', 'executor'));
  wrap(require(path.join(dist, 'executors', 'validate', 'executor')), 'planValidation', 'validate: plan (targets, manifests)');
  wrap(require(path.join(dist, 'checks', 'policy')), 'resolvePolicy', 'validate: policy');
  wrap(require(path.join(dist, 'checks', 'engine')), 'validateArtifacts', 'validate: binary checks');
  wrap(require(path.join(dist, 'release', 'sbom')), 'generateSbom', 'SBOM (build info → CycloneDX JSON)');
  wrap(require(path.join(dist, 'release', 'archive')), 'createReleaseArchive', 'archives (tar/zip + gzip/deflate, level 6, all at once)');
  wrap(require(path.join(dist, 'release', 'checksums')), 'sha256Hex', 'sha256 of binaries');
  wrap(require(path.join(dist, 'release', 'checksums')), 'formatChecksums', 'checksums.txt (sha256 of every file)');
  wrap(require(path.join(dist, 'executors', 'build', 'manifest')), 'parseManifest', 'provenance (manifest parse)');
  const requireMs = performance.now() - t0;
  const shown = JSON.parse(fs.readFileSync(path.join(ws, '.bench-project.json'), 'utf8'));
  const t1 = performance.now();
  const r = await exec.makeRelease(shown.targets.release.options, {
    workspaceRoot: ws,
    projectName: 'fzf',
    targetName: 'release',
    projects: { projects: { fzf: shown } },
    log: () => {},
    error: (l) => console.error(l),
  });
  if (!r.success) throw new Error('makeRelease failed');
  const totalMs = performance.now() - t1;
  const inner = Object.values(phases).reduce((a, b) => a + b, 0);
  phases['rest (file reads, writing the directory, …)'] = totalMs - inner;
  return { requireMs, totalMs, phases };
}

function goreleaserConfig() {
  // appended to matrix.js's .goreleaser.yaml (version, project_name, dist, builds)
  return [
    'snapshot:',
    `  version_template: "${RELEASE_VERSION}"`,
    'archives:',
    '  - id: fzf',
    '    formats: [tar.gz]',
    '    format_overrides:',
    '      - goos: windows',
    '        formats: [zip]',
    '    files:',
    '      - src: apps/fzf/LICENSE*',
    '        strip_parent: true',
    '      - src: apps/fzf/README*',
    '        strip_parent: true',
    'checksum:',
    '  name_template: checksums.txt',
    '  algorithm: sha256',
    'sboms:',
    '  - artifacts: binary',
    `    cmd: ${JSON.stringify(process.execPath)}`,
    `    args: [${JSON.stringify(SBOM_SCRIPT)}, "$artifact", "$document"]`,
    '    documents: ["{{ .Binary }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}{{ with .Arm }}v{{ . }}{{ end }}.sbom.cdx.json"]',
    '    env: ["SOURCE_DATE_EPOCH={{ .CommitTimestamp }}"]',
    'changelog:',
    '  disable: true',
    '',
  ].join('\n');
}

/** archive name → { binary name → sha256 } for the archives in dir. */
async function binariesInArchives(dir) {
  const { readArchive } = require(path.join(dist, 'release', 'unpack'));
  const { sha256Hex } = require(path.join(dist, 'release', 'checksums'));
  const out = {};
  for (const f of fs.readdirSync(dir).sort()) {
    const format = f.endsWith('.tar.gz') ? 'tar.gz' : f.endsWith('.zip') ? 'zip' : undefined;
    if (!format) continue;
    const entries = await readArchive(fs.readFileSync(path.join(dir, f)), format);
    out[f] = {
      entries: entries.map((e) => e.name).sort(),
      binaries: Object.fromEntries(entries.filter((e) => /^fzf(\.exe)?$/.test(e.name)).map((e) => [e.name, sha256Hex(e.data)])),
      bytes: fs.statSync(path.join(dir, f)).size,
    };
  }
  return out;
}

/**
 * The archive step's cost at other settings: deflate of the six built binaries with Node's zlib,
 * level 9 and level 6 (goreleaser's and gzip's default), one after another and all at once on
 * the libuv thread pool; level 6 all at once is what the executor does.
 */
function whatIfDeflate(ws) {
  const zlib = require('node:zlib');
  const bins = m.PLATFORMS.map((p) => {
    const dir = path.join(ws, 'dist', 'apps', 'fzf', p.replaceAll('/', '-'));
    return fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => /^fzf(\.exe)?$/.test(f))));
  });
  const time = (fn) => {
    const runs = [];
    let out = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      out = fn();
      runs.push(performance.now() - t0);
    }
    return { ms: m.median(runs), outBytes: out };
  };
  const serial = (level) => () => bins.reduce((n, b) => n + zlib.gzipSync(b, { level }).length, 0);
  const parallel = (level) => {
    // the thread pool, measured from a child so this process's event loop is not needed
    const script = `const z=require('node:zlib'),fs=require('node:fs');const files=${JSON.stringify(m.PLATFORMS.map((p) => {
      const dir = path.join(ws, 'dist', 'apps', 'fzf', p.replaceAll('/', '-'));
      return path.join(dir, fs.readdirSync(dir).find((f) => /^fzf(\.exe)?$/.test(f)));
    }))};const bs=files.map(f=>fs.readFileSync(f));const t=performance.now();Promise.all(bs.map(b=>new Promise((res,rej)=>z.gzip(b,{level:${level}},(e,o)=>e?rej(e):res(o.length))))).then(ls=>process.stdout.write(JSON.stringify({ms:performance.now()-t,out:ls.reduce((a,b)=>a+b,0)})))`;
    const runs = [];
    let out = 0;
    for (let i = 0; i < 3; i++) {
      const r = JSON.parse(m.run(process.execPath, ['-e', script]).stdout);
      runs.push(r.ms);
      out = r.out;
    }
    return { ms: m.median(runs), outBytes: out };
  };
  return {
    inputMB: bins.reduce((n, b) => n + b.length, 0) / 1e6,
    rows: [
      { label: 'level 9, one after another', ...time(serial(9)) },
      { label: 'level 6, one after another', ...time(serial(6)) },
      { label: `level 9, all six at once on the thread pool (${os.availableParallelism()} CPUs)`, ...parallel(9) },
      { label: `level 6, all six at once on the thread pool (as the executor does now)`, ...parallel(6) },
    ],
  };
}

async function main() {
  const before = uptime();
  const goVersion = m.run('go', ['env', 'GOVERSION']).stdout.trim();
  fs.mkdirSync(m.CACHE, { recursive: true });
  const gr = m.goreleaserBin();
  const { ws, app } = m.setUpWorkspace(m.fetchModule());
  try {
    await measure(gr, ws, app, goVersion, before);
  } finally {
    if (!keep) fs.rmSync(ws, { recursive: true, force: true });
    else log(`kept ${ws}`);
  }
}

async function measure(gr, ws, app, goVersion, uptimeBefore) {
  log(`workspace ${ws}: ${m.MODULE}@${m.VERSION}, ${goVersion}, goreleaser ${gr.version}, node ${process.version}, ${RUNS} rounds`);
  log(`uptime before: ${uptimeBefore}`);
  // matrix.js's workspace, plus the release version on our side and the release sections on goreleaser's
  const nxJson = JSON.parse(fs.readFileSync(path.join(ws, 'nx.json'), 'utf8'));
  nxJson.targetDefaults['@gocross/nx:release'] = { options: { releaseVersion: RELEASE_VERSION } };
  fs.writeFileSync(path.join(ws, 'nx.json'), JSON.stringify(nxJson, null, 2));
  fs.appendFileSync(path.join(ws, '.goreleaser.yaml'), goreleaserConfig());
  fs.appendFileSync(path.join(ws, '.gitignore'), '.bench-project.json\n');
  const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  m.run('git', ['commit', '-q', '-a', '-m', 'release config'], { cwd: ws, env: gitEnv });

  m.run('go', ['mod', 'download'], { cwd: app, env: m.goEnv() });
  const env = m.goEnv({ GOPROXY: 'off', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' });
  delete env.NX_SKIP_NX_CACHE;
  delete env.SOURCE_DATE_EPOCH;
  const nxBin = require.resolve('nx/bin/nx.js', { paths: [repo] });
  const nx = (...a) => m.run(process.execPath, [nxBin, ...a], { cwd: ws, env });

  const shown = JSON.parse(nx('show', 'project', 'fzf', '--json').stdout);
  if (!shown.targets?.release) throw new Error('no release target inferred for fzf');
  if (shown.targets.release.options?.releaseVersion !== RELEASE_VERSION) throw new Error(`release target has releaseVersion ${shown.targets.release.options?.releaseVersion}`);
  fs.writeFileSync(path.join(ws, '.bench-project.json'), JSON.stringify(shown));

  const TASKS = m.PLATFORMS.length + 2; // six builds, validate, release
  const nxReleaseOnly = () => nx('run', 'fzf:release', '--skip-nx-cache', '--exclude-task-dependencies').ms;
  const nxAllHits = () => {
    const r = nx('run', 'fzf:release');
    const hit = r.stdout.match(/Cache:\s+(\d+)\/(\d+) hit/) ?? r.stdout.match(/from the cache instead of running the command for (\d+) out of (\d+)/);
    if (!hit || Number(hit[1]) !== TASKS || Number(hit[2]) !== TASKS) throw new Error(`expected ${TASKS} of ${TASKS} cache hits:\n${r.stdout}`);
    return r.ms;
  };
  const goreleaser = (skip) => () => {
    return m.run(gr.bin, ['release', '--snapshot', `--skip=${skip}`, '--clean', `--parallelism=${m.PARALLEL}`], { cwd: ws, env }).ms;
  };
  const goreleaserBuildOnly = () => m.run(gr.bin, ['build', '--snapshot', '--clean', `--parallelism=${m.PARALLEL}`], { cwd: ws, env }).ms;
  const phases = () => {
    const r = m.run(process.execPath, [__filename, '--phases-child', ws], { cwd: ws, env });
    return JSON.parse(r.stdout);
  };

  log('warming up: goreleaser (GOCACHE for its flags), nx run fzf:release (builds, validate, release into the Nx cache)');
  goreleaser('publish')();
  goreleaser('publish,sbom')();
  nx('run', 'fzf:release', `--parallel=${m.PARALLEL}`);
  nxAllHits();
  nxReleaseOnly();

  const sides = {
    nxReleaseOnly,
    nxAllCacheHits: nxAllHits,
    goreleaserWithSbom: goreleaser('publish'),
    goreleaserNoSbom: goreleaser('publish,sbom'),
    goreleaserBuildOnly,
  };
  const ms = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  const phaseRuns = [];
  const names = Object.keys(sides);
  for (let i = 0; i < RUNS; i++) {
    // rotate the order so drift in the machine's load hits every side alike
    const order = names.map((_, j) => names[(i + j) % names.length]);
    for (const k of order) ms[k].push(sides[k]());
    phaseRuns.push(phases());
    log(`round ${i + 1}: ${names.map((k) => `${k} ${ms[k][i].toFixed(0)} ms`).join(', ')}, executor in-process ${phaseRuns[i].totalMs.toFixed(0)} ms`);
  }

  // one run of each with the last state: goreleaser with SBOMs last, so its dist has the SBOMs
  goreleaser('publish')();
  nxReleaseOnly();
  const perf = m.run(process.execPath, [nxBin, 'run', 'fzf:release', '--skip-nx-cache', '--exclude-task-dependencies'], { cwd: ws, env: { ...env, NX_PERF_LOGGING: 'true' } });
  const perfText = perf.stdout + perf.stderr;
  const mark = (name) => {
    const x = perfText.match(new RegExp(`Time taken for '${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' ([\\d.]+)ms`));
    return x ? Number(x[1]) : undefined;
  };
  const taskMs = perfText.match(/"fzf:release":\s*(\d+)/);
  const nxPerf = {
    wallMs: perf.ms,
    createProjectGraphAsync: mark('createProjectGraphAsync'),
    loadPlugins: mark('loadSpecifiedNxPlugins'),
    gocrossCreateNodes: mark('@gocross/nx:createNodes'),
    hashMultipleTasks: mark('hashMultipleTasks'),
    releaseTask: taskMs ? Number(taskMs[1]) : undefined,
  };
  const deflate = whatIfDeflate(ws);

  const oursDir = path.join(ws, 'dist', 'release', 'apps', 'fzf');
  const theirsDir = path.join(ws, 'goreleaser-dist');
  const ours = await binariesInArchives(oursDir);
  const theirs = await binariesInArchives(theirsDir);
  const archives = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort().map((name) => {
    const a = ours[name];
    const b = theirs[name];
    const bin = a && Object.keys(a.binaries)[0];
    return {
      archive: name,
      inOurs: !!a,
      inGoreleaser: !!b,
      binary: bin,
      ours: a && a.binaries[bin],
      goreleaser: b && b.binaries[bin],
      identical: !!(a && b && bin && a.binaries[bin] === b.binaries[bin]),
      sameEntries: !!(a && b && a.entries.join() === b.entries.join()),
      bytes: { ours: a?.bytes, goreleaser: b?.bytes },
    };
  });
  const listing = (dir) => fs.readdirSync(dir).filter((f) => !fs.statSync(path.join(dir, f)).isDirectory()).sort();

  const median = (xs) => m.median(xs);
  const med = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  const phaseLabels = Object.keys(phaseRuns[0].phases);
  const phaseMed = Object.fromEntries(phaseLabels.map((l) => [l, median(phaseRuns.map((p) => p.phases[l] ?? 0))]));
  const result = {
    module: `${m.MODULE}@${m.VERSION}`,
    goVersion,
    goreleaser: gr.version,
    node: process.version,
    runs: RUNS,
    medianMs: med,
    ratio: {
      nxReleaseOnlyOverGoreleaserWithSbom: med.nxReleaseOnly / med.goreleaserWithSbom,
      nxReleaseOnlyOverGoreleaserNoSbom: med.nxReleaseOnly / med.goreleaserNoSbom,
      nxAllCacheHitsOverGoreleaserWithSbom: med.nxAllCacheHits / med.goreleaserWithSbom,
      nxAllCacheHitsOverGoreleaserNoSbom: med.nxAllCacheHits / med.goreleaserNoSbom,
      goreleaserBuildOnlyOverWithSbom: med.goreleaserBuildOnly / med.goreleaserWithSbom,
    },
    goalMet: med.nxReleaseOnly <= 0.5 * med.goreleaserWithSbom,
    executorInProcess: {
      medianTotalMs: median(phaseRuns.map((p) => p.totalMs)),
      medianRequireMs: median(phaseRuns.map((p) => p.requireMs)),
      medianPhasesMs: phaseMed,
    },
    nxPerfLoggingMs: nxPerf,
    deflateOfTheSixBinaries: deflate,
    archives,
    allBinariesIdentical: archives.length === m.PLATFORMS.length && archives.every((a) => a.identical),
    files: { ours: listing(oursDir), goreleaser: listing(theirsDir) },
    uptime: { before: uptimeBefore, after: uptime() },
    samplesMs: ms,
    samplesExecutorPhasesMs: phaseRuns,
  };
  if (asJson) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const s = (x) => `${(x / 1000).toFixed(2)} s`;
  const r = result.ratio;
  console.log(`${result.module}, 6 platforms, ${goVersion}, goreleaser ${gr.version}, node ${process.version}, median of ${RUNS} interleaved rounds`);
  console.log(`uptime before: ${result.uptime.before}`);
  console.log(`nx run fzf:release --skip-nx-cache --exclude-task-dependencies  ${s(med.nxReleaseOnly).padStart(8)}   ${r.nxReleaseOnlyOverGoreleaserWithSbom.toFixed(2)}x goreleaser with SBOMs, ${r.nxReleaseOnlyOverGoreleaserNoSbom.toFixed(2)}x without`);
  console.log(`nx run fzf:release (8 of 8 tasks from the Nx cache)             ${s(med.nxAllCacheHits).padStart(8)}   ${r.nxAllCacheHitsOverGoreleaserWithSbom.toFixed(2)}x goreleaser with SBOMs, ${r.nxAllCacheHitsOverGoreleaserNoSbom.toFixed(2)}x without`);
  console.log(`goreleaser release --snapshot --skip=publish --clean             ${s(med.goreleaserWithSbom).padStart(8)}   (rebuilds the 6 binaries, warm GOCACHE; SBOMs: node bench/lib/cyclonedx-sbom.js per binary)`);
  console.log(`goreleaser release --snapshot --skip=publish,sbom --clean        ${s(med.goreleaserNoSbom).padStart(8)}   (packaging + checksums only)`);
  console.log(`goal nx release ≤ 0.5x goreleaser (with SBOMs): ${result.goalMet ? 'met' : 'NOT met'}`);
  console.log(`where the release task's time goes: the executor in a fresh node process, median ${s(result.executorInProcess.medianTotalMs)} (+ ${s(result.executorInProcess.medianRequireMs)} loading its modules); the rest of the nx run is Nx`);
  for (const [l, v] of Object.entries(phaseMed).sort((a, b) => b[1] - a[1])) console.log(`  ${String(v.toFixed(0)).padStart(6)} ms  ${l}`);
  const f0 = (x) => (x === undefined ? '?' : `${x.toFixed(0)} ms`);
  console.log(
    `the nx run around it (NX_PERF_LOGGING=true, one run): ${f0(nxPerf.wallMs)} in all; project graph ${f0(nxPerf.createProjectGraphAsync)} ` +
      `(of which starting the plugin workers ${f0(nxPerf.loadPlugins)}${nxPerf.gocrossCreateNodes === undefined ? '' : `, @gocross/nx createNodes ${f0(nxPerf.gocrossCreateNodes)}`}), hashing ${f0(nxPerf.hashMultipleTasks)}, ` +
      `the release task ${f0(nxPerf.releaseTask)} (a forked process: node, Nx and the executor's modules, then the executor)`,
  );
  console.log(`deflate of the six binaries alone (median of 3, ${deflate.inputMB.toFixed(1)} MB in): what the archive step costs at other settings`);
  for (const d of deflate.rows) console.log(`  ${String(d.ms.toFixed(0)).padStart(6)} ms  ${d.label}  (${(d.outBytes / 1e6).toFixed(2)} MB out)`);
  console.log(
    `goreleaser's own split: goreleaser build --snapshot --clean alone ${s(med.goreleaserBuildOnly)} (${(100 * r.goreleaserBuildOnlyOverWithSbom).toFixed(0)} % of the release with SBOMs); ` +
      `packaging + checksums ≈ ${s(med.goreleaserNoSbom - med.goreleaserBuildOnly)}, the SBOM step ≈ ${s(med.goreleaserWithSbom - med.goreleaserNoSbom)} (differences of medians)`,
  );
  console.log(`binaries inside the archives byte-identical (sha256), nx vs goreleaser: ${archives.filter((a) => a.identical).length} of ${m.PLATFORMS.length}`);
  for (const a of archives) {
    const where = !a.inOurs ? 'only goreleaser wrote it' : !a.inGoreleaser ? 'only nx wrote it' : a.identical ? 'identical' : 'DIFFERENT';
    console.log(`  ${a.archive.padEnd(34)} ${where.padEnd(10)} ${a.binary ?? ''} ${(a.ours ?? a.goreleaser ?? '').slice(0, 16)}${a.inOurs && a.inGoreleaser && !a.identical ? ` vs ${(a.goreleaser ?? 'none').slice(0, 16)}` : ''}  entries ${a.sameEntries ? 'same' : 'differ'}; archive ${a.bytes.ours ?? '-'} vs ${a.bytes.goreleaser ?? '-'} bytes`);
  }
  const kinds = (list) => {
    const n = {};
    for (const f of list) {
      const k = /\.(tar\.gz|zip)$/.test(f) ? 'archives' : /\.sbom\.cdx\.json$/.test(f) ? 'CycloneDX SBOMs' : /\.provenance\.intoto\.json$/.test(f) ? 'provenance statements' : f;
      n[k] = (n[k] ?? 0) + 1;
    }
    return Object.entries(n).map(([k, c]) => (c > 1 || /s$/.test(k) ? `${c} ${k}` : k)).join(', ');
  };
  const listed = (dir) => fs.readFileSync(path.join(dir, 'checksums.txt'), 'utf8').trim().split('\n').length;
  console.log(`files: nx ${kinds(result.files.ours)}; checksums.txt lists ${listed(oursDir)}`);
  console.log(`       goreleaser ${kinds(result.files.goreleaser)}; checksums.txt lists ${listed(theirsDir)}`);
  console.log(`uptime after:  ${result.uptime.after}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
