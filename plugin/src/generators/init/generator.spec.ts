import { readJson, readNxJson, Tree } from '@nx/devkit';
import { DEFAULT_PLATFORMS, initGenerator } from './generator';
import { loadPolicy } from '../../checks/policy';
import { emptyWorkspace, snapshotTree } from '../shared/test-utils';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = emptyWorkspace();
  });

  it('registers the plugin with the default matrix and cached target defaults', async () => {
    await initGenerator(tree, {});
    const nx = readNxJson(tree)!;
    expect(nx.plugins).toContainEqual({ plugin: '@gocross/nx', options: { platforms: [...DEFAULT_PLATFORMS] } });
    expect(DEFAULT_PLATFORMS).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64']);
    expect(nx.namedInputs?.['go']).toBeUndefined();
    expect((nx.targetDefaults!['build'] as { cache?: boolean }).cache).toBe(true);
    expect((nx.targetDefaults!['validate'] as { cache?: boolean }).cache).toBe(true);
    expect((nx.targetDefaults!['@gocross/nx:build'] as { cache?: boolean }).cache).toBe(true);
    // Inferred targets keep their own outputs ('...'); hand-written ones get the directory or file their options name.
    expect((nx.targetDefaults!['@gocross/nx:build'] as { outputs?: string[] }).outputs).toEqual([
      '...',
      '{options.outputDir}',
      '{options.outputPath}',
      '{options.outputPath}.intoto.json',
    ]);
    expect(readJson(tree, 'gocross.policy.json')).toEqual({ checks: {} });
    // the file the validate target reads accepts it
    expect(loadPolicy(tree.read('gocross.policy.json', 'utf-8')!, 'gocross.policy.json').checks).toEqual({});
    const ignore = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['/dist/', '/reports/', '/node_modules/', '/.nx/cache/', '/.nx/workspace-data/']));
  });

  it('creates nx.json when the workspace has none, and registers the plugin in it', async () => {
    tree.delete('nx.json');
    expect(readNxJson(tree)).toBeNull();
    await initGenerator(tree, {});
    const nx = readJson(tree, 'nx.json');
    expect(nx.$schema).toBe('./node_modules/nx/schemas/nx-schema.json');
    expect(nx.plugins).toContainEqual({ plugin: '@gocross/nx', options: { platforms: [...DEFAULT_PLATFORMS] } });
    // No named input of its own: the inferred targets carry theirs.
    expect(nx.namedInputs).toBeUndefined();
    // and a second run changes nothing
    const first = snapshotTree(tree);
    await initGenerator(tree, {});
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('is idempotent', async () => {
    tree.write('apps/a/go.mod', 'module example.com/a\n\ngo 1.22\n');
    tree.write('libs/b/go.mod', 'module example.com/b\n\ngo 1.23\n');
    await initGenerator(tree, {});
    const first = snapshotTree(tree);
    await initGenerator(tree, {});
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('accepts a custom matrix and normalises it', async () => {
    await initGenerator(tree, { platforms: 'linux/arm64, linux/mipsle,linux/arm64' });
    const entry = readNxJson(tree)!.plugins!.find((p) => typeof p !== 'string' && p.plugin === '@gocross/nx');
    expect(entry).toEqual({ plugin: '@gocross/nx', options: { platforms: ['linux/arm64', 'linux/mipsle'] } });
  });

  it('refuses a malformed platform', async () => {
    await expect(initGenerator(tree, { platforms: ['linux-arm64'] })).rejects.toThrow(/invalid platform "linux-arm64"/);
  });

  it('keeps an existing plugin entry, named input, target defaults, policy and ignore lines', async () => {
    const nx = readNxJson(tree)!;
    nx.plugins = ['@gocross/nx'];
    nx.namedInputs = { go: ['{projectRoot}/**/*.go'] };
    nx.targetDefaults = { build: { cache: false, dependsOn: ['^build'] }, '@gocross/nx:build': { outputs: ['{workspaceRoot}/out'] } };
    tree.write('nx.json', JSON.stringify(nx));
    tree.write('gocross.policy.json', '{"checks":{"rpath-tmp":"warn"}}');
    tree.write('.gitignore', 'node_modules\ndist\n');
    await initGenerator(tree, {});
    const after = readNxJson(tree)!;
    expect(after.plugins).toEqual(['@gocross/nx']);
    expect(after.namedInputs!['go']).toEqual(['{projectRoot}/**/*.go']);
    expect(after.targetDefaults!['build']).toEqual({ cache: false, dependsOn: ['^build'] });
    expect(after.targetDefaults!['@gocross/nx:build']).toEqual({ outputs: ['{workspaceRoot}/out'], cache: true });
    expect(readJson(tree, 'gocross.policy.json')).toEqual({ checks: { 'rpath-tmp': 'warn' } });
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\ndist\n/reports/\n/.nx/cache/\n/.nx/workspace-data/\n');
  });

  it('creates go.work for several modules with the highest go version', async () => {
    tree.write('apps/a/go.mod', 'module example.com/a\n\ngo 1.22\n');
    tree.write('libs/b/go.mod', 'module example.com/b\n\ngo 1.24.1\n');
    tree.write('node_modules/x/go.mod', 'module example.com/x\n');
    await initGenerator(tree, {});
    expect(tree.read('go.work', 'utf-8')).toBe('go 1.24.1\n\nuse (\n\t./apps/a\n\t./libs/b\n)\n');
  });

  it('extends an existing go.work, keeping its other lines', async () => {
    tree.write('apps/a/go.mod', 'module example.com/a\n\ngo 1.22\n');
    tree.write('libs/b/go.mod', 'module example.com/b\n\ngo 1.22\n');
    tree.write('go.work', 'go 1.22\n\ntoolchain go1.23.0\n\nuse ./apps/a // the app\n');
    await initGenerator(tree, {});
    expect(tree.read('go.work', 'utf-8')).toBe('go 1.22\n\ntoolchain go1.23.0\n\nuse ./apps/a // the app\n\nuse (\n\t./libs/b\n)\n');
  });

  it('leaves a single module without go.work, and honours skip flags', async () => {
    tree.write('apps/a/go.mod', 'module example.com/a\n\ngo 1.22\n');
    await initGenerator(tree, { skipPolicy: true });
    expect(tree.exists('go.work')).toBe(false);
    expect(tree.exists('gocross.policy.json')).toBe(false);
    tree.write('libs/b/go.mod', 'module example.com/b\n\ngo 1.22\n');
    await initGenerator(tree, { skipGoWork: true });
    expect(tree.exists('go.work')).toBe(false);
  });
});
