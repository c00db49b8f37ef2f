#!/usr/bin/env node
'use strict';
/**
 * Start-up of the `gocross` command line, whole process, against node's own start-up and against
 * what a shell script runs to get the same facts (`readelf -hlSdW --dyn-syms` and `go version -m`
 * on every file, in one `sh` loop).
 *
 * Builds (once, cached under the OS temp directory) examples/apps/hello for the default matrix
 * (linux/amd64, linux/arm64, linux/arm/7, linux/riscv64, darwin/arm64, windows/amd64) and a
 * directory of 108 binaries (18 platforms, 6 copies each), then times N interleaved rounds of:
 *   node          node -e 0
 *   help          gocross --help
 *   validate 6    gocross validate <the 6>
 *   loop 6        sh loop of readelf + go version -m on the same 6
 *   validate 6 without the code cache (NODE_DISABLE_COMPILE_CACHE=1: a first run)
 *   validate 108  gocross validate <the 108>
 *   loop 108      the loop on the same 108
 * and prints medians of wall time and of CPU time (user + sys, from bash's `time`: what a loaded
 * machine inflates least), the differences to node, the ratios to the loop and the goal checks:
 * validate 6 ≤ node + 15 ms, and on the 108 the loop ≥ 5× slower than gocross.
 *
 * gocross is the package's bin (plugin/package.json `bin`, i.e. the bundle), run with this node
 * (process.execPath), so node's start-up is the same on both sides. --bin FILE measures another
 * build of the CLI instead (e.g. plugin/dist/cli/main.js, tsc's unbundled output); --compare FILE
 * adds a second CLI to the same rounds.
 *
 * Usage: node bench/cli-startup.js [--runs 15] [--bin FILE] [--compare FILE] [--json]
 * Needs plugin/dist (npm run build), go, readelf and bash.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Math.max(1, parseInt(opt('--runs') ?? '15', 10) || 15);
const asJson = args.includes('--json');

const DEFAULT_MATRIX = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'];
// 12 more, so the big directory has varied formats, machines and variants.
const MORE = [
  'linux/386',
  'linux/arm/6',
  'linux/ppc64le',
  'linux/s390x',
  'linux/mips64le',
  'linux/loong64',
  'darwin/amd64',
  'windows/arm64',
  'windows/386',
  'freebsd/amd64',
  'openbsd/arm64',
  'netbsd/amd64',
];
const COPIES = 6;

function log(msg) {
  if (!asJson) process.stderr.write(msg + '\n');
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function gocrossBin() {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'plugin', 'package.json'), 'utf8'));
  const rel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.gocross;
  const file = path.join(repo, 'plugin', rel);
  if (!fs.existsSync(file)) throw new Error(`${path.relative(repo, file)} is missing: run npm run build`);
  return file;
}

/** hello built for one platform into `out` (GOOS/GOARCH and the variant variable, cgo off). */
function build(platform, out, cacheKeyEnv) {
  const [goos, goarch, variant] = platform.split('/');
  const env = { ...cacheKeyEnv, GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0' };
  if (variant) env[{ arm: 'GOARM', amd64: 'GOAMD64', arm64: 'GOARM64', '386': 'GO386' }[goarch]] = variant;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;
  const r = spawnSync('go', ['build', '-trimpath', '-buildvcs=false', '-ldflags=-buildid=', '-o', tmp, '.'], {
    cwd: path.join(repo, 'examples', 'apps', 'hello'),
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`go build for ${platform} failed:\n${r.stderr}`);
  fs.renameSync(tmp, out);
}

/** The two directories, built once per Go version and example sources. */
function binaries() {
  const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
  const h = crypto.createHash('sha256').update(goVersion);
  for (const dir of ['examples/apps/hello', 'examples/libs/mathx']) {
    for (const f of fs.readdirSync(path.join(repo, dir)).sort()) {
      if (/\.(go|mod|sum)$/.test(f)) h.update(f).update(fs.readFileSync(path.join(repo, dir, f)));
    }
  }
  const root = path.join(os.tmpdir(), `gocross-bench-cli-${h.digest('hex').slice(0, 12)}`);
  const six = path.join(root, 'six');
  const many = path.join(root, 'many');
  if (fs.existsSync(path.join(root, 'done'))) return { goVersion, six, many };
  fs.rmSync(root, { recursive: true, force: true });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME || os.tmpdir(), GOFLAGS: '', GOTOOLCHAIN: 'local', GOWORK: 'off' };
  for (const k of ['GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'GOPROXY']) if (process.env[k]) env[k] = process.env[k];
  const built = {};
  for (const p of [...DEFAULT_MATRIX, ...MORE]) {
    const slug = p.replaceAll('/', '-');
    const exe = p.startsWith('windows/') ? 'hello.exe' : 'hello';
    const file = path.join(root, 'built', slug, exe);
    log(`building hello for ${p}`);
    build(p, file, env);
    built[p] = file;
  }
  for (const p of DEFAULT_MATRIX) {
    const slug = p.replaceAll('/', '-');
    fs.mkdirSync(path.join(six, slug), { recursive: true });
    fs.copyFileSync(built[p], path.join(six, slug, path.basename(built[p])));
  }
  for (const p of [...DEFAULT_MATRIX, ...MORE]) {
    for (let i = 1; i <= COPIES; i++) {
      const dir = path.join(many, `${p.replaceAll('/', '-')}-${i}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(built[p], path.join(dir, path.basename(built[p])));
    }
  }
  fs.writeFileSync(path.join(root, 'done'), '');
  return { goVersion, six, many };
}

function filesUnder(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(abs));
    else out.push(abs);
  }
  return out;
}

/**
 * One command's whole-process wall time and CPU time (user + sys of it and its children), in ms,
 * from bash's `time`; `ok` decides which exit codes are expected. CPU time is what a loaded
 * machine inflates least, so both are reported.
 */
const TIMED = 'TIMEFORMAT="%3R %3U %3S"; time "$@" >/dev/null 2>&1; echo "exit $?" >&2';
function time(file, argv, ok = (status) => status === 0, extraEnv = {}) {
  const r = spawnSync('bash', ['-c', TIMED, 'bash', file, ...argv], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...extraEnv } });
  if (r.error) throw r.error;
  const lines = r.stderr.trim().split('\n');
  const status = Number(/^exit (\d+)$/.exec(lines.pop() ?? '')?.[1]);
  const t = /^([\d.]+) ([\d.]+) ([\d.]+)$/.exec(lines.pop() ?? '');
  if (!t || !ok(status)) {
    const again = spawnSync(file, argv, { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, CI: 'true' } });
    throw new Error(`${file} ${argv.join(' ')} exited ${status}:\n${again.stdout}\n${again.stderr}\n${r.stderr}`);
  }
  return { wall: 1000 * Number(t[1]), cpu: 1000 * (Number(t[2]) + Number(t[3])) };
}

function main() {
  for (const tool of ['go', 'readelf', 'bash']) {
    if (spawnSync(tool, ['--version'], { encoding: 'utf8' }).error) throw new Error(`${tool} not found on PATH`);
  }
  const bin = opt('--bin') ? path.resolve(opt('--bin')) : gocrossBin();
  const compare = opt('--compare') ? path.resolve(opt('--compare')) : undefined;
  const { goVersion, six, many } = binaries();
  const sixFiles = filesUnder(six);
  const manyFiles = filesUnder(many);
  const loop = 'for f in "$@"; do readelf -hlSdW --dyn-syms "$f"; go version -m "$f"; done >/dev/null 2>&1; exit 0';
  // findings (exit 1) are fine; a usage or I/O error (exit 2) is not
  const validated = (status) => status === 0 || status === 1;

  const cases = [
    ['node -e 0', () => time(process.execPath, ['-e', '0'])],
    ['gocross --help', () => time(process.execPath, [bin, '--help'])],
    [`gocross validate (${sixFiles.length})`, () => time(process.execPath, [bin, 'validate', six], validated)],
    [`readelf + go version -m loop (${sixFiles.length})`, () => time('sh', ['-c', loop, 'sh', ...sixFiles])],
    // what a first run of a command costs: the bin without its code cache (src/cli/bin.ts)
    [`gocross validate (${sixFiles.length}), no code cache`, () => time(process.execPath, [bin, 'validate', six], validated, { NODE_DISABLE_COMPILE_CACHE: '1' })],
    [`gocross validate (${manyFiles.length})`, () => time(process.execPath, [bin, 'validate', many], validated)],
    [`readelf + go version -m loop (${manyFiles.length})`, () => time('sh', ['-c', loop, 'sh', ...manyFiles])],
  ];
  if (compare) {
    cases.splice(3, 0, ['compare: --help', () => time(process.execPath, [compare, '--help'])]);
    cases.splice(4, 0, [`compare: validate (${sixFiles.length})`, () => time(process.execPath, [compare, 'validate', six], validated)]);
    cases.push([`compare: validate (${manyFiles.length})`, () => time(process.execPath, [compare, 'validate', many], validated)]);
  }
  log(`gocross: ${path.relative(repo, bin) || bin}${compare ? `, compare: ${compare}` : ''}; ${process.version}, ${goVersion}; ${RUNS} rounds; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  for (const [, f] of cases) f(); // warm the page cache and the go command's own caches
  const wall = Object.fromEntries(cases.map(([name]) => [name, []]));
  const cpu = Object.fromEntries(cases.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    // one round runs every case, so drift in machine load hits all of them alike
    for (const [name, f] of cases) {
      const t = f();
      wall[name].push(t.wall);
      cpu[name].push(t.cpu);
    }
  }
  const medians = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, +median(v).toFixed(1)]));
  const mw = medians(wall);
  const mc = medians(cpu);
  const [NODE, HELP, V6, L6] = ['node -e 0', 'gocross --help', `gocross validate (${sixFiles.length})`, `readelf + go version -m loop (${sixFiles.length})`];
  const [VM, LM] = [`gocross validate (${manyFiles.length})`, `readelf + go version -m loop (${manyFiles.length})`];
  const derived = (m) => ({
    helpOverNode: +(m[HELP] - m[NODE]).toFixed(1),
    validate6OverNode: +(m[V6] - m[NODE]).toFixed(1),
    loopOverValidate6: +(m[L6] / m[V6]).toFixed(2),
    loopOverValidateMany: +(m[LM] / m[VM]).toFixed(1),
    goals: { validate6AtMostNodePlus15Ms: m[V6] <= m[NODE] + 15, loopAtLeast5xSlowerOnMany: m[LM] / m[VM] >= 5 },
  });
  const result = {
    node: process.version,
    goVersion,
    runs: RUNS,
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
    cpus: os.cpus().length,
    gocross: path.relative(repo, bin) || bin,
    medianWallMs: mw,
    medianCpuMs: mc,
    wall: derived(mw),
    cpu: derived(mc),
  };
  if (asJson) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const w = Math.max(...Object.keys(mw).map((k) => k.length));
  console.log(`${''.padEnd(w)}  ${'wall ms'.padStart(9)}  ${'cpu ms'.padStart(9)}   (medians of ${RUNS})`);
  for (const k of Object.keys(mw)) console.log(`${k.padEnd(w)}  ${mw[k].toFixed(1).padStart(9)}  ${mc[k].toFixed(1).padStart(9)}`);
  const met = (b) => (b ? 'met' : 'NOT met');
  for (const [name, d] of [['wall', result.wall], ['cpu', result.cpu]]) {
    console.log(
      `${name}: --help ${d.helpOverNode >= 0 ? '+' : ''}${d.helpOverNode} ms over node; validate (${sixFiles.length}) ${d.validate6OverNode >= 0 ? '+' : ''}${d.validate6OverNode} ms over node (goal ≤ +15: ${met(d.goals.validate6AtMostNodePlus15Ms)}); ` +
        `loop/validate ${d.loopOverValidate6}x on ${sixFiles.length}, ${d.loopOverValidateMany}x on ${manyFiles.length} (goal ≥ 5x: ${met(d.goals.loopAtLeast5xSlowerOnMany)})`,
    );
  }
  console.log(`load average at the end: ${result.loadAverage.join(' ')} (${result.cpus} CPUs)`);
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
