import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The gates are proven by running Jest itself (the workspace's Jest and ts-jest, in a child
 * process) on fixture specs in a temp dir, once with CI=false and once with CI=true, and reading
 * its JSON results and its printed output.
 */

const workspace = path.resolve(__dirname, '../../..');
const gatesModule = path.join(__dirname, 'gates');
const REASON = 'needs gocross-no-such-tool on PATH';
const HOST_REASON = `needs a aix/ppc64 host (this is ${process.platform}/${process.arch})`;

interface Assertion {
  title: string;
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo';
  failureMessages: string[];
}
interface JestRun {
  code: number | null;
  output: string;
  files: Record<string, Assertion[]>;
}

let dir: string;

function runJest(ci: 'true' | 'false'): JestRun {
  const resultFile = path.join(dir, `result-${ci}.json`);
  const env: Record<string, string | undefined> = { ...process.env, CI: ci, FORCE_COLOR: '0', NO_COLOR: '1' };
  // Not this run's worker, nor its summary file.
  delete env.JEST_WORKER_ID;
  delete env.GOCROSS_TEST_SUMMARY;
  const r = spawnSync(
    process.execPath,
    [path.join(workspace, 'node_modules/jest/bin/jest.js'), '-c', path.join(dir, 'jest.config.json'), '--verbose', '--watchman=false', '--json', `--outputFile=${resultFile}`],
    { cwd: dir, env, encoding: 'utf8', timeout: 90_000 },
  );
  const json = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { testResults: { name: string; assertionResults: Assertion[] }[] };
  const files: Record<string, Assertion[]> = {};
  for (const t of json.testResults) files[path.basename(t.name)] = t.assertionResults;
  return { code: r.status, output: `${r.stdout}${r.stderr}`, files };
}

function statuses(as: Assertion[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of as) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

let outside: JestRun;
let inCi: JestRun;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-gates-'));
  const config = {
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/*.spec.ts'],
    transform: { '^.+\\.ts$': [require.resolve('ts-jest'), { tsconfig: path.join(workspace, 'plugin/tsconfig.spec.json'), isolatedModules: true }] },
    moduleFileExtensions: ['ts', 'js', 'json'],
  };
  fs.writeFileSync(path.join(dir, 'jest.config.json'), JSON.stringify(config, null, 2));
  const imp = `import { all, describeIf, gate, haveTools, hostIs, itIf, optional } from ${JSON.stringify(gatesModule)};\n`;
  // Exactly one test, behind a tool nobody has.
  fs.writeFileSync(
    path.join(dir, 'one.spec.ts'),
    `${imp}itIf(haveTools('gocross-no-such-tool'))('uses the tool', () => {\n  throw new Error('the body ran');\n});\n`,
  );
  // The other forms: an open gate, a closed describe, an optional gate, an optional and a required one together, another host.
  fs.writeFileSync(
    path.join(dir, 'kinds.spec.ts'),
    [
      imp,
      `itIf(haveTools('node'))('open gate runs', () => { expect(1).toBe(1); });`,
      `describeIf(haveTools('gocross-no-such-tool'))('a group', () => {`,
      `  it('first', () => { throw new Error('the body ran'); });`,
      `  it('second', () => { throw new Error('the body ran'); });`,
      `});`,
      `itIf(optional(gate(false, 'needs go1.99')))('optional gate', () => { throw new Error('the body ran'); });`,
      `itIf(all(optional(gate(false, 'needs go1.99')), haveTools('gocross-no-such-tool')))('optional and required', () => { throw new Error('the body ran'); });`,
      `itIf(hostIs('aix', 'ppc64'))('another host', () => { throw new Error('the body ran'); });`,
      '',
    ].join('\n'),
  );
  outside = runJest('false');
  inCi = runJest('true');
}, 180_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('itIf on a missing tool', () => {
  it('outside CI: the run passes, the test is skipped, and its name carries the reason', () => {
    expect(statuses(outside.files['one.spec.ts'])).toEqual({ pending: 1 });
    expect(outside.files['one.spec.ts'][0].title).toBe(`uses the tool [skipped: ${REASON}]`);
    // Jest names no test of a file whose tests are all skipped: the reason is printed once.
    expect(outside.output).toContain(`skipped: uses the tool [${REASON}]`);
    expect(outside.output).toContain(`○ skipped optional gate [skipped: needs go1.99]`);
  });

  it('under CI=true: the run fails, the test fails, and its message carries the reason', () => {
    expect(inCi.code).not.toBe(0);
    const [a] = inCi.files['one.spec.ts'];
    expect(statuses(inCi.files['one.spec.ts'])).toEqual({ failed: 1 });
    expect(a.title).toBe('uses the tool');
    expect(a.failureMessages.join('\n')).toContain(`cannot run here: ${REASON} (CI=true installs everything; see .ci/run)`);
    expect(a.failureMessages.join('\n')).not.toContain('the body ran');
    expect(inCi.output).toContain(`cannot run here: ${REASON}`);
  });
});

describe('the other forms', () => {
  it('outside CI: every closed gate skips, the open one runs, the run passes', () => {
    expect(outside.code).toBe(0);
    const byTitle = Object.fromEntries(outside.files['kinds.spec.ts'].map((a) => [a.fullName, a.status]));
    expect(byTitle).toEqual({
      'open gate runs': 'passed',
      [`a group [skipped: ${REASON}] first`]: 'pending',
      [`a group [skipped: ${REASON}] second`]: 'pending',
      'optional gate [skipped: needs go1.99]': 'pending',
      [`optional and required [skipped: needs go1.99; ${REASON}]`]: 'pending',
      [`another host [skipped: ${HOST_REASON}]`]: 'pending',
    });
  });

  it('under CI=true: a closed describe fails once with the reason, an optional gate still skips, optional with required fails, another host fails', () => {
    const results = inCi.files['kinds.spec.ts'];
    const byTitle = Object.fromEntries(results.map((a) => [a.fullName, a.status]));
    expect(byTitle).toEqual({
      'open gate runs': 'passed',
      'a group has what it needs': 'failed',
      'optional gate [skipped: needs go1.99]': 'pending',
      'optional and required': 'failed',
      'another host': 'failed',
    });
    for (const a of results.filter((r) => r.status === 'failed')) expect(a.failureMessages.join('\n')).toContain(a.title === 'another host' ? HOST_REASON : REASON);
  });
});
