#!/usr/bin/env node
'use strict';
/**
 * The project's one test command (`npm test`): builds the plugin, type-checks it with its specs,
 * runs the unit tests, then the end-to-end tests against the packed plugin. Every step runs even
 * when an earlier one failed (except the build, which the others need). Ends with one overall
 * line, "N passed, N failed, N skipped", counting the unit and end-to-end tests together (a step
 * that failed without running tests, such as the type check, counts as one failure and is named
 * on the line before), and exits non-zero when any step failed.
 *
 *   node scripts/test.js            every step
 *   node scripts/test.js unit       build + one step (typecheck, unit or e2e)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
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
if (only && !steps.some(([name]) => name === only)) {
  console.error(`unknown step "${only}": one of ${steps.map(([n]) => n).join(', ')}`);
  process.exit(2);
}
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-test-summary-'));
const total = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
for (const [name, argv] of steps) {
  if (only && name !== only && name !== 'build') continue;
  console.log(`\n=== ${name} ===`);
  const summaryFile = path.join(summaryDir, `${name}.json`);
  const r = spawnSync(argv[0], argv.slice(1), {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, GOCROSS_TEST_SUMMARY: summaryFile },
  });
  let counts;
  try {
    counts = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
  } catch {
    counts = undefined;
  }
  if (counts) {
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  if (r.status !== 0) {
    console.error(`step ${name} failed (exit ${r.status ?? r.signal})`);
    failedSteps.push(name);
    // A step that failed without reporting a failed test (a type error, a crash) still counts.
    if (!counts || counts.failed === 0) total.failed += 1;
    if (name === 'build') break;
  }
}
fs.rmSync(summaryDir, { recursive: true, force: true });
console.log('');
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
