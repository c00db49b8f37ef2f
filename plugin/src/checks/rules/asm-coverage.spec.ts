import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asmCoverage } from './asm-coverage';
import type { SourceCheckContext } from '../context';
import { validateArtifacts } from '../engine';
import { defaultPolicy } from '../policy';
import { SOURCE_CHECKS } from '../registry';
import { asmTextSymbols, goFuncDecls } from '../source-scan';
import { describeIf, haveGo } from '../../test-utils/gates';
import { writeModule } from '../test-utils/fixtures';
import { MATRIX_PLATFORMS, mathx, sourceRuleTester } from '../test-utils/source-rule-tester';
import type { Finding, TargetSpec } from '../types';

const SUM_AMD64 = `#include "textflag.h"

// func Sum(xs []int) int
TEXT ·Sum(SB),NOSPLIT,$0-32
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	XORQ AX, AX
loop:
	TESTQ CX, CX
	JZ done
	ADDQ (SI), AX
	ADDQ $8, SI
	DECQ CX
	JMP loop
done:
	MOVQ AX, ret+24(FP)
	RET
`;

const SUM_ARM64 = `#include "textflag.h"

// func Sum(xs []int) int
TEXT ·Sum(SB),NOSPLIT,$0-32
	MOVD xs_base+0(FP), R0
	MOVD xs_len+8(FP), R1
	MOVD $0, R2
loop:
	CBZ R1, done
	MOVD.P 8(R0), R3
	ADD R3, R2, R2
	SUB $1, R1, R1
	B loop
done:
	MOVD R2, ret+24(FP)
	RET
`;

const GENERIC = `//go:build !amd64 && !arm64

package mathx

// Sum adds xs.
func Sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
`;

/** Package variants: files of the module (besides go.mod). */
const VARIANTS: Record<string, Record<string, string>> = {
  // Declaration for the asm arches, assembly for each, pure-Go fallback for the rest.
  good: {
    'mathx/sum_asm.go': '//go:build amd64 || arm64\n\npackage mathx\n\n// Sum adds xs.\n//\n//go:noescape\nfunc Sum(xs []int) int\n',
    'mathx/sum_amd64.s': SUM_AMD64,
    'mathx/sum_arm64.s': SUM_ARM64,
    'mathx/sum_generic.go': GENERIC,
  },
  // Unconstrained declaration and no fallback: riscv64 has no Sum.
  noFallback: {
    'mathx/sum.go': 'package mathx\n\n// Sum adds xs.\nfunc Sum(xs []int) int\n',
    'mathx/sum_amd64.s': SUM_AMD64,
    'mathx/sum_arm64.s': SUM_ARM64,
  },
  // Assembly only for amd64; arm64 and riscv64 lack it.
  amd64Only: {
    'mathx/sum.go': 'package mathx\n\nfunc Sum(xs []int) (total int)\n\nfunc zero() interface{} { return nil }\n',
    'mathx/sum_amd64.s': SUM_AMD64,
  },
  // Go body and amd64 assembly both built for amd64.
  duplicate: {
    'mathx/sum.go': GENERIC.replace('//go:build !amd64 && !arm64\n\n', ''),
    'mathx/sum_amd64.s': SUM_AMD64,
  },
  // Body pulled from the runtime with //go:linkname.
  linkname: {
    'mathx/sum.go': 'package mathx\n\nimport _ "unsafe"\n\n//go:linkname nanotime runtime.nanotime\nfunc nanotime() int64\n\nfunc Now() int64 { return nanotime() }\n',
  },
};

const PLATFORMS = [
  { goos: 'linux', goarch: 'amd64' },
  { goos: 'linux', goarch: 'arm64' },
  { goos: 'linux', goarch: 'riscv64' },
];

function sources(files: Record<string, string>) {
  return Object.entries(files).map(([p, content]) => ({ path: p, content }));
}

function run(files: Record<string, string>, goos: string, goarch: string): Finding[] {
  const target: TargetSpec = { platform: { goos, goarch }, cgo: false, buildmode: 'exe' };
  const ctx: SourceCheckContext = { target, platform: target.platform, projectRoot: 'libs/mathx', sources: sources(files), params: {} };
  return asmCoverage.run(ctx);
}

describe('goFuncDecls', () => {
  it('finds body-less declarations and skips bodies, methods and literals', () => {
    const src = [
      'package p',
      'func A(x int) int',
      'func B() { s := "func C()"; _ = s }',
      'func D() (a, b int)',
      'func E() interface{}',
      'func F() interface{} { return nil }',
      'func G[T any](x T) T',
      'func (r *R) M()',
      'var _ = func() {}',
      '/* func H() */',
      'func I() func() int',
      'func J() map[string]struct{}',
      'func K() struct{ a int } { return struct{ a int }{} }',
    ].join('\n');
    const got = goFuncDecls(src).map((d) => `${d.receiver ? d.receiver + '.' : ''}${d.name}:${d.hasBody ? 'body' : 'none'}:${d.line}`);
    expect(got).toEqual(['A:none:2', 'B:body:3', 'D:none:4', 'E:none:5', 'F:body:6', 'G:none:7', '*R.M:none:8', 'I:none:11', 'J:none:12', 'K:body:13']);
  });
});

describe('asmTextSymbols', () => {
  it('finds TEXT symbols, also those defined through macros', () => {
    const src = [
      '#include "textflag.h"',
      '#define ROUNDFN(NAME, MODE) \\',
      '\tTEXT NAME(SB),NOSPLIT,$0; \\',
      '\tMOVD MODE, R1; \\',
      '\tRET',
      '',
      '// func archCeil(x float64) float64',
      'ROUNDFN(·archCeil, $1)',
      'TEXT ·plain<ABIInternal>(SB),NOSPLIT,$0',
      '\tCALL ·notDefined(SB)',
      '\tRET',
    ].join('\n');
    expect([...asmTextSymbols(src).entries()]).toEqual([
      ['plain', 9],
      ['archCeil', 8],
    ]);
    expect([...asmTextSymbols('TEXT ·a(SB),0,$0\n\tJMP ·b(SB)\n').keys()]).toEqual(['a']);
  });
});

describe('asm-coverage', () => {
  it('reports the platform lacking an implementation, naming the function', () => {
    const f = run(VARIANTS.noFallback, 'linux', 'riscv64');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ checkId: 'asm-coverage', severity: 'error', file: 'libs/mathx/mathx/sum.go', line: 4 });
    expect(f[0].message).toMatch(/^Sum \(sum\.go\) has no body and no implementation for linux\/riscv64: no assembly file is built for it/);
    expect(f[0].fix).toMatch(/sum_riscv64\.s.*TEXT ·Sum\(SB\).*sum_generic\.go/);
    expect(run(VARIANTS.noFallback, 'linux', 'amd64')).toEqual([]);
    const arm = run(VARIANTS.amd64Only, 'linux', 'arm64');
    expect(arm.map((x) => x.data?.function)).toEqual(['Sum']);
    expect(run(VARIANTS.amd64Only, 'linux', 'amd64')).toEqual([]);
  });

  it('names the assembly files that lack the symbol', () => {
    const files = { ...VARIANTS.good, 'mathx/sum_arm64.s': SUM_ARM64.replace('·Sum', '·Total') };
    const f = run(files, 'linux', 'arm64');
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('the assembly built for it (sum_arm64.s) has no TEXT ·Sum(SB)');
  });

  it('reports a function defined in both Go and assembly', () => {
    const f = run(VARIANTS.duplicate, 'linux', 'amd64');
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe('Sum is defined in both Go (sum.go) and assembly (sum_amd64.s) for linux/amd64; go build fails with "Sum defined in both Go and assembly"');
    expect(run(VARIANTS.duplicate, 'linux', 'arm64')).toEqual([]);
  });

  it('ignores test files, testdata and files of other platforms', () => {
    const files = {
      'mathx/x_test.go': 'package mathx\n\nfunc T()\n',
      'mathx/testdata/y.go': 'package y\n\nfunc U()\n',
      'mathx/z_windows.go': 'package mathx\n\nfunc V()\n',
      'mathx/ok.go': 'package mathx\n',
    };
    expect(run(files, 'linux', 'riscv64')).toEqual([]);
    expect(run(files, 'windows', 'amd64').map((x) => x.data?.function)).toEqual(['V']);
  });
});

describe('through the engine, over a matrix', () => {
  it('reports each platform lacking the function once, and platform-independent findings once', async () => {
    const targets = PLATFORMS.map((p) => ({ platform: p, cgo: false, buildmode: 'exe' as const }));
    const files = { ...VARIANTS.amd64Only, 'mathx/extra.s': 'TEXT ·Extra(SB),0,$0\n\tMOVQ AX, BX\n\tRET\n', 'mathx/extra.go': 'package mathx\n\nfunc Extra()\n' };
    const result = await validateArtifacts({
      artifacts: [],
      sources: sources(files),
      sourceTargets: targets,
      projectRoot: 'libs/mathx',
      policy: defaultPolicy(),
      checks: SOURCE_CHECKS,
    });
    const cov = result.findings.filter((f) => f.checkId === 'asm-coverage').map((f) => `${f.data?.function}@${f.data?.platform}`);
    expect(cov.sort()).toEqual(['Sum@linux/arm64', 'Sum@linux/riscv64']);
    // extra.s is unguarded: one asm-guard finding, not one per platform.
    expect(result.findings.filter((f) => f.checkId === 'asm-guard').map((f) => f.file)).toEqual(['libs/mathx/mathx/extra.s']);
    expect(result.sources).toHaveLength(3);
  });
});

// Differential: the check says "fine" exactly when `go build` for the platform succeeds.
describeIf(haveGo())('asm-coverage agrees with go build', () => {
  let root: string;
  const builds = new Map<string, { ok: boolean; stderr: string }>();

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmcov-'));
    for (const [name, files] of Object.entries(VARIANTS)) {
      const dir = path.join(root, name);
      writeModule(dir, files);
      for (const p of PLATFORMS) {
        const env: Record<string, string> = {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? os.tmpdir(),
          GOOS: p.goos,
          GOARCH: p.goarch,
          CGO_ENABLED: '0',
          GOFLAGS: '',
          GOTOOLCHAIN: 'local',
          GOWORK: 'off',
          GOPROXY: 'off',
        };
        for (const k of ['GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'TMPDIR']) if (process.env[k]) env[k] = process.env[k]!;
        const r = spawnSync('go', ['build', './...'], { cwd: dir, env, encoding: 'utf8' });
        builds.set(`${name} ${p.goarch}`, { ok: r.status === 0, stderr: r.stderr });
      }
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('riscv64 without a fallback really fails with "missing function body"', () => {
    const b = builds.get('noFallback riscv64')!;
    expect(b.ok).toBe(false);
    expect(b.stderr).toMatch(/missing function body/);
    expect(builds.get('good riscv64')!.ok).toBe(true);
  });

  it.each(Object.keys(VARIANTS))('%s: findings exactly on the platforms go build rejects', (name) => {
    for (const p of PLATFORMS) {
      const b = builds.get(`${name} ${p.goarch}`)!;
      const findings = run(VARIANTS[name], p.goos, p.goarch);
      expect({ platform: p.goarch, flagged: findings.length > 0 }).toEqual({ platform: p.goarch, flagged: !b.ok });
      if (!b.ok) expect(b.stderr).toMatch(name === 'duplicate' ? /defined in both Go and assembly/ : /missing function body/);
    }
  });
});

// The fixes of asm-guard and asm-coverage, followed one finding at a time as a user would (adding
// the assembly file the fix names where there is assembly to write, the constraint split it
// describes otherwise), end with a package that go builds on every arch and no findings.
describeIf(haveGo())('following the asm-guard and asm-coverage fixes', () => {
  const ADD_AMD64 = `#include "textflag.h"\n\nTEXT ·Add(SB),NOSPLIT,$0-24\n\tMOVQ a+0(FP), AX\n\tADDQ b+8(FP), AX\n\tMOVQ AX, ret+16(FP)\n\tRET\n`;
  const ADD_ARM64 = `#include "textflag.h"\n\nTEXT ·Add(SB),NOSPLIT,$0-24\n\tMOVD a+0(FP), R0\n\tMOVD b+8(FP), R1\n\tADD R1, R0, R0\n\tMOVD R0, ret+16(FP)\n\tRET\n`;

  /** Follows the findings one at a time; returns what was applied. */
  function follow(files: Record<string, string>): string[] {
    const findingsFor = (goarch: string) => {
      const target: TargetSpec = { platform: { goos: 'linux', goarch }, cgo: false, buildmode: 'exe' };
      const ctx: SourceCheckContext = { target, platform: target.platform, projectRoot: 'libs/addx', sources: sources(files), params: {} };
      return SOURCE_CHECKS.filter((c) => c.meta.id === 'asm-guard' || c.meta.id === 'asm-coverage').flatMap((c) => c.run(ctx as never));
    };
    const applied: string[] = [];
    for (let round = 0; round < 6; round++) {
      const f = PLATFORMS.flatMap((p) => findingsFor(p.goarch).map((x) => ({ ...x, goarch: p.goarch })))[0];
      if (!f) break;
      const rel = f.file!.replace('libs/addx/', '');
      const dir = rel.slice(0, rel.lastIndexOf('/'));
      const fix = f.fix!;
      let m: RegExpExecArray | null;
      if (f.checkId === 'asm-guard' && (m = /^rename it to (\S+_(\w+)\.s),/.exec(fix))) {
        files[`${dir}/${m[1]}`] = files[rel];
        delete files[rel];
      } else if (f.data?.duplicate) {
        if ((m = /^put "(\/\/go:build [^"]+)" and a blank line at the top of (\S+?)[ ,]/.exec(fix))) files[`${dir}/${m[2]}`] = `${m[1]}\n\n${files[`${dir}/${m[2]}`]}`;
        else if ((m = /^change line (\d+) of (\S+) to "([^"]+)"/.exec(fix))) {
          const lines = files[`${dir}/${m[2]}`].split('\n');
          lines[Number(m[1]) - 1] = m[3];
          files[`${dir}/${m[2]}`] = lines.join('\n');
        } else throw new Error(`cannot follow: ${fix}`);
        if ((m = /, and declare \w+ without a body \("([^"]+)"\) in a new (\S+) with (\/\/go:build .+)$/.exec(fix))) {
          files[`${dir}/${m[2]}`] = `${m[3]}\n\npackage addx\n\n${m[1]}\n`;
        } else if ((m = /, and add the declaration "([^"]+)" to (\S+) /.exec(fix))) {
          files[`${dir}/${m[2]}`] += `\n${m[1]}\n`;
        }
      } else if (f.checkId === 'asm-coverage' && f.goarch === 'arm64' && (m = /^add (\S+_arm64\.s) with TEXT ·Add\(SB\)/.exec(fix))) {
        files[`${dir}/${m[1]}`] = ADD_ARM64; // there is arm64 assembly to write
      } else if (
        f.checkId === 'asm-coverage' &&
        (m = /build the declaration in (\S+) only where assembly exists \((\/\/go:build [^)]+)\) and define Add with a Go body in a new (\S+) with (\/\/go:build .+)$/.exec(fix))
      ) {
        files[`${dir}/${m[1]}`] = `${m[2]}\n\n${files[`${dir}/${m[1]}`]}`;
        files[`${dir}/${m[3]}`] = `${m[4]}\n\npackage addx\n\nfunc Add(a, b int) int { return a + b }\n`;
      } else {
        throw new Error(`cannot follow: ${f.checkId} (${f.goarch}): ${fix}`);
      }
      applied.push(`${f.checkId}${f.data?.duplicate ? ' duplicate' : ''} ${f.goarch}`);
    }
    for (const p of PLATFORMS) expect(findingsFor(p.goarch)).toEqual([]);
    return applied;
  }

  /** go build and go vet on every arch of PLATFORMS. */
  function expectGoBuilds(files: Record<string, string>) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmfix-'));
    try {
      for (const [p, content] of Object.entries({ 'go.mod': 'module example.com/addx\n\ngo 1.22\n', ...files })) {
        fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
        fs.writeFileSync(path.join(root, p), content);
      }
      for (const p of PLATFORMS) {
        const env = { ...process.env, GOOS: p.goos, GOARCH: p.goarch, CGO_ENABLED: '0', GOFLAGS: '', GOWORK: 'off', GOTOOLCHAIN: 'local' };
        for (const cmd of ['build', 'vet']) {
          const r = spawnSync('go', [cmd, './...'], { cwd: root, env, encoding: 'utf8' });
          expect([cmd, p.goarch, r.status, r.stderr]).toEqual([cmd, p.goarch, 0, '']);
        }
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }

  it('an unguarded .s file and an unconstrained declaration: ends with go build passing for amd64, arm64 and riscv64', () => {
    const files: Record<string, string> = {
      'addx/add.go': 'package addx\n\n// Add is in assembly.\nfunc Add(a, b int) int\n',
      'addx/add.s': ADD_AMD64,
    };
    expect(follow(files)).toEqual(['asm-guard amd64', 'asm-coverage arm64', 'asm-coverage riscv64']);
    expectGoBuilds(files);
  });

  it('a Go definition built next to the assembly: ends with go build passing everywhere', () => {
    const files: Record<string, string> = {
      'addx/add.go': 'package addx\n\nfunc Add(a, b int) int { return a + b }\n',
      'addx/add_amd64.s': ADD_AMD64,
      'addx/add_arm64.s': ADD_ARM64,
      'addx/other.go': '//go:build linux\n\npackage addx\n\nfunc Twice(x int) int { return Add(x, x) }\n',
    };
    expect(follow(files)).toEqual(['asm-coverage duplicate amd64']);
    expect(files['addx/add.go'].startsWith('//go:build !(amd64 || arm64)\n\npackage addx\n')).toBe(true);
    expectGoBuilds(files);
    // With a //go:build line already there, and a declaration already written for the assembly.
    const again: Record<string, string> = {
      'addx/add_decl.go': '//go:build amd64 || arm64\n\npackage addx\n\nfunc Add(a, b int) int\n',
      'addx/add_generic.go': '//go:build !amd64\n\npackage addx\n\nfunc Add(a, b int) int { return a + b }\n',
      'addx/add_amd64.s': ADD_AMD64,
      'addx/add_arm64.s': ADD_ARM64,
    };
    expect(follow(again)).toEqual(['asm-coverage duplicate arm64']);
    expect(again['addx/add_generic.go'].split('\n')[0]).toBe('//go:build !amd64 && !(amd64 || arm64)');
    expectGoBuilds(again);
  });
});

/** mathx declaring Sum without a body on every arch, and without its pure-Go fallback. */
const withoutFallback = () => {
  const files = mathx({ 'sum_generic.go': null });
  return { ...files, 'sum_decl.go': files['sum_decl.go'].replace(/^\/\/go:build .*\n\n/, '') };
};

sourceRuleTester(asmCoverage, {
  valid: [
    ...MATRIX_PLATFORMS.map((platform) => ({ name: 'examples/libs/mathx (assembly on amd64 and arm64, Go elsewhere)', files: () => mathx(), platform })),
    { name: 'examples/libs/mathx without its fallback, where the assembly is', files: withoutFallback, platform: 'linux/arm64' },
  ],
  invalid: [
    {
      name: 'examples/libs/mathx without its fallback, on an arch without assembly',
      files: withoutFallback,
      platform: 'linux/riscv64',
      errors: [/^Sum \(sum_decl\.go\) has no body and no implementation for linux\/riscv64: no assembly file is built for it; go build fails with "missing function body"$/],
    },
  ],
});
