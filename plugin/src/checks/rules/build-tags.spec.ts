import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitJsonStream } from '../asmdecl-vet';
import { buildTags, constraintDifference } from './build-tags';
import type { SourceCheckContext } from '../context';
import { describeIf, haveGo, haveTools, itIf } from '../../test-utils/gates';
import { MATRIX_PLATFORMS, mathx, sourceRuleTester } from '../test-utils/source-rule-tester';
import type { Finding, TargetSpec } from '../types';
import { parseGoBuildExpr } from '../../platforms/constraint-expr';

function check(files: Record<string, string>): Finding[] {
  const target: TargetSpec = { platform: { goos: 'linux', goarch: 'amd64' }, cgo: false, buildmode: 'exe' };
  const ctx: SourceCheckContext = {
    target,
    platform: target.platform,
    projectRoot: 'apps/x',
    sources: Object.entries(files).map(([p, content]) => ({ path: p, content })),
    params: {},
  };
  return buildTags.run(ctx);
}

const FILES: Record<string, string> = {
  'base.go': 'package bt\n',
  // Same meaning, different spelling: fine by meaning (vet complains about the text).
  'same.go': '//go:build linux && amd64\n// +build amd64,linux\n\npackage bt\n',
  'agree.go': '//go:build (linux || darwin) && !cgo\n// +build linux darwin\n// +build !cgo\n\npackage bt\n',
  'disagree.go': '//go:build linux || amd64\n// +build linux,amd64\n\npackage bt\n',
  'disagree2.go': '//go:build linux && !cgo\n// +build linux\n\npackage bt\n',
  'misplaced.go': '// Package doc.\n// +build linux\npackage bt\n',
  'plusonly.go': '// +build linux\n\npackage bt\n',
  'late.go': 'package bt\n\n//go:build linux\n',
  // Generator programs carry constraint lines inside raw strings: not comments.
  'gen.go': '//go:build ignore\n\npackage main\n\nvar tmpl = `\n//go:build !purego\n`\n\n/*\n//go:build x\n*/\n',
  'asm.s': '//go:build amd64\n// +build arm64\n\n#include "textflag.h"\n',
};

describe('build-tags', () => {
  const byFile = (fs: Finding[], f: string) => fs.filter((x) => x.file === `apps/x/${f}`);
  let findings: Finding[];
  beforeAll(() => {
    findings = check(FILES);
  });

  it('accepts matching lines, however they are spelled', () => {
    expect(byFile(findings, 'base.go')).toEqual([]);
    expect(byFile(findings, 'same.go')).toEqual([]);
    expect(byFile(findings, 'agree.go')).toEqual([]);
  });

  it('reports // +build lines that disagree, with a counterexample and the lines gofmt would write', () => {
    const [d] = byFile(findings, 'disagree.go');
    expect(d).toMatchObject({ severity: 'error', line: 2 });
    expect(d.message).toMatch(/^disagree\.go: \/\/ \+build line 2 disagrees with \/\/go:build linux \|\| amd64 \(line 1\): with .* \/\/go:build includes the file and \/\/ \+build excludes it$/);
    expect(d.fix).toContain('"// +build linux amd64"');
    const [d2] = byFile(findings, 'disagree2.go');
    expect(d2.message).toContain('with linux cgo //go:build excludes the file and // +build includes it');
    expect(byFile(findings, 'asm.s')[0].message).toMatch(/disagrees with \/\/go:build amd64/);
  });

  it('warns about lines go ignores and files with only // +build', () => {
    expect(byFile(findings, 'misplaced.go')).toMatchObject([{ severity: 'warn', line: 2, message: expect.stringContaining('is ignored') }]);
    expect(byFile(findings, 'plusonly.go')).toMatchObject([{ severity: 'warn', line: 1, message: 'plusonly.go has only // +build line 1 and no //go:build line' }]);
    expect(byFile(findings, 'late.go')).toMatchObject([{ severity: 'warn', line: 3, message: expect.stringContaining('after the package clause') }]);
    expect(byFile(findings, 'gen.go')).toEqual([]);
  });

  it('reports //go:build lines go build rejects', () => {
    const f = check({ 'a.go': '//go:build linux &&\n\npackage a\n', 'b.go': '//go:build linux\n//go:build amd64\n\npackage a\n' });
    expect(f.map((x) => `${x.file}:${x.line} ${x.severity}`)).toEqual(['apps/x/a.go:1 error', 'apps/x/b.go:2 error']);
    expect(f[0].message).toContain('does not parse (unexpected end of expression)');
  });

  it('compares by meaning', () => {
    const p = parseGoBuildExpr;
    expect(constraintDifference(p('a && (b || c)'), p('(a && b) || (a && c)'))).toBeUndefined();
    expect(constraintDifference(p('!(a || b)'), p('!a && !b'))).toBeUndefined();
    expect(constraintDifference(p('a || b'), p('a'))).toEqual({ on: ['b'], off: ['a'], a: true });
    // Beyond the exhaustive limit: equivalent spellings pass, a difference is still found.
    const many = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const x = p(many.join(' && '));
    expect(constraintDifference(x, p([...many].reverse().join(' && ')))).toBeUndefined();
    const d = constraintDifference(p(`${many.join(' || ')}`), p(`${many.slice(1).join(' || ')}`));
    expect(d && d.on).toContain('t0');
  });
});

// Differential against `go vet -buildtag`: vet compares the text of the lines, this check their
// meaning. Every file this check reports as disagreeing, vet reports too; every file vet
// reports that this check accepts must really be equivalent; misplaced lines match.
describeIf(haveGo())('build-tags against go vet -buildtag', () => {
  let dir: string;
  let vet: { file: string; line: number; message: string }[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-buildtag-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/bt\n\ngo 1.22\n');
    for (const [p, c] of Object.entries(FILES)) if (p.endsWith('.go') && p !== 'late.go') fs.writeFileSync(path.join(dir, p), c);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), GOFLAGS: '', GOTOOLCHAIN: 'local', GOWORK: 'off', GOPROXY: 'off', CGO_ENABLED: '0' };
    for (const k of ['GOCACHE', 'GOPATH', 'GOMODCACHE', 'GOROOT', 'TMPDIR']) if (process.env[k]) env[k] = process.env[k]!;
    const r = spawnSync('go', ['vet', '-json', '-buildtag', '.'], { cwd: dir, env, encoding: 'utf8' });
    const text = r.stdout + r.stderr;
    const json = splitJsonStream(text).find((v) => (v as Record<string, unknown>)['example.com/bt']) as Record<string, { buildtag: { posn: string; message: string }[] }>;
    vet = json['example.com/bt'].buildtag.map((d: { posn: string; message: string }) => {
      const m = /([^/]+\.go):(\d+):\d+$/.exec(d.posn)!;
      return { file: m[1], line: Number(m[2]), message: d.message };
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('vet ran and found the mismatches', () => {
    expect(vet.length).toBeGreaterThanOrEqual(3);
  });

  it('agrees on mismatches, up to spelling', () => {
    const findings = check(Object.fromEntries(Object.entries(FILES).filter(([p]) => p.endsWith('.go') && p !== 'late.go')));
    const ours = new Set(findings.filter((f) => f.message.includes('disagree')).map((f) => f.file.replace('apps/x/', '')));
    const theirs = new Set(vet.filter((v) => v.message.includes('do not match')).map((v) => v.file));
    for (const f of ours) expect(theirs.has(f)).toBe(true);
    for (const f of theirs) {
      if (ours.has(f)) continue;
      // vet flags a spelling difference; the lines must mean the same.
      expect(f).toBe('same.go');
    }
    expect(ours).toEqual(new Set(['disagree.go', 'disagree2.go']));
  });

  it('agrees on misplaced // +build lines', () => {
    const ours = check({ 'misplaced.go': FILES['misplaced.go'] }).map((f) => f.line);
    const theirs = vet.filter((v) => v.message.includes('misplaced +build')).map((v) => v.line);
    expect(ours).toEqual(theirs);
  });
});

describe('build-tags fixes, followed from the workspace root', () => {
  const maybe = itIf(haveTools('go', 'gofmt'));
  // Files with only // +build lines, and // +build lines that disagree, in Go and in assembly.
  const BROKEN: Record<string, string> = {
    'x.go': 'package bt\n\nfunc Add(a, b int) int\n',
    'plus.go': '// +build linux darwin\n// +build !purego\n\npackage bt\n\nconst plus = 1\n',
    'wrong.go': '//go:build linux && !purego\n// +build darwin\n\npackage bt\n\nconst wrong = 1\n',
    'add_amd64.s': '// +build !purego\n\n#include "textflag.h"\n\nTEXT ·Add(SB), NOSPLIT, $0-24\n\tMOVQ\ta+0(FP), AX\n\tADDQ\tb+8(FP), AX\n\tMOVQ\tAX, ret+16(FP)\n\tRET\n',
    'add_arm64.s': '//go:build !purego\n// +build purego\n\n#include "textflag.h"\n\nTEXT ·Add(SB), NOSPLIT, $0-24\n\tMOVD\ta+0(FP), R0\n\tMOVD\tb+8(FP), R1\n\tADD\tR1, R0, R0\n\tMOVD\tR0, ret+16(FP)\n\tRET\n',
    'add_other.go': '//go:build !(amd64 || arm64) || purego\n\npackage bt\n\nfunc Add(a, b int) int { return a + b }\n',
    'two.go': '//go:build linux || darwin\n//go:build !purego\n\npackage bt\n\nconst two = 1\n',
    'misplaced.go': '// Package doc.\n// +build linux\npackage bt\n\nconst misplaced = 1\n',
    'late.go': 'package bt\n\n//go:build linux\n\nconst late = 1\n',
    'late2.go': '//go:build !purego\n\npackage bt\n\n//go:build linux\n\nconst late2 = 1\n',
  };

  maybe('every fix is a command that works or an exact edit; afterwards the check and go vet find nothing', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-bt-fix-'));
    try {
      const root = path.join(ws, 'apps/x');
      fs.mkdirSync(root, { recursive: true });
      fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/bt\n\ngo 1.22\n');
      // x.go declares Add for amd64/arm64 only once fixed; keep it valid everywhere meanwhile.
      const files = { ...BROKEN, 'x.go': '//go:build (amd64 || arm64) && !purego\n\npackage bt\n\nfunc Add(a, b int) int\n' };
      for (const [p, c] of Object.entries(files)) fs.writeFileSync(path.join(root, p), c);
      const read = () => Object.fromEntries(Object.keys(files).map((p) => [p, fs.readFileSync(path.join(root, p), 'utf8')]));
      const before = check(read());
      expect([...new Set(before.map((f) => f.file))].sort()).toEqual(
        ['add_amd64.s', 'add_arm64.s', 'late.go', 'late2.go', 'misplaced.go', 'plus.go', 'two.go', 'wrong.go'].map((f) => `apps/x/${f}`),
      );
      const edit = (abs: string, change: (lines: string[]) => string[]) => fs.writeFileSync(abs, change(fs.readFileSync(abs, 'utf8').split('\n')).join('\n'));
      // Rounds: a fix can uncover the next finding of the same file (a misplaced // +build line,
      // once it counts, is a file with only // +build lines). One fix per file per round.
      for (let round = 0; round < 4; round++) {
        const findings = check(read());
        if (findings.length === 0) break;
        const seen = new Set<string>();
        for (const f of findings) {
          if (seen.has(f.file!)) continue;
          seen.add(f.file!);
          const abs = path.join(ws, f.file!);
          let m: RegExpExecArray | null;
          if ((m = /^run (gofmt -w \S+)/.exec(f.fix!))) {
            const [cmd, ...args] = m[1].split(' ');
            const r = spawnSync(cmd, args, { cwd: ws, encoding: 'utf8' });
            expect([f.file, r.status, r.stderr]).toEqual([f.file, 0, '']);
          } else if ((m = /^add the line "([^"]+)" above line (\d+)/.exec(f.fix!))) {
            const [text, at] = [m[1], Number(m[2])];
            edit(abs, (l) => [...l.slice(0, at - 1), text, ...l.slice(at - 1)]);
          } else if ((m = /^replace the \/\/ \+build lines with "([^"]+)"/.exec(f.fix!))) {
            const want = m[1].split(' / ');
            edit(abs, (l) => {
              const at = l.findIndex((x) => x.startsWith('// +build'));
              const kept = l.filter((x) => !x.startsWith('// +build'));
              return [...kept.slice(0, at), ...want, ...kept.slice(at)];
            });
          } else if ((m = /^replace lines ([\d, ]+) with the one line "([^"]+)"/.exec(f.fix!))) {
            const nums = m[1].split(', ').map(Number);
            const text = m[2];
            edit(abs, (l) => l.flatMap((x, i) => (i + 1 === nums[0] ? [text] : nums.includes(i + 1) ? [] : [x])));
          } else if ((m = /^insert a blank line after line (\d+)/.exec(f.fix!))) {
            const at = Number(m[1]);
            edit(abs, (l) => [...l.slice(0, at), '', ...l.slice(at)]);
          } else if ((m = /^move line (\d+) to the top of the file, followed by a blank line/.exec(f.fix!))) {
            const at = Number(m[1]);
            edit(abs, (l) => [l[at - 1], '', ...l.filter((_, i) => i !== at - 1)]);
          } else if ((m = /^delete line (\d+)/.exec(f.fix!))) {
            const at = Number(m[1]);
            edit(abs, (l) => l.filter((_, i) => i !== at - 1));
          } else {
            throw new Error(`${f.file}: fix is neither a command nor an exact edit: ${f.fix}`);
          }
        }
      }
      expect(check(read())).toEqual([]);
      // go agrees: vet's buildtag analyzer reads Go and assembly files, and the package builds.
      for (const [goarch, tags] of [['amd64', ''], ['arm64', ''], ['arm64', 'purego'], ['riscv64', '']]) {
        const env = { ...process.env, GOOS: 'linux', GOARCH: goarch, CGO_ENABLED: '0', GOFLAGS: '', GOWORK: 'off', GOTOOLCHAIN: 'local' };
        const vet = spawnSync('go', ['vet', `-tags=${tags}`, '.'], { cwd: root, encoding: 'utf8', env });
        expect([goarch, tags, vet.status, vet.stderr]).toEqual([goarch, tags, 0, '']);
      }
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});

sourceRuleTester(buildTags, {
  valid: MATRIX_PLATFORMS.map((platform) => ({ name: 'examples/libs/mathx (//go:build lines only)', files: () => mathx(), platform })),
  invalid: [
    {
      name: 'examples/libs/mathx with a // +build line that forgets !purego',
      files: () => {
        const files = mathx();
        return { ...files, 'sum_decl.go': files['sum_decl.go'].replace(/^(\/\/go:build .*\n)/, '$1// +build amd64 arm64\n') };
      },
      platform: 'linux/amd64',
      errors: [{ message: /^sum_decl\.go: \/\/ \+build line 2 disagrees with \/\/go:build \(amd64 \|\| arm64\) && !purego \(line 1\): with /, line: 2 }],
    },
  ],
});
