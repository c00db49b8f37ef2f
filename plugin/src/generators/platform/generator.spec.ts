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

  it('lists body-less functions with no assembly for the platform, with what to do', async () => {
    // guarded set from the asm generator: nothing missing anywhere
    await asmGenerator(tree, { project: 'mathx', signature: 'func Sum(xs []uint64) uint64' });
    expect((await platformGenerator(tree, { platform: 'linux/riscv64' })).missing).toEqual([]);
    // an unguarded declaration with amd64 assembly only
    tree.write('libs/mathx/crc.go', 'package mathx\n\n// Update is in crc_amd64.s.\nfunc Update(crc uint32, p []byte) uint32\n');
    tree.write('libs/mathx/crc_amd64.s', '#include "textflag.h"\n\nTEXT ·Update(SB), NOSPLIT, $0-36\n\tRET\n');
    const r = await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' });
    expect(r.missing).toEqual([
      {
        project: 'mathx',
        dir: 'libs/mathx',
        file: 'libs/mathx/crc.go',
        line: 4,
        name: 'Update',
        signature: 'func Update(crc uint32, p []byte) uint32',
        fix:
          'add crc_riscv64.s with TEXT ·Update(SB), or build the declaration in crc.go only where assembly exists (//go:build amd64) ' +
          'and define Update with a Go body in a new crc_generic.go with //go:build !amd64',
      },
    ]);
    expect((await platformGenerator(tree, { platform: 'linux/amd64' })).missing).toEqual([]);
    const wasm = await platformGenerator(tree, { platform: 'js/wasm' });
    expect(wasm.missing.map((m) => m.fix)).toEqual([expect.stringMatching(/^add crc_wasm\.s with TEXT ·Update\(SB\), or build the declaration in crc\.go only where/)]);
  });

  it('a hand-written <base>_decl.go without the fallback of a generated set gets the file fix, not the asm command', async () => {
    tree.write('libs/mathx/crc_decl.go', 'package mathx\n\nfunc Update(crc uint32, p []byte) uint32\n');
    tree.write('libs/mathx/crc_amd64.s', '#include "textflag.h"\n\nTEXT ·Update(SB), NOSPLIT, $0-36\n\tRET\n');
    const [m] = (await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' })).missing;
    expect(m.fix).toMatch(/^add crc_riscv64\.s with TEXT ·Update\(SB\), or build the declaration in crc_decl\.go only where/);
  });

  it('functions with bodies are never reported, whatever their shape', async () => {
    tree.write(
      'libs/mathx/shapes.go',
      [
        'package mathx',
        '',
        '// func Fake() {',
        'func One() int { return 1 }',
        'func Id[T any](x T) T { return x }',
        'type T struct{}',
        'func (t *T) M(a, b int) (int, error) { return a + b, nil }',
        'func Multi(',
        '\ta int,',
        '\tb string,',
        ') int { return a + len(b) }',
        'func Brace() string { return "}{" }',
        "func Rune() rune { return '{' }",
        'func Raw() string { return `}',
        'func Inner() {',
        '` }',
        'func F() func() int { return func() int { return 2 } }',
        '',
      ].join('\n'),
    );
    expect((await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' })).missing).toEqual([]);
  });

  it('a set of the asm generator whose declaration lost its guard: the printed asm command adds the arch', async () => {
    await asmGenerator(tree, { project: 'mathx', signature: 'func Dot(a, b []float64) float64', arches: 'amd64', file: 'vec' });
    // Hand edit: the declaration is now built on riscv64, which has no assembly.
    const decl = tree.read('libs/mathx/vec_decl.go', 'utf-8')!;
    tree.write('libs/mathx/vec_decl.go', decl.replace(/^\/\/go:build .*$/m, '//go:build !purego'));
    const fallback = tree.read('libs/mathx/vec_fallback.go', 'utf-8')!;
    tree.write('libs/mathx/vec_fallback.go', fallback.replace(/^\/\/go:build .*$/m, '//go:build purego'));
    const [m, ...rest] = (await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' })).missing;
    expect(rest).toEqual([]);
    expect(m.fix).toBe('run: nx g @gocross/nx:asm --project mathx --file vec --signature "func Dot(a, b []float64) float64" --arches riscv64');
    // Run what it says (the CLI parses the same flags into these options).
    const argv = /--project (\S+) --file (\S+) --signature "([^"]+)" --arches (\S+)$/.exec(m.fix)!;
    await asmGenerator(tree, { project: argv[1], file: argv[2], signature: argv[3], arches: argv[4] });
    expect(tree.exists('libs/mathx/vec_riscv64.s')).toBe(true);
    expect((await platformGenerator(tree, { platform: 'linux/riscv64', project: 'mathx' })).missing).toEqual([]);
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
