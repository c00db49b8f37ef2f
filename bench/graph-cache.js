#!/usr/bin/env node
'use strict';
/**
 * Cache precision of the inferred inputs, checked with a real Nx run: a two-module workspace
 * (app → lib through go.work) is built for linux/arm64 and linux/amd64; then files of the
 * library are edited one at a time and the script reports whether each build was a cache hit.
 *
 *   node bench/graph-cache.js [--plugin-dir <built @gocross/nx dir>]     (default: plugin/, after npm run build)
 *
 * Expected: editing lib/x_amd64.s or lib/lib_test.go leaves build-linux-arm64 a hit; editing
 * lib/x_amd64.s misses build-linux-amd64; editing lib/lib.go misses both. Exit code 1 otherwise.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const args = process.argv.slice(2);
const i = args.indexOf('--plugin-dir');
const repo = path.resolve(__dirname, '..');
const pluginDir = path.resolve(i >= 0 ? args[i + 1] : path.join(repo, 'plugin'));
if (!fs.existsSync(path.join(pluginDir, 'dist', 'index.js'))) {
  console.error(`${pluginDir}/dist/index.js missing: run npm run build first`);
  process.exit(1);
}
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-graph-cache-'));
const write = (f, c) => {
  fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  fs.writeFileSync(path.join(root, f), c);
};
write('package.json', JSON.stringify({ name: 'cache-ws', private: true }));
write('nx.json', JSON.stringify({ plugins: [{ plugin: '@gocross/nx', options: { platforms: ['linux/amd64', 'linux/arm64'] } }], useDaemonProcess: false }));
write('go.work', 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n');
write('app/go.mod', 'module example.com/app\n\ngo 1.22\n');
write('app/main.go', 'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Add(1, 2)) }\n');
write('lib/go.mod', 'module example.com/lib\n\ngo 1.22\n');
write('lib/lib.go', 'package lib\n\nfunc Add(a, b int) int { return a + b }\n');
write('lib/lib_test.go', 'package lib\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {}\n');
write('lib/x_amd64.s', '// amd64 only\n');
fs.mkdirSync(path.join(root, 'node_modules', '@gocross'), { recursive: true });
for (const e of fs.readdirSync(path.join(repo, 'node_modules'))) {
  if (e !== '@gocross') fs.symlinkSync(path.join(repo, 'node_modules', e), path.join(root, 'node_modules', e));
}
fs.symlinkSync(pluginDir, path.join(root, 'node_modules', '@gocross', 'nx'));
spawnSync('git', ['init', '-q', '.'], { cwd: root });
const nxBin = require.resolve('nx/bin/nx.js', { paths: [repo] });

function build(target) {
  const r = spawnSync(process.execPath, [nxBin, 'run', `app:${target}`, '--outputStyle=static'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (r.status !== 0) throw new Error(`nx run app:${target} failed:\n${r.stdout}\n${r.stderr}`);
  return /\[(local|existing outputs match the) cache\]/.test(r.stdout) ? 'hit' : 'miss';
}

const targets = ['build-linux-arm64', 'build-linux-amd64'];
targets.forEach(build);
const steps = [
  ['nothing', null, { 'build-linux-arm64': 'hit', 'build-linux-amd64': 'hit' }],
  ['lib/lib_test.go', '// edit\n', { 'build-linux-arm64': 'hit', 'build-linux-amd64': 'hit' }],
  ['lib/x_amd64.s', '// edit\n', { 'build-linux-arm64': 'hit', 'build-linux-amd64': 'miss' }],
  ['lib/lib.go', '// edit\n', { 'build-linux-arm64': 'miss', 'build-linux-amd64': 'miss' }],
];
let ok = true;
for (const [file, text, want] of steps) {
  if (file !== 'nothing') fs.appendFileSync(path.join(root, file), text);
  for (const t of targets) {
    const got = build(t);
    const good = got === want[t];
    ok &&= good;
    console.log(`edit ${file.padEnd(16)} ${t.padEnd(18)} ${got}${good ? '' : `  (expected ${want[t]})`}`);
  }
}
fs.rmSync(root, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
