import { addProjectConfiguration, readJson, Tree } from '@nx/devkit';
import { applicationGenerator } from './generator';
import { libraryGenerator } from '../library/generator';
import { installedGoVersion } from '../shared/go';
import { emptyWorkspace, removeTempDirs, run, snapshotTree, writeTreeToDisk } from '../shared/test-utils';
import { haveTools, itIf } from '../../test-utils/gates';

describe('application generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = emptyWorkspace();
  });

  it('creates a module with main package, test, tags-only project.json', async () => {
    await applicationGenerator(tree, { name: 'myApi', modulePath: 'example.com/shop/api', tags: 'scope:shop,type:app' });
    expect(tree.read('apps/my-api/go.mod', 'utf-8')).toBe(`module example.com/shop/api\n\ngo ${installedGoVersion()}\n`);
    expect(readJson(tree, 'apps/my-api/project.json')).toEqual({
      name: 'my-api',
      $schema: '../../node_modules/nx/schemas/project-schema.json',
      projectType: 'application',
      tags: ['scope:shop', 'type:app'],
    });
    expect(tree.read('apps/my-api/main.go', 'utf-8')).toContain('package main');
    expect(tree.read('apps/my-api/main_test.go', 'utf-8')).toContain('func TestGreeting');
    expect(tree.exists('go.work')).toBe(false);
  });

  it('uses a go version of at least 1.22', () => {
    const [maj, min] = installedGoVersion().split('.').map(Number);
    expect(maj * 1000 + min).toBeGreaterThanOrEqual(1022);
  });

  it('derives the module path from --modulePrefix and honours --directory and workspaceLayout', async () => {
    tree.write('nx.json', JSON.stringify({ workspaceLayout: { appsDir: 'services', libsDir: 'pkgs' } }));
    await applicationGenerator(tree, { name: 'api', modulePrefix: 'example.com/shop/' });
    expect(tree.read('services/api/go.mod', 'utf-8')).toMatch(/^module example.com\/shop\/services\/api\n/);
    await applicationGenerator(tree, { name: 'worker', directory: 'cmds/worker', modulePrefix: 'example.com/shop' });
    expect(tree.read('cmds/worker/go.mod', 'utf-8')).toMatch(/^module example.com\/shop\/cmds\/worker\n/);
    // two modules now: go.work uses both
    expect(tree.read('go.work', 'utf-8')).toBe(`go ${installedGoVersion()}\n\nuse (\n\t./cmds/worker\n\t./services/api\n)\n`);
  });

  it('raises an older go line in an existing go.work to the new module\'s go version', async () => {
    tree.write('go.work', 'go 1.22\n\nuse (\n\t./libs/old\n)\n');
    tree.write('libs/old/go.mod', 'module example.com/old\n\ngo 1.22\n');
    await applicationGenerator(tree, { name: 'api', modulePath: 'example.com/api' });
    const work = tree.read('go.work', 'utf-8')!;
    expect(work.split('\n')[0]).toBe(`go ${installedGoVersion()}`);
    expect(work).toContain('\t./apps/api');
    expect(work).toContain('\t./libs/old');
  });

  it('adds a main package to an existing module with --module', async () => {
    await libraryGenerator(tree, { name: 'core', modulePath: 'example.com/core' });
    await applicationGenerator(tree, { name: 'tool', module: 'core' });
    expect(tree.exists('libs/core/cmd/tool/main.go')).toBe(true);
    expect(tree.exists('libs/core/cmd/tool/go.mod')).toBe(false);
    expect(tree.exists('libs/core/cmd/tool/project.json')).toBe(false);
  });

  it('is idempotent and refuses to overwrite a changed file unless --force', async () => {
    const opts = { name: 'api', modulePath: 'example.com/api' };
    await applicationGenerator(tree, opts);
    const first = snapshotTree(tree);
    await applicationGenerator(tree, opts);
    expect(snapshotTree(tree)).toEqual(first);
    tree.write('apps/api/main.go', 'package main\n\nfunc main() {}\n');
    const edited = snapshotTree(tree);
    await expect(applicationGenerator(tree, opts)).rejects.toThrow(/refusing to overwrite apps\/api\/main.go.*--force/);
    expect(snapshotTree(tree)).toEqual(edited);
    await applicationGenerator(tree, { ...opts, force: true });
    expect(snapshotTree(tree)).toEqual(first);
  });

  it.each([
    ['Example.com/api', /invalid char "E" in first path element/],
    ['api', /missing dot in first path element/],
    ['example.com//api', /double slash/],
    ['example.com/api/', /trailing slash/],
    ['-x.com/api', /leading dash/],
    ['example.com/a b', /invalid char " "/],
    ['example.com/.hidden', /leading dot in path element/],
    ['example.com/api.', /trailing dot/],
    ['example.com/con', /disallowed as path element component on Windows/],
    ['example.com/PROGRA~1', /trailing tilde and digits/],
    ['example.com/api/v1', /invalid major version/],
    ['example.com/api/v02', /invalid major version/],
    ['example.com/api/v1.2', /invalid major version/],
  ])('rejects module path %s with the reason', async (modulePath, reason) => {
    await expect(applicationGenerator(tree, { name: 'api', modulePath })).rejects.toThrow(reason);
  });

  it.each(['example.com/api/v2', 'gopkg.in/yaml.v3', 'github.com/Org/Repo_x~y', 'example.com/a-b.c/d'])(
    'accepts module path %s',
    async (modulePath) => {
      await applicationGenerator(tree, { name: 'api', modulePath });
      expect(tree.read('apps/api/go.mod', 'utf-8')).toContain(`module ${modulePath}\n`);
    },
  );

  it('refuses bad options with clear errors', async () => {
    await expect(applicationGenerator(tree, { name: 'api' })).rejects.toThrow(/--modulePath .* or --modulePrefix/);
    await expect(applicationGenerator(tree, { name: '9lives', modulePath: 'example.com/x' })).rejects.toThrow(/invalid name "9lives"/);
    await expect(applicationGenerator(tree, { name: 'api', modulePath: 'example.com/x', directory: '../out' })).rejects.toThrow(/relative path inside the workspace/);
    await expect(applicationGenerator(tree, { name: 'api', module: 'nope' })).rejects.toThrow(/no project named "nope"/);
    await expect(applicationGenerator(tree, { name: 'api', modulePath: 'example.com/x', packageName: 'api' })).rejects.toThrow(/package main/);
    addProjectConfiguration(tree, 'web', { root: 'apps/web' });
    await expect(applicationGenerator(tree, { name: 'tool', module: 'web' })).rejects.toThrow(/not in a Go module/);
    await expect(applicationGenerator(tree, { name: 'tool', module: 'web', modulePath: 'example.com/x' })).rejects.toThrow(/do not apply/);
    addProjectConfiguration(tree, 'api', { root: 'other/api' });
    await expect(applicationGenerator(tree, { name: 'api', modulePath: 'example.com/x' })).rejects.toThrow(/"api" already exists at other\/api/);
  });

  it('refuses to nest a module inside another one', async () => {
    await libraryGenerator(tree, { name: 'core', modulePath: 'example.com/core' });
    await expect(applicationGenerator(tree, { name: 'x', directory: 'libs/core/x', modulePath: 'example.com/x' })).rejects.toThrow(
      /inside the Go module example.com\/core.*--module/,
    );
    // The command the message names, with the options it gives, adds the package to that module.
    const err = await applicationGenerator(tree, { name: 'x', directory: 'libs/core/x', modulePath: 'example.com/x' }).catch((e: Error) => e.message);
    const m = /nx g @gocross\/nx:application (\S+) --module (\S+) --directory (\S+) adds a package to it/.exec(String(err));
    expect(m).not.toBeNull();
    expect(String(err)).not.toMatch(/<[a-z]+>/);
    await applicationGenerator(tree, { name: m![1], module: m![2], directory: m![3] });
    expect(tree.exists('libs/core/x/main.go')).toBe(true);
    expect(tree.exists('libs/core/x/go.mod')).toBe(false);
  });

  describe('generated code, for real', () => {
    let dir: string;
    const itGo = itIf(haveTools('go', 'gofmt'));
    beforeAll(async () => {
      const t = emptyWorkspace();
      await applicationGenerator(t, { name: 'api', modulePrefix: 'example.com/shop' });
      await libraryGenerator(t, { name: 'money-math', modulePrefix: 'example.com/shop' });
      await applicationGenerator(t, { name: 'tool', module: 'money-math' });
      await libraryGenerator(t, { name: 'sub', module: 'api', directory: 'internal/sub' });
      dir = writeTreeToDisk(t);
    });

    itGo('is gofmt-clean', () => {
      const r = run('gofmt', ['-l', '.'], dir);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('');
    });

    itGo('vets and passes its tests in the go.work workspace', () => {
      const env = { GOWORK: `${dir}/go.work`, GOFLAGS: '' };
      const pkgs = ['example.com/shop/apps/api/...', 'example.com/shop/libs/money-math/...'];
      const vet = run('go', ['vet', ...pkgs], dir, env);
      expect(vet.stderr).toBe('');
      const test = run('go', ['test', ...pkgs], dir, env);
      expect(test.status).toBe(0);
      expect(test.stdout).toMatch(/ok\s+example.com\/shop\/apps\/api\s/);
      expect(test.stdout).toMatch(/ok\s+example.com\/shop\/libs\/money-math\s/);
      expect(test.stdout).toMatch(/ok\s+example.com\/shop\/libs\/money-math\/cmd\/tool\s/);
      expect(test.stdout).toMatch(/ok\s+example.com\/shop\/apps\/api\/internal\/sub\s/);
    });
  });
});

afterAll(() => removeTempDirs());
