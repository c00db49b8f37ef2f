import { readJson, Tree } from '@nx/devkit';
import { libraryGenerator } from './generator';
import { emptyWorkspace, snapshotTree } from '../shared/test-utils';

describe('library generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = emptyWorkspace();
  });

  it('creates a library module with a package named after the project', async () => {
    await libraryGenerator(tree, { name: 'money_math', modulePath: 'example.com/money', tags: ['type:lib'] });
    expect(tree.read('libs/money-math/moneymath.go', 'utf-8')).toMatch(/^\/\/ Package moneymath is imported as example.com\/money.\npackage moneymath\n/);
    expect(tree.exists('libs/money-math/moneymath_test.go')).toBe(true);
    expect(readJson(tree, 'libs/money-math/project.json')).toMatchObject({ name: 'money-math', projectType: 'library', tags: ['type:lib'] });
  });

  it('honours --packageName and refuses an invalid or keyword one', async () => {
    await libraryGenerator(tree, { name: 'x', modulePath: 'example.com/x', packageName: 'fastx' });
    expect(tree.exists('libs/x/fastx.go')).toBe(true);
    await expect(libraryGenerator(tree, { name: 'y', modulePath: 'example.com/y', packageName: 'Fast' })).rejects.toThrow(/not a valid Go package name/);
    await expect(libraryGenerator(tree, { name: 'func', modulePath: 'example.com/f' })).rejects.toThrow(/"func" is a Go keyword.*--packageName/);
  });

  it('adds a package to an existing module, with the right import path, and extends go.work', async () => {
    await libraryGenerator(tree, { name: 'core', modulePath: 'example.com/core' });
    await libraryGenerator(tree, { name: 'util', module: 'core', directory: 'internal/util' });
    expect(tree.read('libs/core/internal/util/util.go', 'utf-8')).toContain('imported as example.com/core/internal/util.');
    await libraryGenerator(tree, { name: 'other', modulePath: 'example.com/other' });
    expect(tree.read('go.work', 'utf-8')).toMatch(/use \(\n\t\.\/libs\/core\n\t\.\/libs\/other\n\)/);
    tree.write('go.work', `${tree.read('go.work', 'utf-8')}// keep me\n`);
    await libraryGenerator(tree, { name: 'third', modulePath: 'example.com/third', skipGoWork: true });
    expect(tree.read('go.work', 'utf-8')).not.toContain('third');
    await libraryGenerator(tree, { name: 'fourth', modulePath: 'example.com/fourth' });
    expect(tree.read('go.work', 'utf-8')).toMatch(/\t\.\/libs\/other\n\t\.\/libs\/fourth\n\t\.\/libs\/third\n\)\n\/\/ keep me\n$/);
  });

  it('is idempotent', async () => {
    await libraryGenerator(tree, { name: 'core', modulePath: 'example.com/core' });
    const first = snapshotTree(tree);
    await libraryGenerator(tree, { name: 'core', modulePath: 'example.com/core' });
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('treats a reformatted project.json (as a formatter leaves it) as unchanged', async () => {
    const opts = { name: 'core', modulePath: 'example.com/core', tags: 'a,b' };
    await libraryGenerator(tree, opts);
    const reflowed = '{"name":"core","$schema":"../../node_modules/nx/schemas/project-schema.json","projectType":"library","tags":["a","b"]}';
    tree.write('libs/core/project.json', reflowed);
    await libraryGenerator(tree, opts);
    expect(tree.read('libs/core/project.json', 'utf-8')).toBe(reflowed);
    tree.write('libs/core/project.json', reflowed.replace('"a","b"', '"a"'));
    await expect(libraryGenerator(tree, opts)).rejects.toThrow(/refusing to overwrite libs\/core\/project.json/);
  });
  it('rewrites a different project.json through devkit only with --force', async () => {
    const opts = { name: 'core', modulePath: 'example.com/core', tags: 'a,b' };
    await libraryGenerator(tree, opts);
    tree.write('libs/core/project.json', '{"name":"core","projectType":"application"}');
    await libraryGenerator(tree, { ...opts, force: true });
    expect(tree.read('libs/core/project.json', 'utf-8')).toBe(
      `${JSON.stringify({ name: 'core', $schema: '../../node_modules/nx/schemas/project-schema.json', projectType: 'library', tags: ['a', 'b'] }, null, 2)}\n`,
    );
  });
});
