import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { goflagsTags, planAsmdecl } from './asmdecl-plan';
import type { SourceFile } from './types';
import { compareAsmdecl } from './test-utils/asmdecl-compare';
import { describeIf, haveGo } from '../test-utils/gates';
import { parsePlatform } from '../platforms/platform';

const files = (o: Record<string, string>): SourceFile[] => Object.entries(o).map(([p, content]) => ({ path: p, content }));
const pl = (...ps: string[]) => ps.map(parsePlatform);
const GO = 'package p\n';

describe('planAsmdecl', () => {
  it('runs only the GOOS/GOARCHes with a .s file built for them (file name and //go:build), on those packages', () => {
    const src = files({
      'go.mod': 'module example.com/m\n',
      'doc.go': 'package m\n',
      'internal/sum/sum.go': GO,
      'internal/sum/sum_amd64.s': 'TEXT ·F(SB),0,$0\n',
      'internal/sum/sum_arm64.s': '//go:build !purego\n\nTEXT ·F(SB),0,$0\n',
      'cpu/cpu.go': GO,
      'cpu/cpu_x86.s': '//go:build (386 || amd64) && gc\n\nTEXT ·F(SB),0,$0\n',
      'cpu/asm_darwin_amd64.s': 'TEXT ·G(SB),0,$0\n',
      'plain/plain.go': GO,
    });
    const plan = planAsmdecl(src, pl('linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/386', 'darwin/amd64', 'windows/amd64'));
    expect(plan.runs).toEqual([
      { goos: 'linux', goarch: 'amd64', packages: ['./cpu', './internal/sum'] },
      { goos: 'linux', goarch: 'arm64', packages: ['./internal/sum'] },
      { goos: 'linux', goarch: '386', packages: ['./cpu'] },
      { goos: 'darwin', goarch: 'amd64', packages: ['./cpu', './internal/sum'] },
      { goos: 'windows', goarch: 'amd64', packages: ['./cpu', './internal/sum'] },
    ]);
    expect(plan.skipped).toEqual([{ goos: 'linux', goarch: 'arm' }]);
    // -tags in GOFLAGS count, as they do for vet.
    const purego = planAsmdecl(src, pl('linux/arm64'), { env: { GOFLAGS: '-mod=mod -tags=purego' } });
    expect(purego).toEqual({ runs: [], skipped: [{ goos: 'linux', goarch: 'arm64' }] });
  });

  it('runs a GOOS/GOARCH once for all its variants; the variant variable of the environment decides feature tags', () => {
    const src = files({ 'a.go': GO, 'a_arm.s': '//go:build arm.7\n\nTEXT ·F(SB),0,$0\n' });
    expect(planAsmdecl(src, pl('linux/arm/6', 'linux/arm/7')).runs).toEqual([{ goos: 'linux', goarch: 'arm', packages: ['.'] }]);
    expect(planAsmdecl(src, pl('linux/arm/6', 'linux/arm/7'), { env: { GOARM: '6' } }).runs).toEqual([]);
  });

  it('leaves out what ./... leaves out: nested modules, testdata, _ and . dirs, vendor, dirs without a Go file for the platform', () => {
    const src = files({
      'go.mod': 'module example.com/m\n',
      'a/a.go': GO,
      'a/a_amd64.s': 'TEXT ·F(SB),0,$0\n',
      'nested/go.mod': 'module example.com/n\n',
      'nested/x/x.go': GO,
      'nested/x/x_amd64.s': 'TEXT ·F(SB),0,$0\n',
      'testdata/t.go': GO,
      'testdata/t_amd64.s': '',
      '_old/o.go': GO,
      '_old/o_amd64.s': '',
      'vendor/v/v.go': GO,
      'vendor/v/v_amd64.s': '',
      'onlyarm/o_arm64.go': GO,
      'onlyarm/o_amd64.s': '',
      'cgo/c.go': 'package c\n\nimport "C"\n',
      'cgo/c_amd64.s': '',
      'tests/t_test.go': GO,
      'tests/t_amd64.s': '',
    });
    expect(planAsmdecl(src, pl('linux/amd64')).runs).toEqual([{ goos: 'linux', goarch: 'amd64', packages: ['./a', './tests'] }]);
  });

  it('reads -tags from GOFLAGS', () => {
    expect(goflagsTags('-mod=mod -tags=a,b')).toEqual(['a', 'b']);
    expect(goflagsTags('-tags a,b -tags=c')).toEqual(['c']);
    expect(goflagsTags(undefined)).toEqual([]);
  });
});

const MATRIX = pl('linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/arm/6', 'linux/riscv64', 'linux/mipsle', 'darwin/arm64', 'windows/amd64');
const ENV = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOWORK: 'off', GOFLAGS: '' };

describeIf(haveGo())('new way (only where assembly is built) vs old way (./... on every platform): same findings', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmdecl-plan-'));
    fs.cpSync(path.join(__dirname, '../../../examples/libs/mathx'), dir, { recursive: true });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('examples/libs/mathx: nothing to report either way; vet runs for the 4 GOOS/GOARCHes with assembly only', async () => {
    const c = await compareAsmdecl(dir, MATRIX, ENV);
    expect(c.oldRuns.map((r) => r.error)).toEqual(c.oldRuns.map(() => undefined));
    expect(c.newRuns.map((r) => r.error)).toEqual(c.newRuns.map(() => undefined));
    expect(c.newFindings).toEqual(c.oldFindings);
    expect(c.newDiagnostics).toEqual(c.oldDiagnostics);
    expect(c.newRuns.map((r) => `${r.goos}/${r.goarch} ${r.packages!.join(' ')}`)).toEqual(['linux/amd64 .', 'linux/arm64 .', 'darwin/arm64 .', 'windows/amd64 .']);
    expect(c.log[0]).toBe(
      `go vet -asmdecl: 4 of 7 GOOS/GOARCH pairs build assembly (linux/amd64, linux/arm64, darwin/arm64, windows/amd64), vetted up to ${Math.min(4, os.availableParallelism())} at a time; 3 skipped as having no assembly (linux/arm, linux/riscv64, linux/mipsle)`,
    );
  });

  it('a copy of mathx with a broken frame size on arm64: the same diagnostic both ways, on both arm64 platforms', async () => {
    const s = path.join(dir, 'sum_arm64.s');
    fs.writeFileSync(s, fs.readFileSync(s, 'utf8').replace('$0-32', '$0-24'));
    const c = await compareAsmdecl(dir, MATRIX, ENV);
    expect(c.oldDiagnostics.length).toBeGreaterThan(0);
    expect(c.newDiagnostics).toEqual(c.oldDiagnostics);
    expect(c.newFindings).toEqual(c.oldFindings);
    expect(c.newDiagnostics.map((d) => JSON.parse(d)).map((d) => `${d.goos}/${d.goarch} ${d.file}:${d.line} ${d.message}`)).toEqual([
      'darwin/arm64 sum_arm64.s:6 Sum: wrong argument size 24; expected $...-32',
      'linux/arm64 sum_arm64.s:6 Sum: wrong argument size 24; expected $...-32',
    ]);
  });
});
