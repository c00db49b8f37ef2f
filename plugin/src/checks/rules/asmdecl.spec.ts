import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { asmdecl, asmdeclCommand, asmdeclFix, type AsmdeclCheckContext } from './asmdecl';
import { parseVetJson, splitJsonStream, type AsmdeclRun } from '../asmdecl-vet';
import { runAsmdecl } from '../../validate/asmdecl-runner';
import { describeIf, haveGo } from '../../test-utils/gates';
import { examplesDir, mathx, sourceRuleTester } from '../test-utils/source-rule-tester';
import type { TargetSpec } from '../types';

const FILES: Record<string, string> = {
  'go.mod': 'module example.com/avet\n\ngo 1.22\n',
  'add.go': 'package avet\n\nfunc Add(a, b int32) int32\n',
  // Wrong width on amd64: MOVQ of a 4-byte argument.
  'add_amd64.s': '#include "textflag.h"\n\nTEXT ·Add(SB),NOSPLIT,$0-12\n\tMOVQ a+0(FP), AX\n\tADDL b+4(FP), AX\n\tMOVL AX, ret+8(FP)\n\tRET\n',
  // Correct on arm64.
  'add_arm64.s': '#include "textflag.h"\n\nTEXT ·Add(SB),NOSPLIT,$0-12\n\tMOVW a+0(FP), R0\n\tMOVW b+4(FP), R1\n\tADDW R1, R0, R0\n\tMOVW R0, ret+8(FP)\n\tRET\n',
  'sub/f.go': 'package sub\n\nfunc F(x int64) int64\n',
  // Wrong argument size in the TEXT line on arm64.
  'sub/f_arm64.s': 'TEXT ·F(SB),0,$0-8\n\tMOVD x+0(FP), R0\n\tMOVD R0, ret+8(FP)\n\tRET\n',
  'sub/f_amd64.s': 'TEXT ·F(SB),0,$0-16\n\tMOVQ x+0(FP), AX\n\tMOVQ AX, ret+8(FP)\n\tRET\n',
};

function check(runs: AsmdeclRun[], goarch: string) {
  const target: TargetSpec = { platform: { goos: 'linux', goarch }, cgo: false, buildmode: 'exe' };
  const ctx: AsmdeclCheckContext = { target, platform: target.platform, projectRoot: 'libs/avet', sources: [], params: {}, asmdecl: runs };
  return asmdecl.run(ctx);
}

describe('asmdecl output parsing', () => {
  it('splits concatenated JSON values and keeps braces inside strings', () => {
    expect(splitJsonStream('{}\n{"a": {"b": "x}{"}}\n# noise {\n')).toEqual([{}, { a: { b: 'x}{' } }]);
  });

  it('parses vet -json diagnostics relative to the module', () => {
    const out = '{}\n{\n\t"example.com/m": {\n\t\t"asmdecl": [\n\t\t\t{"posn": "/mod/x/a_amd64.s:4:1", "message": "[amd64] Add: invalid MOVQ of a+0(FP); int32 is 4-byte value"}\n\t\t]\n\t}\n}\n';
    expect(parseVetJson(out, '/mod')).toEqual([
      { package: 'example.com/m', file: 'x/a_amd64.s', line: 4, column: 1, message: 'Add: invalid MOVQ of a+0(FP); int32 is 4-byte value', function: 'Add' },
    ]);
  });

  it('has fix hints for the usual messages', () => {
    expect(asmdeclFix('Add: invalid MOVQ of a+0(FP); int32 is 4-byte value')).toMatch(/move width/);
    expect(asmdeclFix('F: wrong argument size 8; expected $...-16')).toMatch(/argument size/);
    expect(asmdeclFix('F: unknown variable y')).toMatch(/parameter names/);
  });
});

describeIf(haveGo())('asmdecl on real go vet runs', () => {
  let dir: string;
  let runs: AsmdeclRun[];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmdecl-'));
    for (const [p, c] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), c);
    }
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };
    runs = ['amd64', 'arm64', 'riscv64'].map((a) => runAsmdecl(dir, a, { env }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs vet per arch and finds each arch its own problems', () => {
    const [amd64, arm64, riscv64] = runs;
    expect(amd64.error).toBeUndefined();
    expect(amd64.diagnostics.map((d) => `${d.file}:${d.line} ${d.function}`)).toEqual(['add_amd64.s:4 Add']);
    expect(amd64.diagnostics[0].message).toMatch(/invalid MOVQ of a\+0\(FP\); int32 is 4-byte value/);
    expect(arm64.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['sub/f_arm64.s:1']);
    expect(arm64.diagnostics[0].message).toMatch(/wrong argument size 8; expected \$\.\.\.-16/);
    expect(riscv64.diagnostics).toEqual([]);
  });

  it('maps the runs of the platform arch to findings', () => {
    const amd = check(runs, 'amd64');
    expect(amd).toHaveLength(1);
    expect(amd[0]).toMatchObject({ checkId: 'asmdecl', severity: 'error', file: 'libs/avet/add_amd64.s', line: 4 });
    expect(amd[0].message).toMatch(/\(go vet -asmdecl, GOARCH=amd64\)$/);
    expect(check(runs, 'arm64').map((f) => f.file)).toEqual(['libs/avet/sub/f_arm64.s']);
    expect(check(runs, 'riscv64')).toEqual([]);
    expect(check([], 'amd64')).toEqual([]);
  });

  it('reports a run that could not check anything', () => {
    fs.writeFileSync(path.join(dir, 'broken.go'), 'package avet\n\nfunc X( {\n');
    try {
      const run = runAsmdecl(dir, 'amd64', { env: { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' } });
      expect(run.error).toMatch(/go vet -asmdecl \(GOOS=linux GOARCH=amd64\) failed/);
      const f = check([run], 'amd64');
      expect(f).toMatchObject([{ severity: 'warn', file: 'libs/avet/go.mod' }]);
    } finally {
      fs.unlinkSync(path.join(dir, 'broken.go'));
    }
  });

  it('fails cleanly when go cannot be run', () => {
    const run = runAsmdecl(dir, 'amd64', { go: path.join(dir, 'no-such-go') });
    expect(run.error).toMatch(/cannot run go vet/);
  });
});

/** The command between backquotes in a fix, as a user copies it. */
function commandOf(fix: string): string {
  const m = /`([^`]+)`/.exec(fix);
  if (!m) throw new Error(`no command in the fix: ${fix}`);
  return m[1];
}

describe('asmdecl fix commands', () => {
  it('name the module directory and the GOOS/GOARCH of the run', () => {
    expect(asmdeclCommand('libs/mathx', 'linux', 'arm64')).toBe('cd libs/mathx && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go vet -asmdecl ./...');
    expect(asmdeclCommand('.', 'linux', 'amd64')).toBe('GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go vet -asmdecl ./...');
    expect(asmdeclCommand('libs/my lib', 'linux', 'amd64')).toBe("cd 'libs/my lib' && GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go vet -asmdecl ./...");
    expect(asmdeclFix('F: wrong argument size 8; expected $...-16')).toMatch(/to 16, what the Go signature needs$/);
  });
});

describe('asmdecl runs belong to one GOOS/GOARCH', () => {
  it('a linux/arm64 diagnostic is a finding of linux/arm64 only, not of darwin/arm64 as well', () => {
    const run: AsmdeclRun = {
      goos: 'linux',
      goarch: 'arm64',
      moduleDir: '/ws/libs/avet',
      durationMs: 1,
      diagnostics: [{ package: 'example.com/avet', file: 'add_arm64.s', line: 3, column: 1, message: 'Add: wrong argument size 8; expected $...-24', function: 'Add' }],
    };
    const on = (goos: string) => {
      const target: TargetSpec = { platform: { goos, goarch: 'arm64' }, cgo: false, buildmode: 'exe' };
      return asmdecl.run({ target, platform: target.platform, projectRoot: 'libs/avet', sources: [], params: {}, asmdecl: [run] });
    };
    expect(on('linux')).toHaveLength(1);
    expect(on('darwin')).toEqual([]);
  });
});

describeIf(haveGo())('asmdecl fix commands, executed from the workspace root', () => {
  let ws: string;
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };
  const sh = (cmd: string) => spawnSync('sh', ['-c', cmd], { cwd: ws, env, encoding: 'utf8', timeout: 300_000 });
  const findings = (goarch: string) => {
    const target: TargetSpec = { platform: { goos: 'linux', goarch }, cgo: false, buildmode: 'exe' };
    const run = runAsmdecl(path.join(ws, 'libs/avet'), goarch, { env });
    return asmdecl.run({ target, platform: target.platform, projectRoot: 'libs/avet', sources: [], params: {}, asmdecl: [run] });
  };

  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmdecl-ws-'));
    for (const [p, c] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(ws, 'libs/avet', p)), { recursive: true });
      fs.writeFileSync(path.join(ws, 'libs/avet', p), c);
    }
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('a diagnostic: the command shows it, and passes once the fix is applied', () => {
    const [f] = findings('arm64');
    expect(f.fix).toContain('to 16');
    const cmd = commandOf(f.fix);
    expect(cmd).toBe('cd libs/avet && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go vet -asmdecl ./...');
    const before = sh(cmd);
    expect(before.status).not.toBe(0);
    expect(before.stderr).toMatch(/sub\/f_arm64\.s:1:1: \[arm64\] F: wrong argument size 8; expected \$\.\.\.-16/);
    // Apply the fix: the argument size after the dash becomes 16.
    const file = path.join(ws, 'libs/avet/sub/f_arm64.s');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('$0-8', '$0-16'));
    const after = sh(cmd);
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
    expect(findings('arm64')).toEqual([]);
  });

  it('a run that checked nothing: the command shows why, and passes once that is fixed', () => {
    const broken = path.join(ws, 'libs/avet/broken.go');
    fs.writeFileSync(broken, 'package avet\n\nfunc X( {\n');
    const [f] = findings('riscv64');
    expect(f).toMatchObject({ severity: 'warn', file: 'libs/avet/go.mod' });
    const cmd = commandOf(f.fix);
    expect(cmd).toBe('cd libs/avet && GOOS=linux GOARCH=riscv64 CGO_ENABLED=0 go vet -asmdecl ./...');
    const before = sh(cmd);
    expect(before.status).not.toBe(0);
    expect(before.stderr).toMatch(/broken\.go:3/);
    fs.unlinkSync(broken);
    expect(sh(cmd).status).toBe(0);
    expect(findings('riscv64')).toEqual([]);
  });
});

const vetEnv = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };
const mathxRuns = new Map<string, AsmdeclRun>();
/** go vet -asmdecl of examples/libs/mathx for one GOARCH (once per arch). */
const mathxRun = (goarch: string) => () => {
  if (!mathxRuns.has(goarch)) mathxRuns.set(goarch, runAsmdecl(examplesDir('libs/mathx'), goarch, { env: vetEnv }));
  return [mathxRuns.get(goarch)!];
};
const badFrame = (goarch: string): AsmdeclRun[] => [
  {
    goos: 'linux',
    goarch,
    moduleDir: examplesDir('libs/mathx'),
    durationMs: 1,
    diagnostics: [{ package: 'gocross.example/libs/mathx', file: 'sum_arm64.s', line: 6, column: 1, message: 'Sum: wrong argument size 24; expected $...-32', function: 'Sum' }],
  },
];

sourceRuleTester(asmdecl, {
  valid: [
    ...['amd64', 'arm64'].map((goarch) => ({ name: 'go vet -asmdecl of examples/libs/mathx', files: () => mathx(), platform: `linux/${goarch}`, asmdecl: mathxRun(goarch), gate: haveGo() })),
    { name: 'a diagnostic of linux/arm64 is not one of darwin/arm64', files: () => mathx(), platform: 'darwin/arm64', asmdecl: () => badFrame('arm64') },
  ],
  invalid: [
    {
      name: 'a frame-size diagnostic of go vet for mathx on arm64',
      files: () => mathx(),
      platform: 'linux/arm64',
      projectRoot: 'libs/mathx',
      asmdecl: () => badFrame('arm64'),
      errors: [{ message: 'Sum: wrong argument size 24; expected $...-32 (go vet -asmdecl, GOARCH=arm64)', line: 6, fix: /to 32, what the Go signature needs; re-check with `cd libs\/mathx && GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go vet -asmdecl \.\/\.\.\.`$/ }],
    },
  ],
});
