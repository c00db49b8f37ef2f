/**
 * `nx g @gocross/nx:platform` end to end, judged by `go build`: it warns about exactly the
 * body-less functions go rejects for the new platform (never about functions with bodies,
 * one-line ones included), and what it says to do works: the printed asm command run through
 * the nx CLI, and the constraint split for a hand-written declaration.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyModule, describeRun, expectSuccess, nx, realGo, run, uniqueName, workspaceRoot, writeFile } from './utils';

/** `nx g …` words of a printed command line (double-quoted arguments kept whole). */
function argv(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

describe('platform generator', () => {
  let ws: string;
  let project: string;
  let root: string;
  const go = (args: string[], env: Record<string, string | undefined> = {}) =>
    run(realGo(), args, {
      cwd: path.join(ws, root),
      env: { GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0', ...env },
    });
  const riscv = () => go(['build', './...'], { GOOS: 'linux', GOARCH: 'riscv64' });
  const warnings = (output: string) => output.split('\n').filter((l) => /has no body and no implementation for/.test(l));

  beforeAll(() => {
    ws = workspaceRoot();
    project = uniqueName('mathx-plat');
    root = copyModule('libs/mathx', `libs/${project}`);
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, tags: [] }, null, 2) + '\n');
    // Functions with bodies in every shape the old line scanner got wrong.
    writeFile(
      path.join(ws, root, 'shapes.go'),
      [
        'package mathx',
        '',
        'func One() int { return 1 }',
        'func Id[T any](x T) T { return x }',
        'func Twice(x int) int { return Id(x) * 2 }',
        'type Acc struct{ n int }',
        'func (a *Acc) Add(x int) int { a.n += x; return a.n }',
        'func Join(',
        '\ta string,',
        '\tb string,',
        ') string { return a + "{" + b }',
        '',
      ].join('\n'),
    );
  });

  test('a one-line, generic, method or multi-line function with a body is not reported', () => {
    const r = nx(['g', '@gocross/nx:platform', 'linux/riscv64', `--project=${project}`, '--no-interactive']);
    expectSuccess('nx g platform', r);
    expect(warnings(r.output)).toEqual([]);
    const b = riscv();
    if (b.code !== 0) throw new Error(describeRun('go build (riscv64)', b));
  });

  test('a hand-written declaration with amd64 assembly only: the described split makes riscv64 build', () => {
    const crc = path.join(ws, root, 'crc.go');
    writeFile(crc, 'package mathx\n\n// Update is in crc_amd64.s.\nfunc Update(crc uint32, p []byte) uint32\n');
    writeFile(
      path.join(ws, root, 'crc_amd64.s'),
      '#include "textflag.h"\n\n// func Update(crc uint32, p []byte) uint32\nTEXT ·Update(SB), NOSPLIT, $0-36\n\tMOVL\tcrc+0(FP), AX\n\tMOVL\tAX, ret+32(FP)\n\tRET\n',
    );
    // go agrees riscv64 is broken.
    const broken = riscv();
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(/crc\.go:4:6: missing function body/);

    const r = nx(['g', '@gocross/nx:platform', 'linux/riscv64', `--project=${project}`, '--no-interactive']);
    expectSuccess('nx g platform', r);
    const w = warnings(r.output);
    expect(w).toHaveLength(1);
    expect(w[0]).toContain(`${root}/crc.go:4: Update has no body and no implementation for linux/riscv64`);
    const m = /build the declaration in crc\.go only where assembly exists \(\/\/go:build ([^)]+)\) and define Update with a Go body in a new (crc_generic\.go) with (\/\/go:build .+?)\s*$/.exec(w[0]);
    if (!m) throw new Error(`unexpected fix: ${w[0]}`);
    // Do what it says.
    writeFile(crc, fs.readFileSync(crc, 'utf8').replace('package mathx', `//go:build ${m[1]}\n\npackage mathx`));
    writeFile(
      path.join(ws, root, m[2]),
      `${m[3]}\n\npackage mathx\n\nfunc Update(crc uint32, p []byte) uint32 { return crc }\n`,
    );
    const fixed = riscv();
    if (fixed.code !== 0) throw new Error(describeRun('go build (riscv64) after the fix', fixed));
    const amd64 = go(['vet', '.'], { GOOS: 'linux', GOARCH: 'amd64' });
    if (amd64.code !== 0) throw new Error(describeRun('go vet (amd64) after the fix', amd64));
    const again = nx(['g', '@gocross/nx:platform', 'linux/riscv64', `--project=${project}`, '--no-interactive']);
    expect(warnings(again.output)).toEqual([]);
  });

  test('a set of the asm generator whose declaration now reaches riscv64: the printed nx g asm command fixes it', () => {
    expectSuccess(
      'nx g asm',
      nx(['g', '@gocross/nx:asm', `--project=${project}`, '--signature=func Dot(a, b []float64) float64', '--arches=amd64', '--file=vec', '--no-interactive']),
    );
    // Hand edits: the declaration loses its arch guard, the fallback becomes purego-only.
    for (const [f, line] of [
      ['vec_decl.go', '//go:build !purego'],
      ['vec_fallback.go', '//go:build purego'],
    ]) {
      const p = path.join(ws, root, f);
      writeFile(p, fs.readFileSync(p, 'utf8').replace(/^\/\/go:build .*$/m, line));
    }
    expect(riscv().output).toMatch(/vec_decl\.go:\d+:6: missing function body/);
    const r = nx(['g', '@gocross/nx:platform', 'linux/riscv64', `--project=${project}`, '--no-interactive']);
    expectSuccess('nx g platform', r);
    const w = warnings(r.output);
    expect(w).toHaveLength(1);
    const m = /run: (nx g @gocross\/nx:asm .*)$/.exec(w[0]);
    if (!m) throw new Error(`no asm command in: ${w[0]}`);
    // Through the real nx CLI, from the workspace root, as printed.
    const words = argv(m[1]);
    expect(words.slice(0, 2)).toEqual(['nx', 'g']);
    expectSuccess(m[1], nx([...words.slice(1), '--no-interactive']));
    const fixed = riscv();
    if (fixed.code !== 0) throw new Error(describeRun('go build (riscv64) after the asm command', fixed));
    const vet = go(['vet', '.'], { GOOS: 'linux', GOARCH: 'riscv64' });
    if (vet.code !== 0) throw new Error(describeRun('go vet (riscv64) after the asm command', vet));
  });
});
