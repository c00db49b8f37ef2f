#!/usr/bin/env node
'use strict';
/**
 * Builds plugin/dist: compiles TypeScript with tsc, then copies the non-TypeScript assets
 * (schema.json of executors and generators, generator `files/` templates, docs pages) next to
 * the compiled code. Writes into a temporary directory and renames it into place, so an
 * interrupted build never leaves a half-written dist/.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pluginRoot = path.resolve(__dirname, '..', 'plugin');
const src = path.join(pluginRoot, 'src');
const dist = path.join(pluginRoot, 'dist');
const tmp = path.join(pluginRoot, `.dist-${process.pid}`);

fs.rmSync(tmp, { recursive: true, force: true });
const tsc = require.resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', path.join(pluginRoot, 'tsconfig.json'), '--outDir', tmp], {
  stdio: 'inherit',
});
if (r.status !== 0) {
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

/** Copy every asset under src/ that tsc does not emit. */
function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    const rel = path.relative(src, abs);
    if (entry.isDirectory()) {
      if (entry.name === 'files') {
        fs.cpSync(abs, path.join(tmp, rel), { recursive: true });
        continue;
      }
      if (entry.name === '__fixtures__') continue;
      copyAssets(abs);
    } else if (/\.(json|md)$/.test(entry.name)) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.copyFileSync(abs, path.join(tmp, rel));
    }
  }
}
copyAssets(src);

// The docs travel with the package (dist/docs, inside `files`): `gocross explain <id>` prints
// them, and a finding's `docs` names the installed page. A build without them is refused.
const docs = path.resolve(pluginRoot, '..', 'docs');
for (const sub of ['checks', 'failures']) {
  const dir = path.join(docs, sub);
  if (!fs.existsSync(dir) || !fs.readdirSync(dir).some((f) => f.endsWith('.md'))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(`build-plugin: ${path.relative(process.cwd(), dir) || dir} has no pages; the package needs them`);
    process.exit(1);
  }
}
fs.cpSync(docs, path.join(tmp, 'docs'), { recursive: true });

fs.rmSync(dist, { recursive: true, force: true });
fs.renameSync(tmp, dist);

// The package's README and LICENSE are the repository's: npm pack takes them from plugin/.
for (const f of ['README.md', 'LICENSE']) fs.copyFileSync(path.resolve(pluginRoot, '..', f), path.join(pluginRoot, f));
