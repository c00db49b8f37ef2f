#!/usr/bin/env node
'use strict';
/**
 * The project's one test command (`npm test`): builds the plugin, runs the unit tests,
 * then the end-to-end tests against the packed plugin. Exits non-zero if any step fails.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const jest = require.resolve('jest/bin/jest');
const steps = [
  ['build', [process.execPath, path.join(__dirname, 'build-plugin.js')]],
  ['typecheck', [process.execPath, require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'plugin', 'tsconfig.spec.json'), '--noEmit']],
  ['unit', [process.execPath, jest, '-c', path.join(root, 'jest.config.js'), '--ci']],
  ['e2e', [process.execPath, jest, '-c', path.join(root, 'e2e', 'jest.config.js'), '--ci', '--runInBand']],
];
const only = process.argv[2];
let failed = false;
for (const [name, argv] of steps) {
  if (only && name !== only && name !== 'build') continue;
  console.log(`\n=== ${name} ===`);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`step ${name} failed (exit ${r.status ?? r.signal})`);
    failed = true;
    if (name === 'build') break;
  }
}
process.exit(failed ? 1 : 0);
