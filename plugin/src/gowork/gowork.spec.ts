import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageClause } from './header';
import { isIgnoredDirName, isIgnoredPath } from './ignore';
import { formatModFileProblems, parseGoMod, parseGoWork } from './modfile';
import { readProjectSources } from './sources';
import { readGoString, splitGoLine } from './tokens';
import { haveGo, itIf } from '../test-utils/gates';

describe('gowork tokens', () => {
  it('reads interpreted and raw strings with Go escapes', () => {
    expect(readGoString('"a\\tb\\x41\\u00e9\\101\\"" rest', 0)).toEqual({ value: 'a\tbAéA"', end: 22, closed: true });
    expect(readGoString('`raw\\n`', 0)).toEqual({ value: 'raw\\n', end: 7, closed: true });
    expect(readGoString('"open', 0).closed).toBe(false);
  });

  it('splits modfile lines (comments, parens) and embed lines (neither)', () => {
    expect(splitGoLine('replace ( "a b" => ./c ) // x', { lineComments: true, parens: true }).tokens).toEqual(['replace', '(', 'a b', '=>', './c', ')']);
    expect(splitGoLine(' static/* "a b" `c`').tokens).toEqual(['static/*', 'a b', 'c']);
    expect(splitGoLine('a//b (c)').tokens).toEqual(['a//b', '(c)']);
    expect(splitGoLine('module "x', { lineComments: true, parens: true }).unterminated).toBe(true);
  });
});

describe('gowork modfile problems', () => {
  it('a valid file has none', () => {
    expect(parseGoMod('module m\n\ngo 1.22.3\ntoolchain go1.23.0\nrequire (\n\tx.org/y v1.0.0\n)\n').problems).toBeUndefined();
    expect(parseGoWork('go 1.23rc1\nuse (\n\t./a\n)\n').problems).toBeUndefined();
  });

  it('lists what go rejects, with line numbers, and still reads the rest', () => {
    const m = parseGoMod('module a b\ngo one\nfrob x\nrequire (\n\tx.org/y v1.0.0\n');
    expect(m.module).toBe('a');
    expect(formatModFileProblems('a/go.mod', m.problems!)).toBe(
      [
        'a/go.mod:1: usage: module module/path',
        "a/go.mod:2: invalid go version 'one': must match format 1.23.0",
        'a/go.mod:3: unknown directive: frob',
        'a/go.mod:4: require block is not closed: missing )',
      ].join('\n'),
    );
    expect(parseGoWork('module m\nuse ./a\n').problems).toEqual([{ line: 1, message: 'unknown directive: module' }]);
    expect(parseGoMod(')\n').problems).toEqual([{ line: 1, message: 'unexpected )' }]);
  });
});

describe('gowork ignore rule', () => {
  it('is what go ignores, plus the names a caller adds', () => {
    for (const d of ['testdata', 'vendor', '.git', '_old']) expect(isIgnoredDirName(d)).toBe(true);
    expect(isIgnoredDirName('vendor', { vendor: false })).toBe(false);
    expect(isIgnoredDirName('node_modules')).toBe(false);
    expect(isIgnoredDirName('node_modules', { also: ['node_modules'] })).toBe(true);
    expect(isIgnoredPath('a/testdata/x.go')).toBe(true);
    expect(isIgnoredPath('a/_x.go')).toBe(true);
    expect(isIgnoredPath('a/b/x.go')).toBe(false);
  });
});

describe('gowork package clause', () => {
  it('skips comments, BOM and build lines; none in a comment counts', () => {
    expect(packageClause('\ufeff// x\n/* y\npackage no\n*/ package  main // z\n')).toBe('main');
    expect(packageClause('//go:build linux\n\npackage foo_bar\n')).toBe('foo_bar');
    expect(packageClause('/* unterminated')).toBeUndefined();
    expect(packageClause('func main() {}')).toBeUndefined();
  });
});

/** Writes [path, content] pairs below root. */
function writeFiles(root: string, entries: [string, string][]): void {
  entries.forEach(([rel, content]) => {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  });
}

describe('gowork readProjectSources', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gowork-src-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const files = ['go.mod', 'a.go', 'a_amd64.s', 'b.S', '_x.go', 'testdata/t.go', 'vendor/v.go', 'node_modules/n.go', 'dist/d.go', 'tmp/t.go', '_old/o.go', '.git/g.go', 'nested/go.mod', 'nested/n.go'];
  writeFiles(root, files.map((f) => [f, f]));
  const paths = (o?: Parameters<typeof readProjectSources>[1]) => readProjectSources(root, o).map((f) => f.path).sort();

  it('reads .go and .s files go builds by default', () => {
    expect(paths()).toEqual(['a.go', 'a_amd64.s', 'nested/n.go', 'tmp/t.go']);
    expect(readProjectSources(root).find((f) => f.path === 'a.go')?.content).toBe('a.go');
  });

  it('options say what else a caller wants', () => {
    expect(paths({ skipNestedModules: true, also: ['node_modules', 'dist', 'tmp'] })).toEqual(['a.go', 'a_amd64.s']);
    expect(paths({ extensions: ['.go', '.s', '.S'], moduleFiles: true, keepGoIgnored: true })).toEqual([
      '_old/o.go',
      '_x.go',
      'a.go',
      'a_amd64.s',
      'b.S',
      'go.mod',
      'nested/go.mod',
      'nested/n.go',
      'tmp/t.go',
    ]);
  });
});

describe('gowork ignore rule against go list', () => {
  itIf(haveGo())('reads the files `go list ./...` reads when no extra directories are skipped', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gowork-golist-'));
    try {
      const pkg = (f: string): [string, string] => [f, 'package p\n'];
      writeFiles(root, [
        ['go.mod', 'module m\n\ngo 1.22\n'],
        ...['a', 'vendor/v', 'testdata', '_u', '.h', 'node_modules/n', 'dist/d', 'nested'].map((d) => pkg(`${d}/p.go`)),
        pkg('_f.go'),
        pkg('a/.g.go'),
        ['nested/go.mod', 'module m/nested\n'],
      ]);
      const r = spawnSync('go', ['list', '-f', '{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}\n{{end}}', './...'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off', GOTOOLCHAIN: 'local' },
      });
      expect(r.stderr).toBe('');
      const real = fs.realpathSync(root);
      const listed = r.stdout.split('\n').filter(Boolean).map((f) => path.relative(real, f).split(path.sep).join('/')).sort();
      expect(listed).toEqual(['a/p.go', 'dist/d/p.go', 'node_modules/n/p.go']);
      const ours = readProjectSources(root, { also: [], skipNestedModules: true }).map((f) => f.path).sort();
      expect(ours).toEqual(listed);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
