import { logger, readJson, readNxJson, Tree } from '@nx/devkit';
import { platformGenerator } from './generator';
import { initGenerator, DEFAULT_PLATFORMS as INIT_DEFAULTS } from '../init/generator';
import { libraryGenerator } from '../library/generator';
import { asmGenerator } from '../asm/generator';
import { DEFAULT_PLATFORMS } from '../../graph/options';
import { emptyWorkspace, snapshotTree } from '../shared/test-utils';

function pluginPlatforms(tree: Tree): unknown {
  const e = readNxJson(tree)!.plugins!.find((p) => typeof p !== 'string' && p.plugin === '@gocross/nx');
  return e && typeof e !== 'string' ? (e.options as { platforms: string[] }).platforms : undefined;
}

describe('platform generator', () => {
  let tree: Tree;
  beforeAll(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  beforeEach(async () => {
    tree = emptyWorkspace();
    await libraryGenerator(tree, { name: 'mathx', modulePath: 'example.com/mathx' });
  });

  it('init and the graph use the same default matrix', () => {
    expect([...INIT_DEFAULTS]).toEqual([...DEFAULT_PLATFORMS]);
  });

  it('adds a platform to the workspace matrix, once', async () => {
    await initGenerator(tree, {});
    const r = await platformGenerator(tree, { platform: 'linux/mips64le' });
    expect(r.addedTo).toBe('nx.json');
    expect(pluginPlatforms(tree)).toEqual([...DEFAULT_PLATFORMS, 'linux/mips64le']);
    const once = snapshotTree(tree);
    const again = await platformGenerator(tree, { platform: 'linux/mips64le' });
    expect(again.addedTo).toBeUndefined();
    expect(snapshotTree(tree)).toEqual(once);
  });

  it('turns a bare plugin entry into one with the default matrix plus the platform', async () => {
    tree.write('nx.json', JSON.stringify({ plugins: ['@gocross/nx'] }));
    await platformGenerator(tree, { platform: 'linux/arm/6' });
    expect(pluginPlatforms(tree)).toEqual([...DEFAULT_PLATFORMS, 'linux/arm/6']);
  });

  it('adds to a project matrix in gocross.json, starting from the workspace matrix', async () => {
    await initGenerator(tree, { platforms: 'linux/amd64,linux/arm64' });
    const r = await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' });
    expect(r.addedTo).toBe('libs/mathx/gocross.json');
    expect(readJson(tree, 'libs/mathx/gocross.json')).toEqual({ platforms: ['linux/amd64', 'linux/arm64', 'linux/riscv64'] });
    tree.write('libs/mathx/gocross.json', JSON.stringify({ cgo: true, platforms: ['linux/arm64'] }));
    await platformGenerator(tree, { platform: 'linux/arm/7', project: 'mathx' });
    expect(readJson(tree, 'libs/mathx/gocross.json')).toEqual({ cgo: true, platforms: ['linux/arm64', 'linux/arm/7'] });
    expect(pluginPlatforms(tree)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  it('lists body-less functions with no assembly for the platform, with the asm command', async () => {
    // guarded set from the asm generator: nothing missing anywhere
    await asmGenerator(tree, { project: 'mathx', signature: 'func Sum(xs []uint64) uint64' });
    expect((await platformGenerator(tree, { platform: 'linux/riscv64' })).missing).toEqual([]);
    // an unguarded declaration with amd64 assembly only
    tree.write('libs/mathx/crc.go', 'package mathx\n\n// Update is in crc_amd64.s.\nfunc Update(crc uint32, p []byte) uint32\n');
    tree.write('libs/mathx/crc_amd64.s', '#include "textflag.h"\n\nTEXT ·Update(SB), NOSPLIT, $0-36\n\tRET\n');
    const r = await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' });
    expect(r.missing).toEqual([
      expect.objectContaining({
        file: 'libs/mathx/crc.go',
        name: 'Update',
        fix: expect.stringContaining('nx g @gocross/nx:asm --project mathx --signature "func Update(crc uint32, p []byte) uint32" --arches riscv64'),
      }),
    ]);
    expect((await platformGenerator(tree, { platform: 'linux/amd64' })).missing).toEqual([]);
    const wasm = await platformGenerator(tree, { platform: 'js/wasm' });
    expect(wasm.missing[0].fix).toMatch(/wasm has no Go assembly/);
  });

  it('works with Go modules that have no project.json', async () => {
    tree.write('tools/gen/go.mod', 'module example.com/gen\n\ngo 1.22\n');
    tree.write('tools/gen/x.go', 'package gen\n\nfunc Fast(x int) int\n');
    const r = await platformGenerator(tree, { platform: 'linux/s390x', project: 'gen' });
    expect(r.addedTo).toBe('tools/gen/gocross.json');
    expect(r.missing.map((m) => `${m.project}:${m.name}`)).toEqual(['gen:Fast']);
    const all = await platformGenerator(tree, { platform: 'linux/s390x' });
    expect(all.missing.map((m) => `${m.project}:${m.name}`)).toEqual(['gen:Fast']);
  });

  it('refuses bad platforms and projects', async () => {
    await expect(platformGenerator(tree, { platform: 'linux-arm64' })).rejects.toThrow(/invalid platform "linux-arm64"/);
    await expect(platformGenerator(tree, { platform: 'beos/amd64' })).rejects.toThrow(/not a platform Go supports/);
    await expect(platformGenerator(tree, { platform: 'linux/arm64', project: 'nope' })).rejects.toThrow(/no project named "nope"/);
    tree.write('libs/mathx/gocross.json', '{ nope');
    await expect(platformGenerator(tree, { platform: 'linux/arm64', project: 'mathx' })).rejects.toThrow(/libs\/mathx\/gocross.json/);
  });
});
