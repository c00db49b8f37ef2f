'use strict';
/**
 * Runs test steps one after another and adds up their counts into one closing line. Each step is
 * a command (argv array); a Jest step reports its counts through scripts/summary-reporter.js into
 * the file named by GOCROSS_TEST_SUMMARY. Every step runs even when an earlier one failed, except
 * after a failed step marked `required` (the build, which the others need). A step that failed
 * without reporting a failed test (a type error, a crash) counts as one failure.
 *
 * Returns { lines, exitCode }: the closing lines ("failed steps: …" when any, then
 * "N passed, N failed, N skipped") and 1 when any step failed, else 0.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function runSteps(steps, { cwd, env = process.env, log = (s) => console.log(s), logError = (s) => console.error(s) } = {}) {
  const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-test-summary-'));
  const total = { passed: 0, failed: 0, skipped: 0 };
  const failedSteps = [];
  try {
    for (const step of steps) {
      log(`\n=== ${step.name} ===`);
      const summaryFile = path.join(summaryDir, `${step.name}.json`);
      const r = spawnSync(step.argv[0], step.argv.slice(1), {
        stdio: 'inherit',
        cwd,
        env: { ...env, GOCROSS_TEST_SUMMARY: summaryFile },
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
        logError(`step ${step.name} failed (exit ${r.status ?? r.signal})`);
        failedSteps.push(step.name);
        if (!counts || counts.failed === 0) total.failed += 1;
        if (step.required) break;
      }
    }
  } finally {
    fs.rmSync(summaryDir, { recursive: true, force: true });
  }
  const lines = [];
  if (failedSteps.length > 0) lines.push(`failed steps: ${failedSteps.join(', ')}`);
  lines.push(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return { lines, exitCode: failedSteps.length > 0 ? 1 : 0 };
}

module.exports = { runSteps };
