import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { asmGuard, guessAsmArch } from './asm-guard';
import type { SourceCheckContext } from '../context';
import { describeIf, haveGo } from '../../test-utils/gates';
import { writeModule } from '../test-utils/fixtures';
import { MATRIX_PLATFORMS, mathx, sourceRuleTester } from '../test-utils/source-rule-tester';
import type { Finding, TargetSpec } from '../types';

const ADD_AMD64_BODY = `TEXT ·Add(SB),NOSPLIT,$0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET
`;
const ADD_ARM64_BODY = `TEXT ·Add(SB),NOSPLIT,$0-24
	MOVD a+0(FP), R0
	MOVD b+8(FP), R1
	ADD R1, R0, R0
	MOVD R0, ret+16(FP)
	RET
`;
const DECL_AMD64 = '//go:build amd64\n\npackage addx\n\nfunc Add(a, b int) int\n';
const FALLBACK = '//go:build !amd64\n\npackage addx\n\nfunc Add(a, b int) int { return a + b }\n';

/** Module variants (besides go.mod); `unguarded*` must be flagged, the others not. */
const VARIANTS: Record<string, Record<string, string>> = {
  unguarded: {
    'addx/add_decl.go': 'package addx\n\nfunc Add(a, b int) int\n',
    'addx/add.s': `#include "textflag.h"\n\n${ADD_AMD64_BODY}`,
  },
  unguardedArm64: {
    'addx/add_decl.go': 'package addx\n\nfunc Add(a, b int) int\n',
    'addx/add.s': `#include "textflag.h"\n\n${ADD_ARM64_BODY}`,
  },
  suffix: { 'addx/add_amd64.go': DECL_AMD64, 'addx/add_amd64.s': `#include "textflag.h"\n\n${ADD_AMD64_BODY}`, 'addx/add_other.go': FALLBACK },
  goBuild: { 'addx/add_amd64.go': DECL_AMD64, 'addx/add.s': `//go:build amd64\n\n#include "textflag.h"\n\n${ADD_AMD64_BODY}`, 'addx/add_other.go': FALLBACK },
  plusBuild: { 'addx/add_amd64.go': DECL_AMD64, 'addx/add.s': `// +build amd64\n\n#include "textflag.h"\n\n${ADD_AMD64_BODY}`, 'addx/add_other.go': FALLBACK },
  ifdef: {
    'addx/add_amd64.go': DECL_AMD64,
    'addx/add.s': `#include "textflag.h"\n\n#ifdef GOARCH_amd64\n${ADD_AMD64_BODY}#endif\n`,
    'addx/add_other.go': FALLBACK,
  },
  // A JMP trampoline assembles for every arch.
  portable: {
    'addx/add.go': 'package addx\n\nfunc Add(a, b int) int\n\nfunc addGo(a, b int) int { return a + b }\n',
    'addx/add.s': '#include "textflag.h"\n\n// Add jumps to the Go code.\nTEXT ·Add(SB),NOSPLIT,$0-24\n\tJMP ·addGo(SB)\n',
  },
  macrosOnly: { 'addx/add.go': 'package addx\n\nfunc Add(a, b int) int { return a + b }\n', 'addx/defs.s': '#define ZERO $0\n' },
};

const ARCHES = ['amd64', 'arm64', 'riscv64'];

function check(files: Record<string, string>, goarch: string): Finding[] {
  const target: TargetSpec = { platform: { goos: 'linux', goarch }, cgo: false, buildmode: 'exe' };
  const ctx: SourceCheckContext = {
    target,
    platform: target.platform,
    projectRoot: 'libs/addx',
    sources: Object.entries(files).map(([p, content]) => ({ path: p, content })),
    params: {},
  };
  return asmGuard.run(ctx);
}

describe('asm-guard', () => {
  it('flags an unguarded .s file with location, guessed arch and fix', () => {
    const f = check(VARIANTS.unguarded, 'arm64');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ checkId: 'asm-guard', severity: 'error', file: 'libs/addx/addx/add.s', line: 3 });
    expect(f[0].message).toBe('add.s has no architecture guard: it is assembled for every GOARCH but looks like amd64 assembly');
    expect(f[0].fix).toBe('rename it to add_amd64.s, or put "//go:build amd64" and a blank line at the top');
    expect(check(VARIANTS.unguardedArm64, 'amd64')[0].fix).toContain('add_arm64.s');
  });

  it('a file that already has a //go:build line: the fix extends that line (a second one is an error), and following it works', () => {
    const files = { ...VARIANTS.unguarded, 'addx/add.s': `//go:build !purego\n\n#include "textflag.h"\n\n${ADD_AMD64_BODY}` };
    const [f] = check(files, 'arm64');
    expect(f.fix).toBe('rename it to add_amd64.s, or change line 1 to "//go:build !purego && amd64"');
    const m = /change line (\d+) to "([^"]+)"/.exec(f.fix!)!;
    const lines = files['addx/add.s'].split('\n');
    lines[Number(m[1]) - 1] = m[2];
    const fixed = { ...files, 'addx/add.s': lines.join('\n') };
    for (const a of ARCHES) expect(check(fixed, a)).toEqual([]);
  });

  it('assembly of an arch it cannot recognise: the fix says what to do without an <arch> placeholder', () => {
    const body = 'TEXT ·F(SB),0,$0-8\n\tNOP\n\tFOO F0\n\tRET\n';
    const [plain] = check({ 'x/f.s': body }, 'amd64');
    expect(plain.fix).toBe(
      'give it the file-name suffix of the GOARCH its instructions are for (f_amd64.s for amd64 assembly), or put a //go:build line naming that GOARCH and a blank line at the top ("//go:build amd64" for amd64 assembly)',
    );
    const [tagged] = check({ 'x/f.s': `//go:build !purego\n\n${body}` }, 'amd64');
    expect(tagged.fix).toContain('add that GOARCH to its //go:build line 1 ("//go:build !purego && amd64" for amd64 assembly)');
    for (const f of [plain, tagged]) expect(f.fix).not.toMatch(/<[a-z]+>/);
  });

  it.each(['suffix', 'goBuild', 'plusBuild', 'ifdef', 'portable', 'macrosOnly'])('accepts %s', (name) => {
    for (const a of ARCHES) expect(check(VARIANTS[name], a)).toEqual([]);
  });

  it('ignores files excluded for the platform and testdata', () => {
    const files = { 'x/a.s': '//go:build windows\n\nTEXT ·F(SB),0,$0\n\tRET\n', 'x/testdata/b.s': 'TEXT ·F(SB),0,$0\n\tRET\n' };
    expect(check(files, 'amd64')).toEqual([]);
  });

  it('guesses common instruction sets', () => {
    expect(guessAsmArch(ADD_AMD64_BODY)).toBe('amd64');
    expect(guessAsmArch(ADD_ARM64_BODY)).toBe('arm64');
    expect(guessAsmArch('TEXT ·F(SB),0,$0\n\tADDI $1, X5, X5\n\tRET\n')).toBe('riscv64');
    expect(guessAsmArch('TEXT ·F(SB),0,$0\n\tRET\n')).toBeUndefined();
  });
});

// Differential: every flagged variant really breaks `go build` for some arch of the matrix,
// and every accepted variant builds for all of them.
describeIf(haveGo())('asm-guard agrees with go build', () => {
  let root: string;
  const broken = new Map<string, string[]>();

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-asmguard-'));
    for (const [name, files] of Object.entries(VARIANTS)) {
      const dir = path.join(root, name);
      writeModule(dir, files);
      const failed: string[] = [];
      for (const goarch of ARCHES) {
        const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), GOOS: 'linux', GOARCH: goarch, CGO_ENABLED: '0', GOFLAGS: '', GOTOOLCHAIN: 'local', GOWORK: 'off', GOPROXY: 'off' };
        for (const k of ['GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'TMPDIR']) if (process.env[k]) env[k] = process.env[k]!;
        const r = spawnSync('go', ['build', './...'], { cwd: dir, env, encoding: 'utf8' });
        if (r.status !== 0) failed.push(`${goarch}: ${r.stderr.split('\n').slice(0, 3).join(' | ')}`);
      }
      broken.set(name, failed);
    }
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each(Object.keys(VARIANTS))('%s', (name) => {
    const flagged = ARCHES.some((a) => check(VARIANTS[name], a).length > 0);
    const failed = broken.get(name)!;
    expect({ flagged, buildFails: failed.length > 0 }).toEqual({ flagged, buildFails: flagged });
    if (flagged) expect(failed.join('\n')).toMatch(/unrecognized instruction|illegal|bad instruction|invalid instruction|expected/i);
  });
});

sourceRuleTester(asmGuard, {
  valid: MATRIX_PLATFORMS.map((platform) => ({ name: 'examples/libs/mathx (assembly per arch by file name)', files: () => mathx(), platform })),
  invalid: [
    {
      name: 'examples/libs/mathx with sum_amd64.s renamed to sum.s (its //go:build !purego names no arch)',
      files: () => {
        const files = mathx({ 'sum_amd64.s': null });
        return { ...files, 'sum.s': mathx()['sum_amd64.s'] };
      },
      platform: 'linux/arm64',
      errors: [{ message: 'sum.s has no architecture guard: it is assembled for every GOARCH but looks like amd64 assembly', fix: /^rename it to sum_amd64\.s, or change line 1 to "\/\/go:build !purego && amd64"$/ }],
    },
  ],
});
