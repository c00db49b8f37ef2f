import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIf, gate } from '../test-utils/gates';
import { rng } from '../test-utils/rng';
import { archFeatureTags, ConstraintContext, ConstraintExpr, ConstraintSyntaxError, ConstraintTooComplexError, constraintGoVersion, evalConstraint, formatConstraint, isGoBuildLine, isPlusBuildLine, parseConstraintLine, parseGoBuildExpr, plusBuildLines } from './constraint-expr';
import { ConstraintHeaderError, fileConstraint, fileIncluded, fileMatches, goFileImportsC, scanConstraintHeader } from './constraint-header';
import { fixBuildLines } from '../generators/build-tags/fix-build-lines';

const fmt = (line: string): string => formatConstraint(parseConstraintLine(line));

describe('parsing and printing', () => {
  it.each([
    ['//go:build linux', 'linux'],
    ['//go:build linux && arm64', 'linux && arm64'],
    ['//go:build   (linux)&&(arm64)  ', 'linux && arm64'],
    ['//go:build a || b && c', 'a || (b && c)'],
    ['//go:build (a || b) && c', '(a || b) && c'],
    ['//go:build a || (b || c)', 'a || b || c'],
    ['//go:build a && (b && c)', 'a && b && c'],
    ['//go:build !(a && b)', '!(a && b)'],
    ['//go:build !a && !b', '!a && !b'],
    ['//go:build !((a))', '!a'],
    ['//go:build go1.21 && amd64.v3', 'go1.21 && amd64.v3'],
    ['//go:build\tlinux', 'linux'],
    ['// +build linux,arm64 darwin', '(linux && arm64) || darwin'],
    ['//+build !cgo', '!cgo'],
    ['// +build a,!!b c,! d', '(a && ignore) || (c && ignore) || d'],
    ['// +build a-b', 'ignore'],
    ['// +build', 'ignore'],
  ])('%s → %s', (line, want) => {
    expect(fmt(line)).toBe(want);
  });

  it.each([
    ['', 'unexpected end of expression'],
    ['a &&', 'unexpected end of expression'],
    ['a & b', 'invalid syntax at &'],
    ['a | b', 'invalid syntax at |'],
    ['(a', 'missing close paren'],
    ['(a || b', 'missing close paren'],
    ['a)', 'unexpected token )'],
    ['!!a', 'double negation not allowed'],
    ['a b', 'unexpected token b'],
    ['a && $b', 'invalid syntax at $'],
    ['&& a', 'unexpected token &&'],
  ])('rejects %j (%s)', (expr, reason) => {
    let err: unknown;
    try {
      parseGoBuildExpr(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConstraintSyntaxError);
    expect((err as ConstraintSyntaxError).reason).toBe(reason);
  });

  it('rejects expressions over the size limit', () => {
    const big = Array.from({ length: 1001 }, (_, i) => `t${i}`).join(' || ');
    expect(() => parseGoBuildExpr(big)).toThrow('build expression too large');
    const plus = '// +build ' + Array.from({ length: 102 }, (_, i) => `t${i}`).join(' ');
    expect(() => parseConstraintLine(plus)).toThrow(ConstraintTooComplexError);
  });

  it('recognises the two line forms only when spelled exactly', () => {
    expect(isGoBuildLine('//go:build linux')).toBe(true);
    expect(isGoBuildLine('//go:build')).toBe(true);
    expect(isGoBuildLine('//go:buildlinux')).toBe(false);
    expect(isGoBuildLine('// go:build linux')).toBe(false);
    expect(isPlusBuildLine('// +build linux')).toBe(true);
    expect(isPlusBuildLine('//+build linux')).toBe(true);
    expect(isPlusBuildLine('// +buildlinux')).toBe(false);
    expect(isPlusBuildLine('/* +build linux */')).toBe(false);
    expect(() => parseConstraintLine('// just a comment')).toThrow('not a build constraint');
  });

  it('converts to // +build lines like PlusBuildLines', () => {
    const lines = (s: string) => plusBuildLines(parseGoBuildExpr(s));
    expect(lines('linux && arm64')).toEqual(['// +build linux,arm64']);
    expect(lines('linux || darwin')).toEqual(['// +build linux darwin']);
    expect(lines('(linux && arm64) || darwin')).toEqual(['// +build linux,arm64 darwin']);
    expect(lines('(a || b) && !(c && (d || e))')).toEqual(['// +build a b', '// +build !c !d,!e']);
    expect(lines('!(a || b)')).toEqual(['// +build !a,!b']);
    expect(() => lines('a && (b || (c && (d || e)))')).toThrow(ConstraintTooComplexError);
  });

  it('computes the implied minimum Go version', () => {
    expect(constraintGoVersion(parseGoBuildExpr('go1.21 && linux'))).toBe('go1.21');
    expect(constraintGoVersion(parseGoBuildExpr('go1.18 || go1.21'))).toBe('go1.18');
    expect(constraintGoVersion(parseGoBuildExpr('!go1.21'))).toBe('');
    expect(constraintGoVersion(parseGoBuildExpr('linux'))).toBe('');
  });
});

describe('evaluation', () => {
  const ev = (expr: string, ctx: ConstraintContext) => evalConstraint(parseGoBuildExpr(expr), ctx);
  const linuxArm64: ConstraintContext = { goos: 'linux', goarch: 'arm64', goVersion: 'go1.26.1' };

  it('knows the implied tags', () => {
    expect(ev('linux && arm64 && unix && gc', linuxArm64)).toBe(true);
    expect(ev('cgo', linuxArm64)).toBe(false);
    expect(ev('cgo', { ...linuxArm64, cgo: true })).toBe(true);
    expect(ev('linux', { goos: 'android', goarch: 'arm64' })).toBe(true);
    expect(ev('darwin && unix', { goos: 'ios', goarch: 'arm64' })).toBe(true);
    expect(ev('solaris', { goos: 'illumos', goarch: 'amd64' })).toBe(true);
    expect(ev('unix', { goos: 'windows', goarch: 'amd64' })).toBe(false);
    expect(ev('unix', { goos: 'js', goarch: 'wasm' })).toBe(false);
    expect(ev('gccgo', linuxArm64)).toBe(false);
  });

  it('sets release tags up to the Go version', () => {
    expect(ev('go1.1 && go1.26', linuxArm64)).toBe(true);
    expect(ev('go1.27', linuxArm64)).toBe(false);
    expect(ev('go1.21', { ...linuxArm64, goVersion: '1.20' })).toBe(false);
    expect(ev('go1', linuxArm64)).toBe(false);
  });

  it('sets custom tags and architecture feature tags', () => {
    expect(ev('netgo && !purego', { ...linuxArm64, tags: ['netgo'] })).toBe(true);
    expect(ev('amd64.v1 && !amd64.v2', { goos: 'linux', goarch: 'amd64' })).toBe(true);
    expect(ev('amd64.v2 && amd64.v3 && !amd64.v4', { goos: 'linux', goarch: 'amd64', variant: 'v3' })).toBe(true);
    expect(ev('arm.6 && !arm.7', { goos: 'linux', goarch: 'arm', variant: '6' })).toBe(true);
    expect(archFeatureTags('arm64', 'v9.1,lse')).toEqual([
      'arm64.v9.0', 'arm64.v9.1', 'arm64.v8.0', 'arm64.v8.1', 'arm64.v8.2', 'arm64.v8.3', 'arm64.v8.4', 'arm64.v8.5', 'arm64.v8.6',
    ]);
  });

  it('reports every tag it looked at, like Go evaluating both sides', () => {
    const seen = new Set<string>();
    evalConstraint(parseGoBuildExpr('linux || (foo && bar)'), linuxArm64, seen);
    expect([...seen].sort()).toEqual(['bar', 'foo', 'linux']);
  });
});

describe('header scanning', () => {
  const ctx: ConstraintContext = { goos: 'linux', goarch: 'amd64' };

  it('lets //go:build win over // +build', () => {
    const src = '//go:build linux\n// +build windows\n\npackage p\n';
    expect(fileMatches('a.go', src, ctx)).toBe(true);
    const h = scanConstraintHeader(src);
    expect(h.goBuild?.line).toBe(1);
    expect(h.plusBuild.map((p) => p.line)).toEqual([2]);
    expect(h.bodyLine).toBe(4);
  });

  it('ignores // +build lines not followed by a blank line', () => {
    const src = '// Package p does things.\n// +build windows\npackage p\n';
    expect(fileMatches('a.go', src, ctx)).toBe(true);
    expect(scanConstraintHeader(src).ignoredPlusBuild.map((p) => p.line)).toEqual([2]);
  });

  it('ANDs several // +build lines', () => {
    const src = '// +build linux darwin\n// +build arm64\n\npackage p\n';
    expect(formatConstraint(fileConstraint(src)!)).toBe('(linux || darwin) && arm64');
    expect(fileMatches('a.go', src, ctx)).toBe(false);
    expect(fileMatches('a.go', src, { goos: 'darwin', goarch: 'arm64' })).toBe(true);
  });

  it('stops at the package clause and skips block comments', () => {
    expect(fileMatches('a.go', 'package p\n\n//go:build windows\n', ctx)).toBe(true);
    expect(fileMatches('a.go', '/* doc\n//go:build windows\n*/\n\npackage p\n', ctx)).toBe(true);
    expect(fileMatches('a.go', '/* doc */\n//go:build windows\n\npackage p\n', ctx)).toBe(false);
  });

  it('combines the file-name rule with the constraint, for asm too', () => {
    expect(fileMatches('x_arm64.s', '#include "textflag.h"\n', ctx)).toBe(false);
    expect(fileMatches('x_linux.s', '//go:build amd64\n\n#include "textflag.h"\n', ctx)).toBe(true);
    expect(fileMatches('x_amd64.s', '//go:build !linux\n\nTEXT ·f(SB),0,$0\n', ctx)).toBe(false);
  });

  it('recognises cgo files by their imports only', () => {
    expect(goFileImportsC('package p\n\n/*\n#include <x.h>\n*/\nimport "C"\n')).toBe(true);
    expect(goFileImportsC('package p\n\nimport (\n\t"os"\n\t"C"\n)\n')).toBe(true);
    expect(goFileImportsC('package p\n\n// import "C"\nimport "os"\n')).toBe(false);
    expect(goFileImportsC('package p\n\nfunc f() { _ = `import "C"` }\n')).toBe(false);
    expect(fileIncluded('a.go', 'package p\n\nimport "C"\n', ctx)).toBe(false);
    expect(fileIncluded('a.go', 'package p\n\nimport "C"\n', { ...ctx, cgo: true })).toBe(true);
  });

  it('rejects headers go/build rejects', () => {
    expect(() => fileMatches('a.go', '//go:build linux\n//go:build amd64\n\npackage p\n', ctx)).toThrow(
      ConstraintHeaderError,
    );
    expect(() => fileMatches('a.go', '//go:build linux &&\n\npackage p\n', ctx)).toThrow(
      'parsing //go:build line: unexpected end of expression',
    );
  });
});

describe('properties', () => {
  const fc = require('fast-check') as typeof import('fast-check');
  const tagArb = fc.constantFrom('a', 'b', 'c', 'd', 'linux', 'amd64', 'go1.21', 'x.y');
  const exprArb: import('fast-check').Arbitrary<ConstraintExpr> = fc.letrec((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tagArb.map((tag) => ({ kind: 'tag' as const, tag })),
      // Go rejects `!!x`, so NOT never wraps a NOT.
      tie('e')
        .filter((x) => (x as ConstraintExpr).kind !== 'not')
        .map((x) => ({ kind: 'not' as const, x: x as ConstraintExpr })),
      fc.tuple(tie('e'), tie('e')).map(([x, y]) => ({ kind: 'and' as const, x: x as ConstraintExpr, y: y as ConstraintExpr })),
      fc.tuple(tie('e'), tie('e')).map(([x, y]) => ({ kind: 'or' as const, x: x as ConstraintExpr, y: y as ConstraintExpr })),
    ),
  })).e;
  const assignments = (x: ConstraintExpr): ConstraintContext[] => {
    const tags = ['a', 'b', 'c', 'd', 'linux', 'amd64', 'go1.21', 'x.y'];
    const out: ConstraintContext[] = [];
    for (let m = 0; m < 1 << tags.length; m += 7) {
      const on = tags.filter((_, i) => m & (1 << i));
      out.push({ goos: on.includes('linux') ? 'linux' : 'plan9', goarch: on.includes('amd64') ? 'amd64' : 'wasm', tags: on, goVersion: on.includes('go1.21') ? 'go1.21' : 'go1.20' });
    }
    void x;
    return out;
  };
  const same = (x: ConstraintExpr, y: ConstraintExpr) => assignments(x).every((c) => evalConstraint(x, c) === evalConstraint(y, c));

  it('printing then parsing keeps the meaning, and printing is a fixed point', () => {
    fc.assert(
      fc.property(exprArb, (x) => {
        const printed = formatConstraint(x);
        const back = parseGoBuildExpr(printed);
        return formatConstraint(back) === printed && same(x, back);
      }),
      { numRuns: 400 },
    );
  });

  it('// +build lines, when they exist, mean the same as the expression', () => {
    fc.assert(
      fc.property(exprArb, (x) => {
        let lines: string[];
        try {
          lines = plusBuildLines(x);
        } catch (e) {
          return e instanceof ConstraintTooComplexError;
        }
        const back = fileConstraint(`${lines.join('\n')}\n\npackage p\n`)!;
        return same(x, back);
      }),
      { numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Differential tests against the real go command.

const goVersionRun = spawnSync('go', ['env', 'GOVERSION', 'GOCACHE', 'GOPATH', 'GOMODCACHE'], { encoding: 'utf8' });
const haveGo = goVersionRun.status === 0;
const describeGo = describeIf(gate(haveGo, 'needs go on PATH'));
const [GO_VERSION, GOCACHE, GOPATH, GOMODCACHE] = haveGo ? goVersionRun.stdout.trim().split('\n') : [];

function goEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    GOCACHE: GOCACHE ?? '',
    GOPATH: GOPATH ?? '',
    GOMODCACHE: GOMODCACHE ?? '',
    GOFLAGS: '',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
    GO111MODULE: 'on',
    ...extra,
  };
}

const TAG_POOL = [
  'linux', 'darwin', 'windows', 'android', 'ios', 'illumos', 'solaris', 'unix', 'arm64', 'amd64', 'arm',
  'riscv64', 'cgo', 'gc', 'gccgo', 'foo', 'bar', 'go1.18', 'go1.26', 'go1.99', 'amd64.v2', 'amd64.v3', 'arm.6',
  'arm.7', 'arm64.v8.1', 'riscv64.rva22u64', 'js', 'wasm', 'mips', 'mips.softfloat', 'mips.hardfloat', '386',
  '386.sse2', '386.softfloat', 'ppc64le.power9', 'ppc64le.power10', 'arm64.v8.6', 'arm64.v9.1', 'arm.5', 'freebsd',
];

/** Random `//go:build` expression text with irregular spacing and redundant parentheses. */
function randomExprText(r: () => number, depth: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const sp = () => pick(['', ' ', '  ', '\t']);
  const v = r();
  if (depth <= 0 || v < 0.3) {
    const t = pick(TAG_POOL);
    return r() < 0.25 ? `!${t}` : t;
  }
  if (v < 0.4) return `!(${randomExprText(r, depth - 1)})`;
  if (v < 0.5) return `(${sp()}${randomExprText(r, depth - 1)}${sp()})`;
  const op = v < 0.75 ? '&&' : '||';
  return `${randomExprText(r, depth - 1)}${sp()}${op}${sp()}${randomExprText(r, depth - 1)}`;
}

function randomPlusBuild(r: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const clauses = 1 + Math.floor(r() * 3);
  const out: string[] = [];
  for (let i = 0; i < clauses; i++) {
    const lits = 1 + Math.floor(r() * 3);
    const ls: string[] = [];
    for (let j = 0; j < lits; j++) ls.push((r() < 0.3 ? '!' : '') + pick(TAG_POOL));
    out.push(ls.join(','));
  }
  return '// +build ' + out.join(' ');
}

describeGo('printing matches gofmt', () => {
  let dir: string;
  const cases: { name: string; src: string; expr: ConstraintExpr; fromPlus: boolean }[] = [];
  const formatted = new Map<string, string>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gocross-gofmt-'));
    const r = rng(1234);
    for (let i = 0; i < 160; i++) {
      const text = randomExprText(r, 4);
      // A stale +build line makes gofmt regenerate the +build lines from //go:build.
      const src = `//go:build ${text}\n// +build stale\n\npackage p\n`;
      cases.push({ name: `g${i}.go`, src, expr: parseGoBuildExpr(text), fromPlus: false });
    }
    for (let i = 0; i < 60; i++) {
      const lines = [randomPlusBuild(r)];
      if (r() < 0.4) lines.push(randomPlusBuild(r));
      const src = `${lines.join('\n')}\n\npackage p\n`;
      cases.push({ name: `p${i}.go`, src, expr: fileConstraint(src)!, fromPlus: true });
    }
    for (const c of cases) writeFileSync(join(dir, c.name), c.src);
    const res = spawnSync('gofmt', ['-w', dir], { encoding: 'utf8', env: goEnv({}) });
    if (res.status !== 0) throw new Error(`gofmt failed: ${res.stderr}`);
    for (const c of cases) formatted.set(c.name, readFileSync(join(dir, c.name), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints //go:build lines exactly as gofmt does', () => {
    const mismatches: string[] = [];
    for (const c of cases) {
      const got = formatted.get(c.name)!.split('\n')[0];
      const want = `//go:build ${formatConstraint(c.expr)}`;
      if (got !== want) mismatches.push(`${c.name}: gofmt ${got} / ours ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('writes // +build lines exactly as gofmt does', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const out = formatted.get(c.name)!.split('\n');
      const goPlus = out.filter((l) => l.startsWith('// +build'));
      let ours: string[];
      try {
        ours = plusBuildLines(c.expr);
      } catch (e) {
        if (!(e instanceof ConstraintTooComplexError)) throw e;
        continue; // gofmt keeps the old lines when they cannot be regenerated
      }
      compared++;
      if (c.fromPlus) continue; // gofmt keeps existing +build lines when it only adds //go:build
      if (JSON.stringify(goPlus) !== JSON.stringify(ours)) mismatches.push(`${c.name}: ${goPlus} / ${ours}`);
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(60);
  });
});

describeGo('fixBuildLines matches gofmt', () => {
  let dir: string;
  const inputs = new Map<string, string>();
  const outputs = new Map<string, string>();

  /** A gofmt-clean file apart from its constraint lines. */
  function randomFile(r: () => number): string {
    const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
    const parts: string[] = [];
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) {
      parts.push(
        pick([
          '// Copyright 2024 The Authors.\n',
          '\n',
          '\n',
          `//go:build ${randomExprText(r, 3).replace(/[ \t]+/g, ' ')}\n`,
          `${randomPlusBuild(r)}\n`,
          `${randomPlusBuild(r)}\n`,
          '// +build ignore\n',
          '//go:build linux &&\n',
        ]),
      );
    }
    if (r() < 0.5) parts.push('\n// Package p does things.\n');
    else parts.push('\n');
    parts.push('package p\n');
    if (r() < 0.3) parts.push(`\n${randomPlusBuild(r)}\n`);
    if (r() < 0.3) parts.push('\nvar s = `\n// +build nope\n`\n');
    if (r() < 0.3) parts.push('\n/*\n//go:build nope\n*/\nvar t = 1\n');
    return parts.join('').replace(/\n{3,}/g, '\n\n').replace(/^\n+/, '');
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gocross-fixbuild-'));
    const r = rng(777);
    for (let i = 0; i < 250; i++) inputs.set(`f${i}.go`, randomFile(r));
    // Hand-written layouts.
    inputs.set('l1.go', '// Copyright 2020 X.\n\n// +build linux darwin\n// +build !cgo\n\n// Package p does.\npackage p\n');
    inputs.set('l2.go', '// +build linux\n\n//go:build darwin\n\npackage p\n');
    inputs.set('l3.go', '//go:build linux && (arm64 || amd64)\n\n// +build linux\n\npackage p\n');
    inputs.set('l4.go', '// Copyright\n// +build linux\n\npackage p\n');
    inputs.set('l5.go', '// +build linux\n// +build !foo\n// Doc comment\n\npackage p\n');
    inputs.set('l6.go', '//go:build a\n//go:build b\n// +build c\n\npackage p\n');
    for (const [n, c] of inputs) writeFileSync(join(dir, n), c);
    const res = spawnSync('gofmt', ['-w', dir], { encoding: 'utf8', env: goEnv({}) });
    if (res.status !== 0) throw new Error(`gofmt failed: ${res.stderr}`);
    for (const n of inputs.keys()) outputs.set(n, readFileSync(join(dir, n), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites constraint lines exactly as gofmt does', () => {
    const mismatches: string[] = [];
    let changed = 0;
    for (const [n, input] of inputs) {
      const ours = fixBuildLines(input);
      const theirs = outputs.get(n)!;
      if (theirs !== input) changed++;
      if (ours !== theirs) mismatches.push(`${n}\n--- input\n${input}--- gofmt\n${theirs}--- ours\n${ours}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(changed).toBeGreaterThan(150);
  });

  it('can drop the // +build lines', () => {
    const out = fixBuildLines('// Copyright\n\n// +build linux,arm64 darwin\n\npackage p\n', { dropPlusBuild: true });
    expect(out).toBe('// Copyright\n\n//go:build (linux && arm64) || darwin\n\npackage p\n');
    expect(fixBuildLines('package p\n')).toBe('package p\n');
  });
});

describeGo('file selection matches go list', () => {
  let dir: string;
  const files = new Map<string, string>();
  const platforms: { label: string; ctx: ConstraintContext; env: Record<string, string>; tags: string[] }[] = [
    { label: 'linux/amd64 cgo', ctx: { goos: 'linux', goarch: 'amd64', cgo: true }, env: { CGO_ENABLED: '1' }, tags: [] },
    { label: 'linux/amd64/v3 foo', ctx: { goos: 'linux', goarch: 'amd64', variant: 'v3', tags: ['foo'] }, env: { GOAMD64: 'v3' }, tags: ['foo'] },
    { label: 'linux/arm64', ctx: { goos: 'linux', goarch: 'arm64' }, env: {}, tags: [] },
    { label: 'linux/arm64/v8.1 foo,bar', ctx: { goos: 'linux', goarch: 'arm64', variant: 'v8.1', tags: ['foo', 'bar'] }, env: { GOARM64: 'v8.1' }, tags: ['foo', 'bar'] },
    { label: 'linux/arm/6', ctx: { goos: 'linux', goarch: 'arm', variant: '6' }, env: { GOARM: '6' }, tags: [] },
    { label: 'linux/riscv64/rva22u64', ctx: { goos: 'linux', goarch: 'riscv64', variant: 'rva22u64' }, env: { GORISCV64: 'rva22u64' }, tags: [] },
    { label: 'darwin/arm64', ctx: { goos: 'darwin', goarch: 'arm64' }, env: {}, tags: [] },
    { label: 'ios/arm64', ctx: { goos: 'ios', goarch: 'arm64' }, env: {}, tags: [] },
    { label: 'android/arm64', ctx: { goos: 'android', goarch: 'arm64' }, env: {}, tags: [] },
    { label: 'illumos/amd64', ctx: { goos: 'illumos', goarch: 'amd64' }, env: {}, tags: [] },
    { label: 'windows/amd64', ctx: { goos: 'windows', goarch: 'amd64' }, env: {}, tags: [] },
    { label: 'windows/arm64 bar', ctx: { goos: 'windows', goarch: 'arm64', tags: ['bar'] }, env: {}, tags: ['bar'] },
    { label: 'linux/arm/5', ctx: { goos: 'linux', goarch: 'arm', variant: '5' }, env: { GOARM: '5' }, tags: [] },
    { label: 'linux/mips/softfloat', ctx: { goos: 'linux', goarch: 'mips', variant: 'softfloat' }, env: { GOMIPS: 'softfloat' }, tags: [] },
    { label: 'linux/386/softfloat', ctx: { goos: 'linux', goarch: '386', variant: 'softfloat' }, env: { GO386: 'softfloat' }, tags: [] },
    { label: 'linux/ppc64le/power9', ctx: { goos: 'linux', goarch: 'ppc64le', variant: 'power9' }, env: { GOPPC64: 'power9' }, tags: [] },
    { label: 'linux/arm64/v9.1', ctx: { goos: 'linux', goarch: 'arm64', variant: 'v9.1' }, env: { GOARM64: 'v9.1' }, tags: [] },
    { label: 'js/wasm', ctx: { goos: 'js', goarch: 'wasm' }, env: {}, tags: [] },
    { label: 'freebsd/riscv64 gccgo-tag', ctx: { goos: 'freebsd', goarch: 'riscv64', tags: ['gccgo'] }, env: {}, tags: ['gccgo'] },
  ];
  const listed = new Map<string, Set<string>>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gocross-golist-'));
    writeFileSync(join(dir, 'go.mod'), 'module example.com/p\n\ngo 1.22\n');
    const r = rng(42);
    files.set('base.go', 'package p\n');
    // Header placements.
    files.set('h1.go', '// Package doc.\n// +build windows\npackage p\n');
    files.set('h2.go', '// Copyright line\n\n// +build windows\n\n// Package doc.\npackage p\n');
    files.set('h3.go', '/* block */\n// +build windows\n\npackage p\n');
    files.set('h4.go', '//go:build linux\n// +build windows\n\npackage p\n');
    files.set('h5.go', '// +build linux\n// +build arm64\n\npackage p\n');
    files.set('h6.go', '/*\n//go:build windows\n*/\n\npackage p\n');
    files.set('h7.go', '//go:build   darwin   \n\npackage p\n');
    files.set('h8.go', '  //go:build android\r\n\r\npackage p\r\n');
    files.set('h9.go', '// +build linux,!!arm64 darwin\n\npackage p\n');
    // A byte-order mark hides the constraint from go/build.
    files.set('bom.go', '\uFEFF//go:build windows\n\npackage p\n');
    files.set('nel.go', '//go:build windows\u0085\n\npackage p\n');
    // cgo files: dropped when cgo is off.
    files.set('c1.go', 'package p\n\n// #include <stdio.h>\nimport "C"\n');
    files.set('c2.go', 'package p\n\nimport (\n\t"fmt"\n\t"C"\n)\n\nvar _ = fmt.Sprint\n');
    files.set('c3.go', 'package p\n\n// import "C"\nimport "fmt"\n\nvar _ = fmt.Sprint\nvar s = `import "C"`\n');
    files.set('c4_linux.go', '//go:build cgo\n\npackage p\n\nimport "C"\n');
    // File-name rules.
    for (const n of [
      'n_linux.go', 'n_arm64.go', 'n_linux_arm64.go', 'n_darwin_amd64.go', 'n_unix.go', 'linux.go', 'n_solaris.go',
      'n_android.go', 'n_ios.go', 'n_windows_test.go', 'n_linux_arm64_test.go', 'n_amd64.s', 'n_linux_riscv64.s',
      'n_darwin.go', 'x_y_linux.go', 'n_linux_foo.go', 'n_foo_arm64.go',
    ]) {
      files.set(n, n.endsWith('.s') ? '#include "textflag.h"\n' : 'package p\n');
    }
    // Random constraints, some combined with file-name suffixes.
    const suffixes = ['', '', '', '_linux', '_arm64', '_darwin_arm64', '_test'];
    for (let i = 0; i < 260; i++) {
      const suffix = suffixes[Math.floor(r() * suffixes.length)];
      const asm = i % 7 === 0;
      const header = r() < 0.75 ? `//go:build ${randomExprText(r, 3)}` : [randomPlusBuild(r), r() < 0.3 ? randomPlusBuild(r) : ''].filter(Boolean).join('\n');
      const body = asm ? '#include "textflag.h"\n' : 'package p\n';
      files.set(`r${i}${asm ? suffix.replace('_test', '') : suffix}.${asm ? 's' : 'go'}`, `// Copyright\n\n${header}\n\n${body}`);
    }
    for (const [n, src] of files) writeFileSync(join(dir, n), src);

    for (const p of platforms) {
      const args = ['list', '-e', '-f', '{{range .GoFiles}}{{.}} {{end}}{{range .CgoFiles}}{{.}} {{end}}{{range .SFiles}}{{.}} {{end}}{{range .TestGoFiles}}{{.}} {{end}}'];
      if (p.tags.length) args.push('-tags', p.tags.join(','));
      args.push('.');
      const res = spawnSync('go', args, {
        cwd: dir,
        encoding: 'utf8',
        env: goEnv({ GOOS: p.ctx.goos, GOARCH: p.ctx.goarch, CGO_ENABLED: '0', ...p.env }),
      });
      if (res.status !== 0) throw new Error(`go list for ${p.label} failed: ${res.stderr}`);
      listed.set(p.label, new Set(res.stdout.trim().split(/\s+/).filter(Boolean)));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('selects the same .go, _test.go and .s files as go list on every platform', () => {
    const mismatches: string[] = [];
    let included = 0;
    let excluded = 0;
    for (const p of platforms) {
      const goSet = listed.get(p.label)!;
      for (const [n, src] of files) {
        const ours = fileIncluded(n, src, { ...p.ctx, goVersion: GO_VERSION });
        if (ours) included++;
        else excluded++;
        if (ours !== goSet.has(n)) mismatches.push(`${p.label} ${n}: go ${goSet.has(n)} ours ${ours}\n${src}`);
      }
    }
    expect(mismatches).toEqual([]);
    // The corpus must exercise both outcomes substantially.
    expect(included).toBeGreaterThan(1000);
    expect(excluded).toBeGreaterThan(1000);
  });

  it('used a real go list run per platform', () => {
    expect(readdirSync(dir).length).toBe(files.size + 1);
    for (const p of platforms) expect(listed.get(p.label)!.has('base.go')).toBe(true);
  });
});

// The standard library: every .go and .s file of every package, on several platforms, with the
// toolchain's own tool tags (GOEXPERIMENT, arch features) — selection must equal go list's.
describeGo('file selection matches go list on the standard library', () => {
  const platforms = [
    { goos: 'linux', goarch: 'amd64' },
    { goos: 'linux', goarch: 'arm64' },
    { goos: 'linux', goarch: 'riscv64' },
    { goos: 'windows', goarch: 'amd64' },
    { goos: 'darwin', goarch: 'arm64' },
    { goos: 'js', goarch: 'wasm' },
  ];
  const results: { label: string; files: number; mismatches: string[] }[] = [];

  beforeAll(() => {
    for (const p of platforms) {
      const env = goEnv({ GOOS: p.goos, GOARCH: p.goarch, CGO_ENABLED: '0' });
      const tt = spawnSync('go', ['list', '-f', '{{join context.ToolTags " "}}', 'unsafe'], { encoding: 'utf8', env });
      if (tt.status !== 0) throw new Error(`go list (tool tags) failed: ${tt.stderr}`);
      const toolTags = tt.stdout.trim().split(/\s+/);
      const fmtArg = '{{.Dir}}\t{{join .GoFiles " "}} {{join .CgoFiles " "}} {{join .SFiles " "}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}';
      const res = spawnSync('go', ['list', '-e', '-f', fmtArg, 'std'], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
      if (res.status !== 0) throw new Error(`go list std failed: ${res.stderr}`);
      const mismatches: string[] = [];
      let files = 0;
      for (const line of res.stdout.trim().split('\n')) {
        const [dir, list] = line.split('\t');
        if (!dir || !existsSync(dir)) continue;
        const theirs = new Set(list.split(/\s+/).filter(Boolean));
        for (const name of readdirSync(dir)) {
          if (!/\.(go|s)$/.test(name) || name.startsWith('_') || name.startsWith('.')) continue;
          files++;
          const content = readFileSync(join(dir, name), 'utf8');
          let ours: boolean;
          try {
            ours = fileIncluded(name, content, { ...p, toolTags, goVersion: GO_VERSION });
          } catch (e) {
            mismatches.push(`${dir}/${name}: ${(e as Error).message}`);
            continue;
          }
          if (ours !== theirs.has(name)) mismatches.push(`${dir}/${name}: go ${theirs.has(name)} ours ${ours}`);
        }
      }
      results.push({ label: `${p.goos}/${p.goarch}`, files, mismatches });
    }
  });

  it('agrees on every file', () => {
    for (const r of results) {
      expect(r.files).toBeGreaterThan(3000);
      expect({ platform: r.label, mismatches: r.mismatches.slice(0, 10) }).toEqual({ platform: r.label, mismatches: [] });
    }
  });
});

// gofmt leaves the standard library unchanged, so fixBuildLines must too.
describeGo('fixBuildLines is the identity on gofmt-clean code', () => {
  it('leaves every standard library file with constraint lines unchanged', () => {
    const goroot = spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: goEnv({}) }).stdout.trim();
    const changed: string[] = [];
    let checked = 0;
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== 'testdata') walk(p);
        } else if (e.name.endsWith('.go')) {
          const content = readFileSync(p, 'utf8');
          if (!content.includes('//go:build') && !content.includes('+build')) continue;
          checked++;
          if (fixBuildLines(content) !== content) changed.push(p);
        }
      }
    };
    walk(join(goroot, 'src'));
    expect(checked).toBeGreaterThan(1000);
    expect(changed.slice(0, 10)).toEqual([]);
  });
});
