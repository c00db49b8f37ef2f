import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePlatform } from '../platforms/platform';
import { embedPatterns, MAX_LISTED_EMBED_FILES, resolveEmbedPatterns } from './embed';
import { embedInputs, goFileInputs, platformExclusionGlobs } from './inputs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { matchGlobPaths } = require('nx/src/native') as { matchGlobPaths(globs: string[], paths: string[]): boolean[] };

function tree(files: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-embed-'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), f);
  }
  return root;
}

describe('//go:embed', () => {
  it('reads the patterns of directive lines only, bare and quoted', () => {
    const src = [
      'package p',
      'import _ "embed"',
      '//go:embed a.txt "b c.txt" `d.txt`',
      'var a string',
      '\t//go:embed all:static',
      '// //go:embed not-a-directive',
      'var s = "//go:embed in a string"',
      '//go:embedded nope',
    ].join('\n');
    expect(embedPatterns(src)).toEqual(['a.txt', 'b c.txt', 'd.txt', 'all:static']);
  });

  it('resolves files, globs and directories as go does', () => {
    const root = tree([
      'a.txt', '.hidden.txt', '_under.txt', 'img/x.png', 'img/.dot', 'img/_u.png', 'img/sub/y.png', 'img/_skip/z.png',
      'img/.git/config', 'img/mod/go.mod', 'img/mod/w.png', 'tmpl/a.tmpl', 'tmpl/b.tmpl', 'tmpl/c.txt',
    ]);
    expect(resolveEmbedPatterns(root, ['a.txt'])).toEqual(['a.txt']);
    // A file named by the pattern is embedded whatever its name.
    expect(resolveEmbedPatterns(root, ['.hidden.txt', '_under.txt'])).toEqual(['.hidden.txt', '_under.txt']);
    expect(resolveEmbedPatterns(root, ['tmpl/*.tmpl'])).toEqual(['tmpl/a.tmpl', 'tmpl/b.tmpl']);
    // A directory: no `.`/`_` names, no other module, no VCS directory.
    expect(resolveEmbedPatterns(root, ['img'])).toEqual(['img/sub/y.png', 'img/x.png']);
    // all: keeps `.` and `_` names.
    expect(resolveEmbedPatterns(root, ['all:img'])).toEqual(['img/.dot', 'img/_skip/z.png', 'img/_u.png', 'img/sub/y.png', 'img/x.png']);
    // Patterns go rejects, and patterns matching nothing, add nothing.
    expect(resolveEmbedPatterns(root, ['../x', '/abs', 'img/', 'nope/*'])).toEqual([]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lists a very large directory as one glob', () => {
    const root = tree(Array.from({ length: MAX_LISTED_EMBED_FILES + 5 }, (_, i) => `big/f${i}.txt`));
    expect(resolveEmbedPatterns(root, ['big'])).toEqual(['big/**']);
    expect(matchGlobPaths(embedInputs(['big/**'], 'm'), ['m/big/f1.txt', 'm/big/d/f.txt', 'm/other.txt'])).toEqual([true, true, false]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('embedded files stay inputs whatever their name; foreign sources still drop out (Nx glob engine)', () => {
    const linux = parsePlatform('linux/arm64');
    const globs = [
      ...goFileInputs(undefined, 'm'),
      ...platformExclusionGlobs(linux, 'm', true),
      ...embedInputs(['static/logo_windows.png', 'static/app_darwin.css'], 'm'),
    ];
    const files = ['m/static/logo_windows.png', 'm/static/app_darwin.css', 'm/x_windows.go', 'm/x_windows.pb.go', 'm/y_amd64.s', 'm/z_linux.go', 'm/README.md'];
    expect(matchGlobPaths(globs, files)).toEqual([true, true, false, false, false, true, false]);
  });
});
