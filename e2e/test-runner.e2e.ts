/**
 * The test command's own contract (scripts/run-steps.js, used by `npm test`): every step runs,
 * the closing line adds up the counts of every Jest run, a step that fails without failed tests
 * (a type error) still counts as a failure, and any failure makes the exit code non-zero.
 */
import * as path from 'node:path';
import { REPO_ROOT } from './utils';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runSteps } = require(path.join(REPO_ROOT, 'scripts', 'run-steps.js')) as {
  runSteps: (
    steps: { name: string; argv: string[]; required?: boolean }[],
    opts: { cwd: string; log?: (s: string) => void; logError?: (s: string) => void },
  ) => { lines: string[]; exitCode: number };
};

/** A step that reports counts like the summary reporter does, then exits with `code`. */
const jestLike = (name: string, passed: number, failed: number, skipped: number, code: number) => ({
  name,
  argv: [
    process.execPath,
    '-e',
    `require('fs').writeFileSync(process.env.GOCROSS_TEST_SUMMARY, JSON.stringify({passed:${passed},failed:${failed},skipped:${skipped}})); process.exit(${code})`,
  ],
});
const exiting = (name: string, code: number, required = false) => ({ name, required, argv: [process.execPath, '-e', `process.exit(${code})`] });
const quiet = { cwd: REPO_ROOT, log: () => undefined, logError: () => undefined };

describe('npm test closing line (scripts/run-steps.js)', () => {
  test('adds up unit and e2e counts and exits 0 when everything passed', () => {
    const r = runSteps([exiting('build', 0, true), exiting('typecheck', 0), jestLike('unit', 10, 0, 1, 0), jestLike('e2e', 5, 0, 0, 0)], quiet);
    expect(r).toEqual({ lines: ['15 passed, 0 failed, 1 skipped'], exitCode: 0 });
  });
  test('a failed unit test fails the run, and the e2e step still runs and counts', () => {
    const r = runSteps([exiting('build', 0, true), jestLike('unit', 9, 1, 0, 1), jestLike('e2e', 5, 0, 0, 0)], quiet);
    expect(r).toEqual({ lines: ['failed steps: unit', '14 passed, 1 failed, 0 skipped'], exitCode: 1 });
  });
  test('a type error (a failed step with no test counts) is one failure', () => {
    const r = runSteps([exiting('build', 0, true), exiting('typecheck', 2), jestLike('unit', 3, 0, 0, 0)], quiet);
    expect(r).toEqual({ lines: ['failed steps: typecheck', '3 passed, 1 failed, 0 skipped'], exitCode: 1 });
  });
  test('a failed build stops the run', () => {
    const r = runSteps([exiting('build', 1, true), jestLike('unit', 3, 0, 0, 0)], quiet);
    expect(r).toEqual({ lines: ['failed steps: build', '0 passed, 1 failed, 0 skipped'], exitCode: 1 });
  });
});
