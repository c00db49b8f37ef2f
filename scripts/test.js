#!/usr/bin/env node
'use strict';
/**
 * The project's one test command (`npm test`): builds the plugin, type-checks it with its specs,
 * checks the layers of plugin/src (dependency-cruiser, .dependency-cruiser.cjs: no import from a
 * lower layer to a higher one, no cycle) and that it has no copied code (jscpd, .jscpd.json),
 * runs the unit tests, then the end-to-end tests against the packed plugin. Every step runs even
 * when an earlier one failed (except the build, which the others need). Ends with one overall
 * line, "N passed, N failed, N skipped", counting the unit and end-to-end tests together, and
 * exits non-zero when any step failed (scripts/run-steps.js).
 *
 *   node scripts/test.js            every step
 *   node scripts/test.js unit       build + one step (typecheck, layers, duplicates, unit or e2e)
 */
const path = require('node:path');
const { runSteps } = require('./run-steps');

const root = path.resolve(__dirname, '..');
const jest = require.resolve('jest/bin/jest');
const steps = [
  { name: 'build', required: true, argv: [process.execPath, path.join(__dirname, 'build-plugin.js')] },
  { name: 'typecheck', argv: [process.execPath, require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'plugin', 'tsconfig.spec.json'), '--noEmit'] },
  { name: 'layers', argv: [process.execPath, path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'err', 'plugin/src'] },
  { name: 'duplicates', argv: [process.execPath, path.join(root, 'node_modules', 'jscpd', 'bin', 'jscpd'), '--config', path.join(root, '.jscpd.json')] },
  { name: 'unit', argv: [process.execPath, jest, '-c', path.join(root, 'jest.config.js'), '--ci'] },
  { name: 'e2e', argv: [process.execPath, jest, '-c', path.join(root, 'e2e', 'jest.config.js'), '--ci', '--runInBand'] },
];
const only = process.argv[2];
if (only && !steps.some((s) => s.name === only)) {
  console.error(`unknown step "${only}": one of ${steps.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const { lines, exitCode } = runSteps(
  steps.filter((s) => !only || s.name === only || s.name === 'build'),
  { cwd: root },
);
console.log('');
for (const l of lines) console.log(l);
process.exit(exitCode);
