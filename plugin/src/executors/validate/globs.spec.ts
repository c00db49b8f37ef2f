import { globMatcher } from './executor';

/** The hand-written translation the picomatch matcher replaced: the reference for ordinary globs. */
function previousGlobToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end > i) {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&'))
          .join('|')})`;
        i = end;
      } else re += '\\{';
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const GLOBS = [
  '*.a',
  '**/*.a',
  '**/*.syso',
  'x/*/?.a',
  '*.{syso,a}',
  'lib/**',
  'lib/**/*.so',
  'prebuilt/libfoo.a',
  'bin/*',
  '?.a',
  '**',
  '**/.hidden.a',
  'x/**/c.a',
  'dir.with.dots/*.a',
  'a+b/*.a',
  '{x,lib}/**/*.{a,so}',
  '[x].a',
];
const FILES = [
  'a.a',
  'b.a',
  'ab.a',
  '.hidden.a',
  'a.syso',
  'x/b.a',
  'x/y/c.a',
  'x/y/z/c.a',
  'x/.d/c.a',
  'lib/libfoo.so',
  'lib/sub/libbar.so',
  'lib/sub/deeper/x.a',
  'prebuilt/libfoo.a',
  'prebuiltXlibfoo.a',
  'bin/tool',
  'bin/sub/tool',
  'dir.with.dots/a.a',
  'dirXwithXdots/a.a',
  'a+b/c.a',
  '[x].a',
  'x.a',
];

describe('validate files globs (picomatch)', () => {
  it.each(GLOBS)('%s matches what the previous translation matched', (glob) => {
    const re = previousGlobToRegExp(glob);
    const m = globMatcher([glob]);
    expect(FILES.filter(m)).toEqual(FILES.filter((f) => re.test(f)));
  });

  it('*, **, ? and braces', () => {
    const m = (g: string) => FILES.filter(globMatcher([g]));
    expect(m('*.a')).toEqual(['a.a', 'b.a', 'ab.a', '.hidden.a', 'prebuiltXlibfoo.a', '[x].a', 'x.a']);
    expect(m('x/**/c.a')).toEqual(['x/y/c.a', 'x/y/z/c.a', 'x/.d/c.a']);
    expect(m('?.a')).toEqual(['a.a', 'b.a', 'x.a']);
    expect(m('*.{syso,a}')).toContain('a.syso');
    expect(globMatcher([])('a.a')).toBe(false);
    expect(globMatcher(['*.syso', '*.a'])('a.a')).toBe(true);
  });
});
