import { dirname, joinPath } from './files';

describe('generator paths', () => {
  it.each([
    [[''], ''],
    [['.'], ''],
    [['a', 'b'], 'a/b'],
    [['./a/'], 'a'],
    [['a', '../b'], 'b'],
    [['a/./b//c'], 'a/b/c'],
    [['', 'go.mod'], 'go.mod'],
    [['..', 'x'], 'x'],
    [['/abs', 'x'], 'abs/x'],
    [['apps/api', 'gocross.json'], 'apps/api/gocross.json'],
  ])('joinPath(%j) = %j', (parts, want) => {
    expect(joinPath(...parts)).toBe(want);
  });

  it('dirname of a top-level path is the root ""', () => {
    expect(dirname('go.mod')).toBe('');
    expect(dirname('apps/api/go.mod')).toBe('apps/api');
  });
});
