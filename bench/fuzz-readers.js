#!/usr/bin/env node
// Fuzzes the binary readers (plugin/src/binary) with seeded mutations of real Go binaries and
// archives built here by `go`. Prints inputs, typed errors, successes and time per input; any
// input that makes a reader throw something other than BinaryFormatError is a crash: exit 1.
//
// usage: node bench/fuzz-readers.js [--inputs 100000] [--seed 1] [--keep]
require('./fuzz-ts-register');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const fx = require('../plugin/src/binary/test-utils/fixtures.ts');
const { fuzz, hotRanges, memberSeeds } = require('../plugin/src/binary/test-utils/fuzz.ts');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main() {
  const inputs = Number(arg('inputs', '100000'));
  const seed = Number(arg('seed', '1'));
  const missing = fx.missingTools(['go', 'gcc', 'aarch64-linux-gnu-gcc']);
  if (missing.length) {
    console.error(`missing tools: ${missing.join(', ')}`);
    process.exit(2);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-fuzz-'));
  try {
    fx.writeFixtureModule(dir);
    const names = ['linux-amd64', 'linux-arm-7', 'linux-mips', 'linux-s390x', 'linux-386', 'linux-arm64-cgo', 'linux-amd64-c-shared',
      'linux-amd64-c-archive', 'goarchive-linux-arm64', 'darwin-arm64', 'darwin-amd64', 'windows-386', 'windows-amd64', 'linux-amd64-pie-bindnow'];
    const all = [...fx.PURE_LINUX, ...fx.CGO_LINUX, ...fx.OTHER_OS, ...fx.GO_ARCHIVES];
    const specs = names.map((n) => all.find((s) => s.name === n));
    const t0 = Date.now();
    const built = await fx.buildFixtures(dir, specs);
    console.log(`built ${built.size} seeds in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const seeds = [];
    for (const f of built.values()) {
      const data = fs.readFileSync(f.file);
      seeds.push({ name: f.name, data, hot: hotRanges(data) });
    }
    // Small seeds: object members of the archives (ELF relocatables, Go objects).
    for (const n of ['linux-amd64-c-archive', 'goarchive-linux-arm64']) {
      seeds.push(...memberSeeds(n, fs.readFileSync(built.get(n).file), 4));
    }
    // Container variants: a universal Mach-O, GNU (long names), BSD and thin archives, COFF objects.
    const fat = fx.universalMachO([fs.readFileSync(built.get('darwin-arm64').file), fs.readFileSync(built.get('darwin-amd64').file)]);
    seeds.push({ name: 'darwin-universal', data: fat, hot: hotRanges(fat) });
    const objDir = path.join(dir, 'objs');
    fs.mkdirSync(objDir);
    const objs = [];
    for (const m of memberSeeds('m', fs.readFileSync(built.get('linux-amd64-c-archive').file), 3)) {
      const p = path.join(objDir, `member_object_with_a_long_name_${objs.length}.o`);
      fs.writeFileSync(p, m.data);
      objs.push(p);
    }
    const gnu = path.join(dir, 'gnu.a');
    fx.run('ar', ['rcs', gnu, ...objs]);
    const thin = path.join(dir, 'thin.a');
    fx.run('ar', ['rcsT', thin, ...objs]);
    const bsd = path.join(dir, 'bsd.a');
    fx.writeBsdArchive(bsd, objs, [['GoAdd', 0], ['x_cgo_init', 1], ['crosscall2', 2]]);
    for (const f of [gnu, thin, bsd]) {
      const data = fs.readFileSync(f);
      seeds.push({ name: path.basename(f), data, hot: hotRanges(data) });
    }
    if (!fx.missingTools(['objcopy']).length) {
      const syso = path.join(dir, 'x.syso');
      fx.run('objcopy', ['-O', 'pe-x86-64', objs[1], syso]);
      const data = fs.readFileSync(syso);
      seeds.push({ name: 'coff.syso', data, hot: hotRanges(data) });
    }
    console.log(`seeds: ${seeds.length} (${seeds.map((s) => `${s.name}:${s.data.length}`).join(', ')})`);
    const st = fuzz(seeds, inputs, seed);
    console.log(`inputs: ${st.inputs}`);
    console.log(`successes: ${st.ok}`);
    console.log(`typed errors: ${st.typedErrors} ${JSON.stringify(st.byFormat)}`);
    console.log(`crashes: ${st.crashes.length}`);
    console.log(`time: ${(st.ms / 1000).toFixed(1)} s, ${(st.ms / st.inputs).toFixed(3)} ms/input, max ${st.maxMs.toFixed(1)} ms (${st.slowest ? `${st.slowest.seed} #${st.slowest.iteration}` : '-'})`);
    const kinds = new Map();
    for (const c of st.crashes) {
      const key = c.error.split("\n").slice(0, 3).join(" | ");
      if (!kinds.has(key)) kinds.set(key, c);
    }
    for (const [k, c] of kinds) console.log(`CRASH seed=${c.seed} iteration=${c.iteration}: ${k}`);
    if (st.crashes.length) process.exitCode = 1;
  } finally {
    if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`fixtures kept in ${dir}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
