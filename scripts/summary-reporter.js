'use strict';
/**
 * Prints one plain closing line, "<label>: N passed, N failed, N skipped", after a Jest run,
 * so that any log reader can tell how many tests ran without parsing Jest's own summary.
 * When GOCROSS_TEST_SUMMARY is set, the counts are also written there as JSON, for
 * scripts/test.js to add up the unit and end-to-end runs into one overall line.
 */
const fs = require('node:fs');

class SummaryReporter {
  constructor(globalConfig, options) {
    this.label = (options && options.label) || 'tests';
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\n${this.label}: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`,
    );
    const file = process.env.GOCROSS_TEST_SUMMARY;
    if (file) {
      fs.writeFileSync(file, JSON.stringify({ label: this.label, passed: results.numPassedTests, failed, skipped }));
    }
  }
}
module.exports = SummaryReporter;
