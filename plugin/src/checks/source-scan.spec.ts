/**
 * The body-less function scanner against the Go compiler. Random packages mix function shapes
 * (one-line bodies, generics, methods, multi-line signatures, func-typed results, struct and
 * interface types in signatures) with text that looks like code (comments, strings, raw strings
 * and runes holding braces and `func`) and //go:linkname / //go:noescape stubs. The functions
 * the scanner says have no body must be exactly those `go build -gcflags=-e` reports ("missing
 * function body", or for generic functions and init the type checker's message, which stops the
 * compile before the others are reported). A batch of packages goes through one `go build`.
 *
 * Then the implementation side, per platform: functions declared without a body on some arches
 * and defined in Go on others, with TEXT symbols in assembly files restricted by file name or
 * //go:build. What packageImplementations calls missing or defined twice must be what go build
 * (compiler and linker) reports for linux/amd64, arm64 and riscv64.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { bodylessFuncs, goFuncDecls, packageImplementations } from './source-scan';
import type { SourceFile } from './types';
import { describeIf, haveGo } from '../test-utils/gates';
import { goOracle } from '../test-utils/go';

const describeGo = describeIf(haveGo());

const go = (args: string[], cwd: string, env: Record<string, string> = {}) => goOracle(args, cwd, { GOPROXY: 'off', CGO_ENABLED: '0', ...env });

/** A function shape: its declaration (N is the name) and a body that type-checks. */
interface Shape {
  sig: string;
  body: string;
  generic?: boolean;
  method?: boolean;
}

const SHAPES: Shape[] = [
  { sig: 'func N() int', body: '{ return 1 }' },
  { sig: 'func N[T any](x T) T', body: '{ return x }', generic: true },
  { sig: 'func N[K comparable, V any](m map[K]V) []K', body: '{\n\tvar out []K\n\tfor k := range m {\n\t\tout = append(out, k)\n\t}\n\treturn out\n}', generic: true },
  { sig: 'func (r *R) N(a, b int) (int, error)', body: '{ return a + b, nil }', method: true },
  { sig: 'func (R) N() string', body: '{ return "{" }', method: true },
  { sig: 'func N(\n\ta int,\n\tb string,\n) (\n\tr int,\n)', body: '{\n\tr = a + len(b)\n\treturn\n}' },
  { sig: 'func N() func() int', body: '{ return func() int { return 2 } }' },
  { sig: 'func N() map[string]int', body: '{ return map[string]int{"}{": 1} }' },
  { sig: 'func N() rune', body: "{ return '}' }" },
  { sig: 'func N() string', body: '{ return `}\nfunc X() {\n` }' },
  { sig: 'func N(ch <-chan int) interface{ M() }', body: '{ return nil }' },
  { sig: 'func N() [2]int', body: '{ return [2]int{1, 2} }' },
  { sig: 'func N(x ...int) (a, b int)', body: '{ return }' },
  { sig: 'func N() struct{ A int }', body: '{ return struct{ A int }{} }' },
  { sig: 'func N() *[3]map[string]chan int', body: '{ return nil }' },
  { sig: 'func N(a int /* ) { */, b int) int', body: '{ return a + b }' },
  { sig: 'func N(f func(int) (int, error)) error', body: '{ return nil }' },
  { sig: 'func N(p *struct {\n\tA string `json:"}"`\n}) chan<- int', body: '{ return nil }' },
];

/** Top-level text that looks like code but declares no function. */
const NOISE: ((i: number) => string)[] = [
  (i) => `// func Fake${i}() {`,
  () => '/* } func X() { */',
  (i) => `var s${i} = "}{ func Y() {"`,
  (i) => `var r${i} = '{'`,
  (i) => `var q${i} = '\\''`,
  (i) => `var raw${i} = \`}\nfunc Z() {\n\``,
  (i) => `type S${i} struct {\n\tA int \`json:"}"\`\n}`,
  (i) => `var fn${i} = func() int { return 1 }`,
  (i) => `type FT${i} func(int) int`,
  (i) => `type I${i} interface {\n\tM() // func Q() {\n}`,
  () => 'func init() {}',
];

type Item =
  | { kind: 'func'; shape: number; body: boolean; noescape: boolean; linkname: boolean; doc: boolean }
  | { kind: 'noise'; which: number };

const itemArb: fc.Arbitrary<Item> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('func' as const),
      shape: fc.nat(SHAPES.length - 1),
      body: fc.boolean(),
      noescape: fc.boolean(),
      linkname: fc.boolean(),
      doc: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('noise' as const), which: fc.nat(NOISE.length - 1) }) },
);
/** A package: files of items. */
const packageArb = fc.array(fc.array(itemArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 });

/** Renders a package; returns its files (package-relative names). */
function render(pkg: Item[][], pkgName: string): SourceFile[] {
  let n = 0;
  return pkg.map((items, fi) => {
    const parts = [`package ${pkgName}`, 'import _ "unsafe"', `type R struct{}`.replace('R', `R${fi}`)];
    for (const it of items) {
      if (it.kind === 'noise') {
        parts.push(NOISE[it.which](n++));
        continue;
      }
      const shape = SHAPES[it.shape];
      const name = `F${n++}`;
      const lines: string[] = [];
      if (it.doc) lines.push(`// ${name} has { braces } and func words in its comment.`);
      // Directives only where the compiler accepts them: on functions without a body.
      if (!it.body && it.noescape) lines.push('//go:noescape');
      if (!it.body && it.linkname && !shape.generic && !shape.method) lines.push(`//go:linkname ${name} example.com/elsewhere.${name}`);
      const sig = shape.sig.replace(/\bN\b/, name).replace(/\*R\)|\(R\)/, (m) => m.replace('R', `R${fi}`));
      lines.push(it.body ? `${sig} ${shape.body}` : sig);
      parts.push(lines.join('\n'));
    }
    return { path: `f${fi}.go`, content: `${parts.join('\n\n')}\n` };
  });
}

/** `pN/fM.go:LINE` of every body-less function the scanner finds, as the compiler would report it. */
function expected(files: SourceFile[], dir: string): string[] {
  const all = bodylessFuncs(files);
  // The type checker reports generic functions and init; when it does, the compile stops there.
  const early = all.filter((b) => b.decl.generic || b.decl.name === 'init');
  return (early.length ? early : all).map((b) => `${dir}/${b.file.path}:${b.decl.line}`).sort();
}

const MISSING = /^(p\d+\/f\d+\.go):(\d+):\d+: (?:missing function body|generic function is missing function body|func init must have a body)$/;

describeGo('body-less functions: scanner vs go build', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-scan-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reports exactly what the compiler reports, for batches of random packages', async () => {
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(packageArb, { minLength: 10, maxLength: 25 }), async (pkgs) => {
        const dir = path.join(root, `b${batch++}`);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/scan\n\ngo 1.22\n');
        const want: string[] = [];
        const sources: Record<string, SourceFile[]> = {};
        pkgs.forEach((pkg, pi) => {
          const files = render(pkg, `p${pi}`);
          sources[`p${pi}`] = files;
          fs.mkdirSync(path.join(dir, `p${pi}`));
          for (const f of files) fs.writeFileSync(path.join(dir, `p${pi}`, f.path), f.content);
          want.push(...expected(files, `p${pi}`));
        });
        const r = go(['build', '-gcflags=-e', './...'], dir);
        const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l && !l.startsWith('#'));
        const other = lines.filter((l) => !MISSING.test(l));
        // Anything else means a generated package is invalid Go: the test itself is wrong.
        expect(other).toEqual([]);
        const got = lines.map((l) => MISSING.exec(l)!).map((m) => `${m[1]}:${m[2]}`).sort();
        want.sort();
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          const diff = [...got.filter((x) => !want.includes(x)).map((x) => `compiler only: ${x}`), ...want.filter((x) => !got.includes(x)).map((x) => `scanner only: ${x}`)];
          const pkgsInvolved = new Set(diff.map((d) => d.split(': ')[1].split('/')[0]));
          const text = [...pkgsInvolved].flatMap((p) => sources[p].map((f) => `--- ${p}/${f.path}\n${f.content}`)).join('\n');
          throw new Error(`${diff.join('\n')}\n${text}`);
        }
        expect(r.status === 0).toBe(want.length === 0);
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 20, seed: 20261128, endOnFailure: true },
    );
  });

  it('a package whose every function has a body is implemented on any platform', () => {
    const files = render(
      [SHAPES.map((_, shape) => ({ kind: 'func' as const, shape, body: true, noescape: false, linkname: false, doc: true }))],
      'p',
    );
    expect(goFuncDecls(files[0].content).map((d) => d.hasBody)).toEqual(SHAPES.map(() => true));
    expect(packageImplementations(files, { goos: 'linux', goarch: 'riscv64', tags: [], cgo: false })).toEqual([
      expect.objectContaining({ dir: '', missing: [], duplicates: [] }),
    ]);
  });

  it('signatures come out on one line, as the asm generator reads them', () => {
    const decls = goFuncDecls(
      'package p\n\nfunc D(\n\ta int, // first\n\tb string,\n) (\n\tr int,\n)\n\nfunc (t *T[K]) M(x []int) (int, error)\n',
    );
    expect(decls.map((d) => [d.name, d.receiver, d.signature, d.line])).toEqual([
      ['D', undefined, 'func D(a int, b string) (r int)', 3],
      ['M', '*T', 'func (t *T[K]) M(x []int) (int, error)', 10],
    ]);
  });

  it('finds the implementation for each platform as go build does: assembly built for it, or a Go body', async () => {
    const ARCHES = ['amd64', 'arm64', 'riscv64'] as const;
    /** Assembly files and their constraints (file name or //go:build); `RET` assembles on every arch. */
    const ASM: { name: string; header: string }[] = [
      { name: 's_amd64.s', header: '' },
      { name: 's_arm64.s', header: '' },
      { name: 's_riscv64.s', header: '' },
      { name: 't.s', header: '//go:build arm64 || riscv64\n\n' },
      { name: 'u.s', header: '//go:build !amd64 && !purego\n\n' },
      { name: 'w.s', header: '' },
    ];
    const fnArb = fc.record({
      // Per arch: declared without a body, or defined in Go.
      where: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()),
      // The one assembly file with its TEXT symbol (ASM.length: none); two would be a linker error of its own.
      asm: fc.nat(ASM.length),
      noescape: fc.boolean(),
    });
    const pkgArb = fc.record({ fns: fc.array(fnArb, { minLength: 1, maxLength: 5 }), asmFiles: fc.nat((1 << ASM.length) - 1) });
    const render2 = (pkg: { fns: { where: boolean[]; asm: number; noescape: boolean }[]; asmFiles: number }): SourceFile[] => {
      const files: SourceFile[] = [];
      const names = pkg.fns.map((_, i) => `F${i}`);
      files.push({ path: 'main.go', content: `package main\n\nvar fs = []func() int{${names.join(', ')}}\n\nfunc main() { println(len(fs)) }\n` });
      pkg.fns.forEach((fn, i) => {
        const declOn = ARCHES.filter((_, k) => fn.where[k]);
        const bodyOn = ARCHES.filter((_, k) => !fn.where[k]);
        if (declOn.length) {
          files.push({ path: `d${i}.go`, content: `//go:build ${declOn.join(' || ')}\n\npackage main\n\n${fn.noescape ? '//go:noescape\n' : ''}func F${i}() int\n` });
        }
        if (bodyOn.length) files.push({ path: `g${i}.go`, content: `//go:build ${bodyOn.join(' || ')}\n\npackage main\n\nfunc F${i}() int { return ${i} }\n` });
      });
      ASM.forEach((a, k) => {
        if (!(pkg.asmFiles & (1 << k))) return;
        const texts = pkg.fns.flatMap((fn, i) => (fn.asm === k ? [`TEXT ·F${i}(SB), NOSPLIT, $0-8\n\tRET\n`] : []));
        files.push({ path: a.name, content: `${a.header}#include "textflag.h"\n\n${texts.join('\n')}` });
      });
      return files;
    };
    let batch = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(pkgArb, { minLength: 5, maxLength: 10 }), async (pkgs) => {
        const dir = path.join(root, `i${batch++}`);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/impl\n\ngo 1.22\n');
        const rendered = pkgs.map(render2);
        rendered.forEach((files, pi) => {
          fs.mkdirSync(path.join(dir, `p${pi}`));
          for (const f of files) fs.writeFileSync(path.join(dir, `p${pi}`, f.path), f.content);
        });
        for (const goarch of ARCHES) {
          const out = path.join(dir, `out-${goarch}`);
          fs.mkdirSync(out);
          const r = go(['build', '-gcflags=-e', '-o', `${out}/`, './...'], dir, { GOOS: 'linux', GOARCH: goarch });
          // What go says, per package: compile errors name the file, link errors follow a "# pkg" line.
          const got = new Map<string, string[]>();
          let current = '';
          for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
            let m: RegExpExecArray | null;
            if ((m = /^# example\.com\/impl\/(p\d+)$/.exec(line))) current = m[1];
            else if ((m = /^(p\d+)\/(\w+\.go):(\d+):\d+: (?:missing function body|(F\d+) defined in both Go and assembly)$/.exec(line))) {
              got.set(m[1], [...(got.get(m[1]) ?? []), m[4] ? `dup ${m[4]}` : `missing ${m[2]}:${m[3]}`]);
            } else if ((m = /^main\.F\d+·f: relocation target main\.(F\d+) not defined$/.exec(line))) {
              got.set(current, [...(got.get(current) ?? []), `missing ${m[1]}`]);
            } else if (line.trim()) {
              throw new Error(`${goarch}: unexpected go output (a generated package is invalid): ${line}`);
            }
          }
          rendered.forEach((files, pi) => {
            const [impl] = packageImplementations(files, { goos: 'linux', goarch, tags: [], cgo: false });
            let want: string[];
            if (impl.duplicates.length) want = impl.duplicates.map((d) => `dup ${d.decl.name}`);
            // Without assembly the compiler reports the declaration; with it, the linker names the symbol.
            else if (impl.asmFiles.length === 0) want = impl.missing.map((b) => `missing ${b.file.path}:${b.decl.line}`);
            else want = impl.missing.map((b) => `missing ${b.decl.name}`);
            const have = [...new Set(got.get(`p${pi}`) ?? [])].sort();
            if (JSON.stringify(have) !== JSON.stringify([...want].sort())) {
              throw new Error(
                `p${pi} on ${goarch}: go says ${JSON.stringify(have)}, the scanner ${JSON.stringify(want.sort())}\n` +
                  files.map((f) => `--- ${f.path}\n${f.content}`).join('\n'),
              );
            }
          });
        }
        fs.rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: 4, seed: 20261129, endOnFailure: true },
    );
  });
});
