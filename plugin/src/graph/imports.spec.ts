import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseGoFileHeader } from '../gowork/header';
import { HEAD_BYTES, readGoHeader } from './scan';
import { parseGoMod, parseGoWork } from '../gowork/modfile';
import { haveGo, itIf } from '../test-utils/gates';

describe('parseGoFileHeader', () => {
  it('reads single, grouped, named, blank and dot imports', () => {
    const src = [
      '// Copyright',
      '/* block "not/an/import" */',
      '//go:build linux',
      '',
      'package  server // trailing',
      '',
      'import "fmt"',
      'import (',
      '\tstdlog "log"',
      '\t_ "embed"',
      '\t. "strings"; "os"',
      '\t// "commented/out"',
      '\t`raw/path`',
      ')',
      'import /* c */ x "net/http"',
      '',
      'var s = "import \\"nope\\""',
      'import "after/decl"',
    ].join('\n');
    expect(parseGoFileHeader(src)).toEqual({
      complete: true,
      packageName: 'server',
      imports: [
        { path: 'fmt' },
        { path: 'log', name: 'stdlog' },
        { path: 'embed', name: '_' },
        { path: 'strings', name: '.' },
        { path: 'os' },
        { path: 'raw/path' },
        { path: 'net/http', name: 'x' },
      ],
    });
  });

  it('stops at the first declaration and survives odd input', () => {
    expect(parseGoFileHeader('package main\nfunc main() {}\nimport "x"')).toMatchObject({ packageName: 'main', imports: [] });
    expect(parseGoFileHeader('no package here')).toMatchObject({ imports: [] });
    expect(parseGoFileHeader('\uFEFFpackage p;import("a";"b")')).toMatchObject({ packageName: 'p', imports: [{ path: 'a' }, { path: 'b' }] });
    expect(parseGoFileHeader('package p\nimport (\n"a"\n')).toMatchObject({ packageName: 'p', imports: [{ path: 'a' }] });
    expect(parseGoFileHeader('package p\nimport "\\x61/b"')).toMatchObject({ packageName: 'p', imports: [{ path: 'a/b' }] });
    expect(parseGoFileHeader('package été\nimport ñ "x/y"')).toMatchObject({ packageName: 'été', imports: [{ path: 'x/y', name: 'ñ' }] });
  });

  it('says whether the header ended inside the text', () => {
    expect(parseGoFileHeader('package p\nimport "a"\nfunc F() {}').complete).toBe(true);
    expect(parseGoFileHeader('package p\nimport "a"\n').complete).toBe(false);
    expect(parseGoFileHeader('package p\nimport (\n"a"\n"b/c').complete).toBe(false);
    expect(parseGoFileHeader('package p\nimpo').complete).toBe(false);
    expect(parseGoFileHeader('package p\n/* long comment').complete).toBe(false);
  });

  it('reads a header longer than the first read whole, and a short one from the head alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-head-'));
    try {
      const imports = Array.from({ length: 2000 }, (_, i) => `\t_ "example.com/some/long/import/path/number${i}"`);
      const long = `// ${'x'.repeat(HEAD_BYTES)}\npackage big\n\nimport (\n${imports.join('\n')}\n)\n\nfunc F() {}\n`;
      fs.writeFileSync(path.join(dir, 'big.go'), long);
      const big = readGoHeader(path.join(dir, 'big.go'));
      expect(big.header).toMatchObject({ packageName: 'big', complete: true });
      expect(big.header.imports).toHaveLength(2000);
      expect(big.header.imports[1999]).toEqual({ path: 'example.com/some/long/import/path/number1999', name: '_' });
      // A header that ends within the head: the rest of a long file is not needed.
      const body = `package small\nimport "fmt"\nvar s = "${'y'.repeat(3 * HEAD_BYTES)}"\nimport "not/an/import"\n`;
      fs.writeFileSync(path.join(dir, 'small.go'), body);
      const small = readGoHeader(path.join(dir, 'small.go'));
      expect(small.header).toEqual({ packageName: 'small', imports: [{ path: 'fmt' }], complete: true });
      expect(small.content.length).toBeLessThanOrEqual(HEAD_BYTES);
      // A multi-byte character cut at the end of the head does not end the header early.
      const cut = `package u\nimport (\n${'\t"é/x"\n'.repeat(HEAD_BYTES / 4)})\nfunc F() {}\n`;
      fs.writeFileSync(path.join(dir, 'cut.go'), cut);
      expect(readGoHeader(path.join(dir, 'cut.go')).header.imports).toHaveLength(HEAD_BYTES / 4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  itIf(haveGo())('agrees with go list on a package with every import form', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-imports-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/imp\n\ngo 1.22\n');
    const files: Record<string, string> = {
      'a.go': '/* "x" */ package imp // c\n\nimport (\n\tstdlog "log"\n\t_ "embed"\n\t. "strings"; "os"\n\t// "net"\n\t`sort`\n)\nimport /* c */ h "net/http"\n\nvar _ = stdlog.Println\nvar _ = ToUpper\nvar _ = os.Args\nvar _ = sort.Ints\nvar _ = h.Get\n',
      'b.go': 'package imp\nimport "fmt"\nfunc F() { fmt.Println("import \\"bytes\\"") }\n',
    };
    for (const [n, c] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), c);
    const res = spawnSync('go', ['list', '-json', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' } });
    expect(res.stderr).toBe('');
    const want = (JSON.parse(res.stdout) as { Imports: string[] }).Imports;
    const got = new Set<string>();
    for (const c of Object.values(files)) for (const i of parseGoFileHeader(c).imports) got.add(i.path);
    expect([...got].sort()).toEqual(want);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('go.mod and go.work', () => {
  it('reads module, go, replace lines and blocks', () => {
    const m = parseGoMod(
      [
        'module "example.com/a/v2" // comment',
        'go 1.22',
        'require example.com/b v1.0.0',
        'replace example.com/b => ../b',
        'replace (',
        '  example.com/c v1.2.3 => ./third_party/c',
        '  example.com/d => example.com/e v1.0.0 // remote',
        ')',
      ].join('\n'),
    );
    expect(m).toEqual({
      module: 'example.com/a/v2',
      go: '1.22',
      replaces: [
        { oldPath: 'example.com/b', newPath: '../b' },
        { oldPath: 'example.com/c', oldVersion: 'v1.2.3', newPath: './third_party/c' },
        { oldPath: 'example.com/d', newPath: 'example.com/e', newVersion: 'v1.0.0' },
      ],
    });
    expect(parseGoWork('go 1.22\n\nuse ./a\nuse (\n\t./b // b\n\t"./c d"\n)\nreplace x.org/y => ./y\n')).toEqual({
      go: '1.22',
      use: ['./a', './b', './c d'],
      useLines: [3, 5, 6],
      replaces: [{ oldPath: 'x.org/y', newPath: './y' }],
    });
  });
});
