#!/usr/bin/env node
'use strict';
/**
 * `npm run demo`: builds the example Go workspace in examples/ for every platform of its
 * matrix with Nx and @gocross/nx, then prints a table of what was built.
 *
 * examples/ is itself an Nx workspace: its nx.json registers `@gocross/nx`, which resolves to
 * this repository's plugin through the root node_modules (npm workspaces link), and Nx is the
 * root workspace's Nx. So after `npm ci` nothing else needs installing.
 *
 * Options:
 *   --no-build     do not rebuild plugin/dist even if sources are newer
 *   --skip-cache   pass --skip-nx-cache to Nx (rebuild every binary)
 *   --no-validate  skip the validate step (which opens every binary and checks it)
 *
 * Phases, each announced by a `▸` line: what is installed, the projects, the builds, the table
 * of artifacts, validate, and running hello (natively and under qemu-user). A phase that does not
 * run says why.
 *
 * Projects built with cgo (a gocross.json with "cgo": true, like apps/cgo-hello) need a C cross
 * compiler per target; where one is missing their builds fail with the plugin's message, which
 * the demo prints, and the rest of the demo goes on. The closing note names the failed targets
 * and points at hints only when the output had some.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const examples = path.join(root, 'examples');
const pluginDir = path.join(root, 'plugin');
const args = new Set(process.argv.slice(2));

const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);
const step = (s) => console.log(`\n${bold('▸ ' + s)}`);

function fail(msg) {
  console.error(`\ndemo: ${msg}`);
  process.exit(1);
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function newestMtime(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

function nxBin() {
  const pkgFile = require.resolve('nx/package.json', { paths: [examples, root] });
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  return path.join(path.dirname(pkgFile), typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.nx);
}

const nxEnv = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_INTERACTIVE: 'false',
};

function nx(argv, capture) {
  return spawnSync(process.execPath, [nxBin(), ...argv], {
    cwd: examples,
    env: nxEnv,
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** Runs nx, printing its output as it comes and keeping it (ANSI removed) to read afterwards. */
function nxTee(argv) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [nxBin(), ...argv], { cwd: examples, env: nxEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const tee = (to) => (d) => {
      to.write(d);
      output += d.toString('utf8');
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('error', (e) => resolve({ status: null, output: `${output}\n${e.message}` }));
    child.on('close', (status) => resolve({ status, output: output.replace(ANSI, '') }));
  });
}

/** The task ids Nx lists under "Failed tasks:". */
function failedTasks(output) {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'Failed tasks:');
  if (at < 0) return [];
  const out = [];
  for (const l of lines.slice(at + 1)) {
    const m = /^\s*- (\S+)\s*$/.exec(l);
    if (m) out.push(m[1]);
    else if (l.trim() && out.length) break;
  }
  return out;
}

/** Output lines of each task, from its `> nx run <task>` header to the next header or Nx line. */
function taskOutput(output) {
  const sections = new Map();
  let current;
  for (const l of output.split('\n')) {
    const head = /^> nx run (\S+)/.exec(l);
    if (head) {
      current = head[1];
      sections.set(current, []);
    } else if (/^\s*(NX\s|[✔✖]\s+nx run )/.test(l)) {
      current = undefined;
    } else if (current && l.trim()) {
      sections.get(current).push(l);
    }
  }
  return sections;
}

/**
 * What the closing note says about where to look for each failed task, true to what was
 * printed: "see the hint above" only for a task whose output had a `hint [...]` line, "printed
 * why above" for one with other output, and the command to run for one that printed nothing.
 */
function whereToLook(output, failed) {
  const sections = taskOutput(output);
  const hinted = [];
  const spoke = [];
  const silent = [];
  for (const t of failed) {
    const lines = sections.get(t) || [];
    if (lines.some((l) => /^\s*hint \[[\w-]+\]/.test(l))) hinted.push(t);
    else if (lines.length) spoke.push(t);
    else silent.push(t);
  }
  const parts = [];
  if (hinted.length) parts.push(`${hinted.join(', ')}: see the ${hinted.length === 1 ? 'hint' : 'hints'} above`);
  if (spoke.length) parts.push(`${spoke.join(', ')}: ${spoke.length === 1 ? 'its output above says why' : 'each printed why above'}`);
  if (silent.length) parts.push(`${silent.join(', ')}: no output; run nx run ${silent[0]} in examples/ to see why`);
  return parts.join('; ');
}

/** The output directory's build suffixes (the build executor's layout: `linux-arm-7-cgo`, `linux-amd64-musl-pie`). */
const LAYOUT_SUFFIX = /-(?:cgo|musl)(?:-(?:pie|c-shared|c-archive))?$|-(?:pie|c-shared|c-archive)$/;

/**
 * What an artifact was built for: from its build manifest (`<artifact>.intoto.json`, whose
 * internalParameters record the platform, cgo, libc and build mode), else from the name of its
 * directory (`<os>-<arch>[-<variant>]` and the build's suffix). `build` says how: `pure Go` or
 * `cgo` (`cgo, musl`), and the build mode when it is not exe.
 */
function artifactBuild(file) {
  try {
    const st = JSON.parse(fs.readFileSync(`${file}.intoto.json`, 'utf8'));
    const p = st.predicate.buildDefinition.internalParameters;
    if (typeof p.platform === 'string') {
      const how = [p.cgo ? 'cgo' : 'pure Go', ...(p.cgo && p.libc === 'musl' ? ['musl'] : []), ...(p.buildmode && p.buildmode !== 'exe' ? [p.buildmode] : [])];
      return { platform: p.platform, build: how.join(', ') };
    }
  } catch {
    /* no manifest: the directory name */
  }
  const dir = path.basename(path.dirname(file));
  const suffix = (LAYOUT_SUFFIX.exec(dir) || [''])[0];
  const [goos, goarch, ...variant] = dir.slice(0, dir.length - suffix.length).split('-');
  const platform = goarch ? [goos, goarch, ...(variant.length ? [variant.join('-')] : [])].join('/') : '';
  const m = /^-(?:(cgo|musl)(?:-(pie|c-shared|c-archive))?|(pie|c-shared|c-archive))$/.exec(suffix) || [];
  const how = m[1] === 'musl' ? ['cgo', 'musl'] : m[1] === 'cgo' ? ['cgo'] : ['pure Go'];
  const mode = m[2] || m[3];
  return { platform, build: [...how, ...(mode ? [mode] : [])].join(', ') };
}

/** Whether plugin/dist is to be built, and the line that says so. */
function distStatus(pluginDir, noBuild) {
  const distIndex = path.join(pluginDir, 'dist', 'index.js');
  if (!fs.existsSync(distIndex)) {
    return noBuild ? { build: false, line: 'plugin/dist: missing (--no-build)' } : { build: true, line: 'plugin/dist: missing, building it' };
  }
  const stale = newestMtime(path.join(pluginDir, 'src')) > fs.statSync(distIndex).mtimeMs;
  if (!stale) return { build: false, line: 'plugin/dist: up to date' };
  return noBuild ? { build: false, line: 'plugin/dist: older than plugin/src, used as it is (--no-build)' } : { build: true, line: 'plugin/dist: older than plugin/src, building it' };
}

module.exports = { failedTasks, taskOutput, whereToLook, artifactBuild, distStatus };

// ---------------------------------------------------------------------------------------------
// A small header sniff, enough to name the format and machine of each artifact.

const ELF_MACHINES = {
  3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM', 62: 'x86-64',
  183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};
const MACHO_CPUS = { 7: 'x86', 0x01000007: 'x86-64', 12: 'ARM', 0x0100000c: 'arm64' };
const PE_MACHINES = { 0x14c: 'x86 (i386)', 0x8664: 'x86-64', 0x1c4: 'ARMv7', 0xaa64: 'arm64' };

function sniff(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(512);
    const n = fs.readSync(fd, b, 0, b.length, 0);
    const h = b.subarray(0, n);
    if (n >= 20 && h.readUInt32BE(0) === 0x7f454c46) {
      const cls = h[4] === 2 ? 'ELF64' : 'ELF32';
      const le = h[5] === 1;
      const type = le ? h.readUInt16LE(16) : h.readUInt16BE(16);
      const machine = le ? h.readUInt16LE(18) : h.readUInt16BE(18);
      const types = { 1: 'relocatable', 2: 'executable', 3: 'shared/PIE' };
      return `${cls} ${le ? 'LSB' : 'MSB'} ${types[type] || `type ${type}`}, ${ELF_MACHINES[machine] || `machine ${machine}`}`;
    }
    if (n >= 8 && (h.readUInt32LE(0) === 0xfeedfacf || h.readUInt32LE(0) === 0xfeedface)) {
      const cpu = h.readInt32LE(4) >>> 0;
      return `Mach-O ${h.readUInt32LE(0) === 0xfeedfacf ? '64' : '32'}-bit, ${MACHO_CPUS[cpu] || `cpu ${cpu}`}`;
    }
    if (n >= 64 && h[0] === 0x4d && h[1] === 0x5a) {
      const peOff = h.readUInt32LE(0x3c);
      const pe = Buffer.alloc(26);
      fs.readSync(fd, pe, 0, 26, peOff);
      if (pe.readUInt32LE(0) === 0x00004550) {
        const m = pe.readUInt16LE(4);
        const plus = pe.readUInt16LE(24) === 0x20b ? '+' : '';
        return `PE32${plus} executable, ${PE_MACHINES[m] || `machine 0x${m.toString(16)}`}`;
      }
      return 'MZ executable';
    }
    if (h.subarray(0, 8).toString('latin1') === '!<arch>\n') return 'ar archive';
    return 'data';
  } finally {
    fs.closeSync(fd);
  }
}

function humanSize(bytes) {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

function listArtifacts(distDir) {
  const rows = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && !e.name.startsWith('.') && !/\.(json|sarif|xml|txt|h)$/.test(e.name)) rows.push(p);
    }
  };
  if (fs.existsSync(distDir)) walk(distDir);
  return rows.sort();
}

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd();
  console.log(bold(line(headers)));
  console.log(dim(w.map((n) => '─'.repeat(n)).join('  ')));
  for (const r of rows) console.log(line(r));
}

// ---------------------------------------------------------------------------------------------

async function main() {
  step('Checking what is installed');
  const go = which('go');
  if (!go) fail('Go is not on PATH. Install Go ≥ 1.22 (https://go.dev/dl/) and run again.');
  const goVersion = spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`  go: ${goVersion} (${go})`);
  console.log(`  node: ${process.version}`);
  const qemu = which('qemu-aarch64');
  console.log(`  qemu-aarch64: ${qemu || 'not installed: the linux/arm64 binary will not be run (Debian: apt-get install qemu-user)'}`);

  const distIndex = path.join(pluginDir, 'dist', 'index.js');
  const dist = distStatus(pluginDir, args.has('--no-build'));
  console.log(`  ${dist.line}`);
  if (dist.build) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-plugin.js')], { stdio: 'inherit' });
    if (r.status !== 0) fail('building the plugin failed');
  }
  if (!fs.existsSync(distIndex)) fail('plugin/dist/index.js is missing; run `npm run build`.');

  step('Projects Nx infers from go.mod files in examples/');
  const shown = nx(['show', 'projects', '--json'], true);
  if (shown.status !== 0) {
    process.stderr.write(shown.stdout + shown.stderr);
    fail('nx could not load the workspace in examples/');
  }
  const projects = JSON.parse(shown.stdout.slice(shown.stdout.indexOf('['))).sort();
  const cgoProjects = [];
  const withValidate = [];
  for (const p of projects) {
    const cfg = nx(['show', 'project', p, '--json'], true);
    let builds = [];
    try {
      const j = JSON.parse(cfg.stdout.slice(cfg.stdout.indexOf('{')));
      const targets = j.targets || {};
      builds = Object.keys(targets).filter((t) => /^build-/.test(t)).sort();
      if (Object.values(targets).some((t) => t.executor === '@gocross/nx:build' && t.options && t.options.cgo)) cgoProjects.push(p);
      if (targets.validate) withValidate.push(p);
    } catch {
      /* printed below as no targets */
    }
    const cgo = cgoProjects.includes(p) ? ' (cgo)' : '';
    console.log(`  ${bold(p)}${cgo}  ${dim(builds.join(' ') || '(no build targets)')}`);
  }

  // Start from empty output dirs so the table shows exactly this run's artifacts (Nx restores
  // cached ones in a blink).
  fs.rmSync(path.join(examples, 'dist'), { recursive: true, force: true });
  fs.rmSync(path.join(examples, 'reports'), { recursive: true, force: true });
  const cacheArgs = args.has('--skip-cache') ? ['--skip-nx-cache'] : [];
  const started = Date.now();
  const pure = projects.filter((p) => !cgoProjects.includes(p));
  step(`Building: nx run-many -t build-all -p ${pure.join(',')}`);
  const built = await nxTee(['run-many', '-t', 'build-all', '-p', pure.join(','), ...cacheArgs]);
  let cgoFailed = [];
  let cgoOutput = '';
  if (cgoProjects.length) {
    step(`Building: nx run-many -t build-all -p ${cgoProjects.join(',')}   ${dim('(cgo: needs a C cross compiler per target)')}`);
    const c = await nxTee(['run-many', '-t', 'build-all', '-p', cgoProjects.join(','), '--nxBail=false', ...cacheArgs]);
    if (c.status !== 0) {
      cgoOutput = c.output;
      cgoFailed = failedTasks(c.output);
      if (!cgoFailed.length) cgoFailed = [`build-all of ${cgoProjects.join(', ')} (nx exited ${c.status})`];
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  step(`What was built (examples/dist, ${seconds} s)`);
  const distDir = path.join(examples, 'dist');
  const files = listArtifacts(distDir);
  const rows = files.map((f) => {
    const rel = path.relative(distDir, f);
    const { platform, build } = artifactBuild(f);
    return [platform, build, path.join('examples', 'dist', rel), humanSize(fs.statSync(f).size), sniff(f)];
  });
  if (rows.length) table(['platform', 'build', 'path', 'size', 'format / machine'], rows);
  else console.log('  (nothing in examples/dist)');

  let validateFailed;
  const cgoFailedProjects = new Set(cgoFailed.map((t) => t.split(':')[0]));
  const toValidate = withValidate.filter((p) => !cgoFailedProjects.has(p));
  if (args.has('--no-validate')) step('Validate: skipped (--no-validate)');
  else if (built.status !== 0) step('Validate: skipped, the build failed');
  else if (!toValidate.length) step('Validate: skipped, no project with a validate target was built');
  else {
    const left = withValidate.filter((p) => cgoFailedProjects.has(p));
    step(`Validating: nx run-many -t validate -p ${toValidate.join(',')}${left.length ? `   ${dim(`(not ${left.join(', ')}: its build failed)`)}` : ''}`);
    const v = await nxTee(['run-many', '-t', 'validate', '-p', toValidate.join(','), ...cacheArgs]);
    console.log('');
    const withErrors = [];
    for (const p of toValidate) {
      // The text report the validate target wrote (reports/gocross/<project>/all/gocross.txt).
      const file = path.join(examples, 'reports', 'gocross', p, 'all', 'gocross.txt');
      if (!fs.existsSync(file)) {
        console.log(`  ${bold(p.padEnd(12))} no report (${path.relative(root, file)} missing)`);
        continue;
      }
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
      const summary = lines[lines.length - 1] || '';
      if (/^FAILED/.test(summary)) withErrors.push(p);
      console.log(`  ${bold(p.padEnd(12))} ${summary}  ${dim(path.relative(root, file))}`);
      for (const l of lines.slice(1, -1)) if (!/^ok\s/.test(l)) console.log(`    ${l}`);
    }
    if (v.status !== 0) {
      validateFailed = withErrors.length
        ? `validate reported errors for ${withErrors.join(', ')} (listed above).`
        : `nx run-many -t validate failed (exit ${v.status}; failed tasks: ${failedTasks(v.output).join(', ') || 'none listed'}).`;
    }
  }

  const native = rows.length ? files.find((f) => f.endsWith(path.join(`${process.platform}-${goArch()}`, 'hello'))) : undefined;
  const arm = files.find((f) => f.endsWith(path.join('linux-arm64', 'hello')));
  step('Running hello');
  if (native) {
    const r = spawnSync(native, [], { encoding: 'utf8' });
    console.log(`  ${path.relative(root, native)}  →  ${(r.stdout || r.stderr || '').trim()}`);
  } else {
    console.log(`  natively: skipped, no hello was built for ${process.platform}/${goArch()}`);
  }
  if (arm && qemu) {
    const r = spawnSync(qemu, [arm, '-sum', '40', '2'], { encoding: 'utf8' });
    console.log(`  qemu-aarch64 ${path.relative(root, arm)} -sum 40 2  →  ${(r.stdout || r.stderr || '').trim().split('\n').join(' | ')}`);
  } else {
    console.log(`  under qemu-aarch64: skipped, ${!qemu ? 'qemu-aarch64 is not installed' : 'no linux/arm64 hello was built'}`);
  }

  if (built.status !== 0) {
    const failed = failedTasks(built.output);
    fail(`nx run-many -t build-all failed (exit ${built.status})${failed.length ? ` (${whereToLook(built.output, failed)})` : ''}.`);
  }
  if (cgoFailed.length) {
    const where = failedTasks(cgoOutput).length ? whereToLook(cgoOutput, cgoFailed) : cgoFailed.join(', ');
    console.log(`\n${bold('note')}: cgo builds failed (${where}); the other projects were built.`);
  }
  if (validateFailed) fail(validateFailed);
  console.log(`\n${rows.length} artifacts.`);
}

function goArch() {
  return { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', riscv64: 'riscv64', s390x: 's390x', ppc64: 'ppc64le' }[process.arch] || process.arch;
}

if (require.main === module) main().catch((e) => fail(e.stack || String(e)));
