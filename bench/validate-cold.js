#!/usr/bin/env node
/**
 * Cold validation: `validate` of examples/libs/mathx over the examples' 7-platform matrix with an
 * EMPTY GOCACHE, against the `go vet -asmdecl` commands it decides to run, run by hand.
 *
 *   node bench/validate-cold.js [--runs 3] [--old-runs 1] [--json]
 *
 * Sides, each with a fresh temporary GOCACHE per run (created before and deleted after the
 * timed part), interleaved and rotated each round:
 *   validate  the validate executor in-process (runValidation) on a copy of libs/mathx, with
 *             compile-only build targets for the matrix of examples/nx.json: source checks plus
 *             `go vet -asmdecl` where assembly is built (the time users wait, minus Nx start-up)
 *   vet       the same GOOS/GOARCH × package list (printed), spawned directly, the same number
 *             at a time (os.availableParallelism())
 *   old       what validate ran before: `go vet -json -asmdecl ./...` for every GOOS/GOARCH of
 *             the matrix, one after the other (for context; --old-runs rounds, default 1)
 * Prints medians, validate/vet (goal ≤ 1.2), old/validate, per-platform vet times of the
 * median validate run, and `uptime` before and after.
 *
 * Runs from the TypeScript sources (transpiled on load), so no build is needed. Needs go.
 */
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ts = require('typescript');
require.extensions['.ts'] = (module, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(out.outputText, filename);
};

const repo = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const num = (name, dflt) => {
  const i = args.indexOf(name);
  const v = i >= 0 ? parseInt(args[i + 1], 10) : NaN;
  return Number.isFinite(v) && v >= 0 ? v : dflt;
};
const RUNS = Math.max(1, num('--runs', 3));
const OLD_RUNS = Math.min(RUNS, num('--old-runs', 1));
const asJson = args.includes('--json');
const PARALLEL = os.availableParallelism();

const { runValidation, readProjectSources } = require(path.join(repo, 'plugin/src/executors/validate/executor.ts'));
const { planAsmdecl } = require(path.join(repo, 'plugin/src/checks/asmdecl-plan.ts'));
const { parsePlatform, platformSlug } = require(path.join(repo, 'plugin/src/platforms/platform.ts'));
const { VARIANT_VARIABLE } = require(path.join(repo, 'plugin/src/platforms/types.ts'));

function log(msg) {
  if (!asJson) process.stderr.write(msg + '\n');
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

// A throw-away workspace with libs/mathx and compile-only build targets for the matrix.
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-validate-cold-'));
const projectRoot = 'libs/mathx';
const moduleDir = path.join(ws, projectRoot);
fs.cpSync(path.join(repo, 'examples/libs/mathx'), moduleDir, { recursive: true });
const matrix = JSON.parse(fs.readFileSync(path.join(repo, 'examples/nx.json'), 'utf8')).plugins.find(
  (p) => (typeof p === 'string' ? p : p.plugin) === '@gocross/nx',
).options.platforms;
const platforms = matrix.map(parsePlatform);
const targets = {};
for (const p of platforms) {
  const options = { goos: p.goos, goarch: p.goarch, compileOnly: true };
  const v = VARIANT_VARIABLE[p.goarch];
  if (p.variant && v) options[v.slice(2).toLowerCase()] = p.variant; // GOARM → goarm
  targets[`build-${platformSlug(p)}`] = { executor: '@gocross/nx:build', options };
}
const context = {
  root: ws,
  cwd: ws,
  isVerbose: false,
  projectName: 'mathx',
  projectsConfigurations: { version: 2, projects: { mathx: { root: projectRoot, targets } } },
};
const options = { buildTargets: Object.keys(targets), formats: ['text'], reportsDir: path.join(ws, 'reports') };

// The environment of every side; GOCACHE is set per run.
const baseEnv = { ...process.env, GOWORK: 'off', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '' };
for (const v of new Set(Object.values(VARIANT_VARIABLE))) delete baseEnv[v];

const plan = planAsmdecl(readProjectSources(moduleDir), platforms, { env: baseEnv });
const distinct = [...new Map(platforms.map((p) => [`${p.goos}/${p.goarch}`, p])).values()];

function spawnVet(env, goos, goarch, packages) {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['vet', '-json', '-asmdecl', ...packages], {
      cwd: moduleDir,
      env: { ...env, GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b) => (err += b));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`go vet (${goos}/${goarch}) exited ${code}: ${err}`))));
  });
}

async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const sides = {
  async validate(env) {
    const saved = process.env;
    process.env = env;
    try {
      const lines = [];
      const r = await runValidation(options, context, (l) => lines.push(l));
      if (!r.result) throw new Error(`validate failed: ${lines.join('\n')}`);
      const asm = r.result.findings.filter((f) => f.checkId === 'asmdecl');
      if (asm.length) throw new Error(`unexpected asmdecl findings: ${JSON.stringify(asm)}`);
      return { timing: r.result.timing };
    } finally {
      process.env = saved;
    }
  },
  async vet(env) {
    await pool(plan.runs, PARALLEL, (r) => spawnVet(env, r.goos, r.goarch, r.packages));
  },
  async old(env) {
    for (const p of distinct) await spawnVet(env, p.goos, p.goarch, ['./...']);
  },
};

async function timed(side) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-gocache-'));
  const env = { ...baseEnv, GOCACHE: cache };
  try {
    const t0 = process.hrtime.bigint();
    const extra = await sides[side](env);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    return { ms, ...(extra || {}) };
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

async function main() {
  const before = uptime();
  log(`uptime before: ${before}`);
  log(`go: ${execFileSync('go', ['version'], { encoding: 'utf8' }).trim()}; cores: ${PARALLEL}; matrix: ${matrix.join(' ')}`);
  log(`vet by hand (${PARALLEL} at a time):`);
  for (const r of plan.runs) log(`  GOOS=${r.goos} GOARCH=${r.goarch} CGO_ENABLED=0 go vet -json -asmdecl ${r.packages.join(' ')}`);
  log(`skipped (no assembly): ${plan.skipped.map((p) => `${p.goos}/${p.goarch}`).join(', ') || 'none'}`);
  log(`old: go vet -json -asmdecl ./... for ${distinct.map((p) => `${p.goos}/${p.goarch}`).join(', ')}, one after the other`);
  const ms = { validate: [], vet: [], old: [] };
  const timings = [];
  for (let i = 0; i < RUNS; i++) {
    const order = ['validate', 'vet'];
    if (i % 2) order.reverse();
    if (i < OLD_RUNS) order.splice(i % 3, 0, 'old');
    for (const side of order) {
      const r = await timed(side);
      ms[side].push(r.ms);
      if (r.timing) timings.push({ ms: r.ms, timing: r.timing });
      log(`round ${i + 1}/${RUNS} ${side.padEnd(8)} ${secs(r.ms)}`);
    }
  }
  const after = uptime();
  const med = { validate: median(ms.validate), vet: median(ms.vet), old: ms.old.length ? median(ms.old) : undefined };
  const ratio = med.validate / med.vet;
  const mid = [...timings].sort((a, b) => a.ms - b.ms)[timings.length >> 1].timing;
  const result = {
    runs: RUNS,
    oldRuns: OLD_RUNS,
    parallel: PARALLEL,
    medianMs: med,
    samplesMs: ms,
    ratio,
    goal: 1.2,
    met: ratio <= 1.2,
    oldOverValidate: med.old !== undefined ? med.old / med.validate : undefined,
    medianValidateTiming: mid,
    uptime: { before, after },
  };
  fs.rmSync(ws, { recursive: true, force: true });
  if (asJson) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const out = [
    `validate (in-process, cold GOCACHE)   median ${secs(med.validate)}   [${ms.validate.map(secs).join(', ')}]`,
    `vet by hand, same runs                median ${secs(med.vet)}   [${ms.vet.map(secs).join(', ')}]`,
    `validate / vet = ${ratio.toFixed(3)} (goal ≤ 1.2: ${result.met ? 'met' : 'NOT met'})`,
  ];
  if (med.old !== undefined) {
    out.push(`old way (every platform, ./..., serial) median ${secs(med.old)}   [${ms.old.map(secs).join(', ')}]   old / validate = ${result.oldOverValidate.toFixed(2)}`);
  }
  out.push(
    `median validate run: vet ${secs(mid.vetMs)} wall (${mid.vet.map((v) => `${v.platform} ${secs(v.durationMs)}`).join(', ')}), checks ${Math.round(mid.checksMs)} ms`,
    `uptime before: ${before}`,
    `uptime after:  ${after}`,
  );
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => {
  fs.rmSync(ws, { recursive: true, force: true });
  console.error(e);
  process.exit(1);
});
