'use strict';
/**
 * Creates the ONE Nx workspace every end-to-end test file shares:
 *
 *   <tmp>/gocross-e2e-XXXX/
 *     gocross-nx-<version>.tgz      `npm pack` of plugin/ (plugin/dist must be built)
 *     ws/                           a fresh Nx workspace with no link to this repository:
 *       package.json                nx@<root nx version> + the tarball
 *       nx.json                     registers @gocross/nx
 *       go.work apps/ libs/         a copy of examples/
 *
 * The workspace path is published in process.env.GOCROSS_E2E_WORKSPACE (test files run after
 * this in the same process with --runInBand, or in workers forked from it) and in
 * <tmp>/gocross-e2e-current.json. It is removed when the run ends unless GOCROSS_E2E_KEEP=1.
 *
 * For local iteration, GOCROSS_E2E_REUSE=<dir of a previous run> skips the npm install of nx
 * and only reinstalls the freshly packed plugin there.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..', '..');
const pluginDir = path.join(repo, 'plugin');

function run(cmd, args, cwd, extraEnv) {
  const started = Date.now();
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`e2e setup: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`e2e setup: ${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return { stdout: r.stdout, ms: Date.now() - started };
}

function log(msg) {
  process.stdout.write(`[e2e setup] ${msg}\n`);
}

function npmCommand() {
  // npm next to the running node, so a PATH without npm (or a different one) does not matter.
  const cli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (fs.existsSync(cli)) return [process.execPath, [cli]];
  return [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

function copyExamples(ws) {
  const src = path.join(repo, 'examples');
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    // Only the Go workspace: the examples' own Nx files, caches and outputs stay behind.
    if (entry.name === 'go.work' || entry.name === 'apps' || entry.name === 'libs') {
      fs.cpSync(path.join(src, entry.name), path.join(ws, entry.name), { recursive: true });
    }
  }
}

module.exports = async function globalSetup() {
  const t0 = Date.now();
  if (!fs.existsSync(path.join(pluginDir, 'dist'))) {
    log('plugin/dist missing: building the plugin');
    run(process.execPath, [path.join(repo, 'scripts', 'build-plugin.js')], repo);
  }
  const [npm, npmPre] = npmCommand();
  const nxVersion = require(path.join(repo, 'node_modules', 'nx', 'package.json')).version;

  const reuse = process.env.GOCROSS_E2E_REUSE;
  const base = reuse ? path.resolve(reuse) : fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-e2e-'));
  const ws = path.join(base, 'ws');

  for (const f of fs.readdirSync(base)) if (f.endsWith('.tgz')) fs.rmSync(path.join(base, f));
  const packed = run(npm, [...npmPre, 'pack', '--pack-destination', base, '--json'], pluginDir);
  const tarballName = JSON.parse(packed.stdout)[0].filename.replace(/^@/, '').replace(/\//, '-');
  const tarball = path.join(base, tarballName);
  if (!fs.existsSync(tarball)) throw new Error(`e2e setup: npm pack did not produce ${tarball}`);
  log(`packed ${tarballName} (${packed.ms} ms)`);

  if (reuse && fs.existsSync(path.join(ws, 'node_modules', 'nx'))) {
    // Fresh project files, fresh Nx cache; node_modules kept except the plugin, which npm would
    // otherwise keep as installed because the tarball's version did not change.
    for (const f of fs.readdirSync(ws)) {
      if (f !== 'node_modules') fs.rmSync(path.join(ws, f), { recursive: true, force: true });
    }
    fs.rmSync(path.join(ws, 'node_modules', '@gocross'), { recursive: true, force: true });
  } else {
    fs.mkdirSync(ws, { recursive: true });
  }

  const pkg = {
    name: 'gocross-e2e-workspace',
    version: '0.0.0',
    private: true,
    devDependencies: {
      '@gocross/nx': `file:../${tarballName}`,
      nx: nxVersion,
    },
  };
  fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  fs.writeFileSync(
    path.join(ws, 'nx.json'),
    JSON.stringify(
      {
        $schema: './node_modules/nx/schemas/nx-schema.json',
        plugins: ['@gocross/nx'],
        useDaemonProcess: false,
      },
      null,
      2,
    ) + '\n',
  );
  fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules/\ndist/\n.nx/\nreports/\ntmp/\n');
  copyExamples(ws);

  const installed = run(
    npm,
    [...npmPre, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    ws,
  );
  log(`npm install in ${ws} (${installed.ms} ms)`);

  const info = { base, workspace: ws, tarball, nxVersion, createdAt: new Date().toISOString() };
  fs.writeFileSync(path.join(os.tmpdir(), 'gocross-e2e-current.json'), JSON.stringify(info, null, 2) + '\n');
  process.env.GOCROSS_E2E_WORKSPACE = ws;
  process.env.GOCROSS_E2E_BASE = base;

  if (!reuse && process.env.GOCROSS_E2E_KEEP !== '1') {
    process.on('exit', () => {
      try {
        fs.rmSync(base, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    });
  } else {
    log(`workspace kept at ${ws}`);
  }
  log(`ready in ${Date.now() - t0} ms`);
};
