import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CreateNodesContext, ProjectConfiguration } from '@nx/devkit';
import { createNodes } from '../index';
import { createGoNodes } from './create-nodes';
import { emptyWorkspace } from '../generators/shared/test-utils';
import { readNxJson } from '@nx/devkit';
import { initGenerator } from '../generators/init/generator';
import type { GocrossPluginOptions } from './options';
import { emulatorInput } from './targets';
import { GO_ENV_RUNTIME, goFileInputs, platformExclusionGlobs } from './inputs';
import { parsePlatform, platformSlug } from '../platforms/platform';
import { resolveCToolchain } from '../platforms/toolchain';
import { writeTempTree } from '../test-utils/tree';
import { haveGo, itIf } from '../test-utils/gates';
import { CGO_ENV_PASSTHROUGH } from '../executors/shared/go';

type Files = Record<string, string>;

const workspace = (files: Files): string => writeTempTree('gocross-nodes-', files);

const LINUX_AMD64 = { goos: 'linux', goarch: 'amd64' };
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

async function infer(files: Files, options?: GocrossPluginOptions, cache = false): Promise<Record<string, ProjectConfiguration>> {
  const root = workspace(files);
  roots.push(root);
  const goMods = Object.keys(files).filter((f) => f === 'go.mod' || f.endsWith('/go.mod'));
  const ctx: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
  const res = await createGoNodes(goMods, options, ctx, { cache, host: LINUX_AMD64 });
  const out: Record<string, ProjectConfiguration> = {};
  for (const [, r] of res) for (const [pr, cfg] of Object.entries(r.projects ?? {})) out[pr] = { root: pr, ...cfg } as ProjectConfiguration;
  return out;
}

const main = (pkg = 'main') => `package ${pkg}\n\nfunc main() {}\n`;

describe('createNodes', () => {
  it('is registered for go.mod files', () => {
    expect(createNodes[0]).toBe('**/go.mod');
  });

  it('loading the plugin and inferring a project does not load @nx/devkit (most of Nx, ~150 ms in the plugin worker)', async () => {
    const root = workspace({ 'go.mod': 'module example.com/m\n', 'main.go': main() });
    roots.push(root);
    let loaded = false;
    await jest.isolateModulesAsync(async () => {
      jest.doMock('@nx/devkit', () => {
        loaded = true;
        return jest.requireActual('@nx/devkit');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const plugin = require('../index') as typeof import('../index');
      const res = await plugin.createNodes[1](['go.mod'], {}, { workspaceRoot: root, nxJsonConfiguration: {} });
      expect(Object.keys(res[0][1].projects ?? {})).toEqual(['.']);
    });
    expect(loaded).toBe(false);
  });

  it("with init's build target default in nx.json, inferred build targets leave the option outputs to it (listed once, not twice)", async () => {
    const root = workspace({ 'go.mod': 'module example.com/m\n', 'main.go': main() });
    roots.push(root);
    const tree = emptyWorkspace();
    await initGenerator(tree, { skipFormat: true, skipGoWork: true, skipPolicy: true });
    const nxJsonConfiguration = readNxJson(tree)!;
    const outputsOf = async (nx: object) =>
      (await createGoNodes(['go.mod'], {}, { workspaceRoot: root, nxJsonConfiguration: nx }, { cache: false, host: LINUX_AMD64 }))[0][1].projects!['.'].targets!['build-linux-arm64'].outputs;
    const withInit = await outputsOf(nxJsonConfiguration);
    expect(withInit).toEqual(['{workspaceRoot}/dist/{projectRoot}/linux-arm64']);
    // What Nx makes of it: the default's "..." is the inferred list, then the option outputs, once.
    const merged = (nxJsonConfiguration.targetDefaults!['@gocross/nx:build'] as { outputs: string[] }).outputs.flatMap((o) => (o === '...' ? withInit! : [o]));
    expect(merged).toEqual(await outputsOf({}));
  });

  it('single main module: targets per platform of the default matrix, host build, aliases, validate, test, run, doctor', async () => {
    const p = await infer({ 'apps/api/go.mod': 'module example.com/shop/api\n\ngo 1.22\n', 'apps/api/main.go': main() });
    const api = p['apps/api'];
    expect(api.name).toBe('api');
    expect(api.projectType).toBe('application');
    const names = Object.keys(api.targets!).sort();
    for (const slug of ['linux-amd64', 'linux-arm64', 'linux-arm-7', 'linux-riscv64', 'darwin-arm64', 'windows-amd64']) {
      expect(names).toEqual(expect.arrayContaining([`build-${slug}`, `validate-${slug}`, `test-${slug}`, `run-${slug}`]));
    }
    const t = api.targets!;
    expect(t['build-linux-arm-7']).toMatchObject({
      executor: '@gocross/nx:build',
      options: { goos: 'linux', goarch: 'arm', goarm: '7', main: '.' },
      outputs: ['{workspaceRoot}/dist/{projectRoot}/linux-arm-7', '{options.outputDir}', '{options.outputPath}', '{options.outputPath}.intoto.json'],
      cache: true,
    });
    expect(t['build-linux-arm-7'].inputs).toEqual(
      expect.arrayContaining(['gocross-build-linux-arm-7', '^gocross-build-linux-arm-7', 'gocross-env']),
    );
    expect(api.namedInputs!['gocross-env']).toEqual(
      expect.arrayContaining([{ env: 'GOFLAGS' }, { runtime: GO_ENV_RUNTIME }, '{workspaceRoot}/go.work', '{workspaceRoot}/go.work.sum']),
    );
    expect(api.namedInputs!['gocross-env']).not.toContainEqual({ env: 'CC' });
    expect(t['test-linux-arm-7'].inputs).toEqual(expect.arrayContaining(['gocross-linux-arm-7', '^gocross-build-linux-arm-7']));
    // Whether qemu is installed decides whether foreign tests run or are only compiled.
    expect(t['test-linux-arm-7'].inputs).toContainEqual({ runtime: 'command -v qemu-arm || echo none' });
    expect(t['test-linux-riscv64'].inputs).toContainEqual({ runtime: 'command -v qemu-riscv64 || echo none' });
    expect(emulatorInput(parsePlatform('linux/arm64'), { goos: 'darwin', goarch: 'arm64' })).toEqual([]);
    expect(emulatorInput(parsePlatform('linux/386'), LINUX_AMD64)).toEqual([]);
    expect(emulatorInput(parsePlatform('linux/s390x'), LINUX_AMD64)).toEqual([{ runtime: 'command -v qemu-s390x || echo none' }]);
    for (const native of ['test-linux-amd64', 'test-darwin-arm64', 'test-windows-amd64']) {
      expect(t[native].inputs!.filter((i) => typeof i === 'object' && 'runtime' in i && i.runtime.includes('qemu'))).toEqual([]);
    }
    expect(api.namedInputs!['gocross']).toEqual(expect.arrayContaining(['{projectRoot}/go.mod', '{projectRoot}/go.sum']));
    expect(api.namedInputs!['gocross-build-linux-arm-7']).toEqual(['gocross-linux-arm-7', '!{projectRoot}/**/*_test.go']);
    // A platform's input: the Go files, less those named for another OS and for another arch
    // (named inputs shared by the platforms with that OS or arch).
    expect(api.namedInputs!['gocross-linux-arm-7']).toEqual(['gocross', 'gocross-os-linux', 'gocross-arch-arm']);
    expect(api.namedInputs!['gocross-arch-arm']).toEqual(['!{projectRoot}/**/*_{386,amd64,amd64p32,arm64,arm64be,armbe,loong64,mips,mips64,mips64le,mips64p32,mips64p32le,mipsle,ppc,ppc64,ppc64le,riscv,riscv64,s390,s390x,sparc,sparc64,wasm}{,_test}.*']);
    const expand = (name: string): unknown[] => api.namedInputs![name].flatMap((i) => (typeof i === 'string' && api.namedInputs![i] ? expand(i) : [i]));
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'].map(parsePlatform)) {
      expect(expand(`gocross-${platformSlug(p)}`)).toEqual([...goFileInputs(undefined), ...platformExclusionGlobs(p)]);
    }
    expect(t['build']).toMatchObject({ options: { goos: 'linux', goarch: 'amd64', main: '.' } });
    // arm64 is both linux and darwin in the default matrix: the linux one gets the alias, noted in build-all.
    expect(t['build-arm64']).toMatchObject({ executor: 'nx:noop', dependsOn: ['build-linux-arm64'] });
    expect(t['build-riscv64']).toMatchObject({ dependsOn: ['build-linux-riscv64'] });
    expect(t['build-all']).toMatchObject({ executor: 'nx:noop' });
    expect(t['build-all'].dependsOn).toHaveLength(6);
    expect(t['build-all'].metadata!.description).toMatch(/build-arm64 → linux\/arm64/);
    expect(t['validate-linux-arm64']).toMatchObject({
      executor: '@gocross/nx:validate',
      options: { buildTarget: 'build-linux-arm64' },
      dependsOn: ['build-linux-arm64'],
      outputs: ['{workspaceRoot}/reports/gocross/{projectName}/linux-arm64'],
      cache: true,
    });
    expect(t['validate']).toMatchObject({ options: { buildTargets: t['build-all'].dependsOn }, outputs: ['{workspaceRoot}/reports/gocross/{projectName}/all'] });
    expect(t['test-linux-arm-7']).toMatchObject({ executor: '@gocross/nx:test', options: { goos: 'linux', goarch: 'arm', goarm: '7' }, cache: true });
    expect(t['run-windows-amd64']).toMatchObject({ executor: '@gocross/nx:run', options: { buildTarget: 'build-windows-amd64' } });
    expect(t['doctor']).toMatchObject({ executor: '@gocross/nx:doctor', options: { platforms: expect.arrayContaining(['linux/arm/7']) } });
  });

  it('several mains (cmd/* and any package main dir), skipping testdata, vendor, _ and . dirs, nested modules and ignored generators', async () => {
    const p = await infer({
      'tool/go.mod': 'module example.com/tool/v2\n',
      'tool/lib.go': 'package tool\n',
      'tool/gen.go': '//go:build ignore\n\npackage main\n\nfunc main() {}\n',
      'tool/cmd/a/main.go': main(),
      'tool/cmd/b/b.go': main(),
      'tool/cmd/b/b_test.go': 'package main_test\n',
      'tool/tools/c/c.go': main(),
      'tool/testdata/x/main.go': main(),
      'tool/vendor/v/main.go': main(),
      'tool/_old/main.go': main(),
      'tool/.hidden/main.go': main(),
      'tool/nested/go.mod': 'module example.com/nested\n',
      'tool/nested/main.go': main(),
      'tool/internal/only_test/x_test.go': 'package main\n',
    });
    expect(p['tool'].name).toBe('tool');
    expect(p['tool'].targets!['build-linux-amd64'].options.main).toEqual(['./cmd/a', './cmd/b', './tools/c']);
    expect(p['tool/nested'].targets!['build-linux-amd64'].options.main).toBe('.');
  });

  it('library module: compile-only builds without outputs, validate kept, no run targets', async () => {
    const p = await infer({ 'libs/mathx/go.mod': 'module example.com/mathx\n', 'libs/mathx/add.go': 'package mathx\n', 'libs/mathx/main_test.go': 'package main\n' });
    const lib = p['libs/mathx'];
    expect(lib.projectType).toBe('library');
    expect(lib.targets!['build-linux-arm64']).toMatchObject({ options: { goos: 'linux', goarch: 'arm64', compileOnly: true }, outputs: [] });
    expect(lib.targets!['build-linux-arm64'].options.main).toBeUndefined();
    expect(lib.targets!['validate-linux-arm64']).toBeDefined();
    expect(lib.targets!['validate']).toBeDefined();
    expect(Object.keys(lib.targets!).some((n) => n.startsWith('run-'))).toBe(false);
  });

  it('go.work: only used modules are projects; skipped dirs never are', async () => {
    const p = await infer({
      'go.work': 'go 1.22\n\nuse (\n\t./a\n\t./b\n)\n',
      'a/go.mod': 'module example.com/a\n',
      'a/a.go': 'package a\n',
      'b/go.mod': 'module example.com/b\n',
      'b/b.go': 'package b\n',
      'c/go.mod': 'module example.com/c\n',
      'node_modules/x/go.mod': 'module x\n',
    });
    expect(Object.keys(p).sort()).toEqual(['a', 'b']);
    const q = await infer({
      'a/go.mod': 'module example.com/a\n',
      'c/go.mod': 'module example.com/c\n',
      'node_modules/x/go.mod': 'module x\n',
      'a/testdata/m/go.mod': 'module t\n',
      'dist/a/go.mod': 'module d\n',
      '_tmp/go.mod': 'module u\n',
      '.cache/go.mod': 'module h\n',
    });
    expect(Object.keys(q).sort()).toEqual(['a', 'c']);
  });

  it('nx.json options: matrix, prefix, cgo; aliases absent when an arch is ambiguous, with the reason', async () => {
    const p = await infer(
      { 'go.mod': 'module example.com/hello\n', 'main.go': main() },
      { platforms: ['linux/arm/6', 'linux/arm/7', 'linux/arm64', 'linux/mipsle'], targetPrefix: 'go-', cgo: true },
    );
    const t = p['.'].targets!;
    expect(p['.'].name).toBe('hello');
    expect(t['go-build-arm']).toBeUndefined();
    expect(t['go-build-arm64']).toMatchObject({ dependsOn: ['go-build-linux-arm64'] });
    expect(t['go-build-mipsle']).toBeDefined();
    expect(t['go-build-all'].metadata!.description).toMatch(/no go-build-arm: linux\/arm\/6, linux\/arm\/7 share arch arm/);
    expect(p['.'].metadata!.gocross).toMatchObject({ aliasNotes: [expect.stringMatching(/^no go-build-arm/)] });
    expect(t['go-build-linux-arm-6']).toMatchObject({ options: { goarm: '6', cgo: true } });
    expect(t['go-build-linux-arm-6'].inputs).toEqual(expect.arrayContaining(['gocross-env', { env: 'CC_FOR_linux_arm' }]));
    expect(t['go-build-linux-mipsle'].inputs).not.toContainEqual({ env: 'CC_FOR_linux_arm' });
    // Exactly the variables a cgo build passes to go are hashed: not plain CC/CXX, which it does not read.
    const hashed = p['.'].namedInputs!['gocross-env'].flatMap((i) => (typeof i === 'object' && 'env' in i ? [i.env] : []));
    expect(hashed).toEqual(expect.arrayContaining([...CGO_ENV_PASSTHROUGH, 'CC_FOR_TARGET', 'CXX_FOR_TARGET']));
    expect(hashed).not.toContain('CC');
    expect(hashed).not.toContain('CXX');
    // host (linux/amd64) is not in the matrix: build targets the host anyway
    expect(t['go-build']).toMatchObject({ options: { goos: 'linux', goarch: 'amd64' } });
    // every named input a target refers to exists in the project
    for (const target of Object.values(t)) {
      for (const i of target.inputs ?? []) if (typeof i === 'string' && !i.includes('{')) expect(Object.keys(p['.'].namedInputs!)).toContain(i.replace(/^\^/, ''));
    }
    for (const list of Object.values(p['.'].namedInputs!)) {
      for (const i of list) if (typeof i === 'string' && !i.includes('{')) expect(Object.keys(p['.'].namedInputs!)).toContain(i);
    }
  });

  it('gocross.json overrides the matrix per project; every project names inputs for every platform in use', async () => {
    const p = await infer(
      {
        'a/go.mod': 'module example.com/a\n',
        'a/main.go': main(),
        'b/go.mod': 'module example.com/b\n',
        'b/main.go': main(),
        'b/gocross.json': JSON.stringify({ platforms: ['linux/mips64le', 'linux/arm64'], cgo: true, libc: 'musl', buildmode: 'pie' }),
        'a/project.json': JSON.stringify({ name: 'alpha' }),
      },
      { platforms: ['linux/amd64'] },
    );
    expect(p['a'].name).toBe('alpha');
    expect(Object.keys(p['a'].targets!).filter((n) => n.startsWith('build-linux'))).toEqual(['build-linux-amd64']);
    expect(p['b'].targets!['build-linux-mips64le']).toMatchObject({ options: { cgo: true, libc: 'musl', buildmode: 'pie' } });
    expect(p['b'].targets!['build-linux-amd64']).toBeUndefined();
    // doctor checks what the builds need: a C toolchain (and musl) for each of the project's platforms.
    expect(p['b'].targets!['doctor'].options).toEqual({ platforms: ['linux/mips64le', 'linux/arm64'], cgo: true, libc: 'musl' });
    expect(p['a'].targets!['doctor'].options).toEqual({ platforms: ['linux/amd64'] });
    for (const pr of ['a', 'b']) {
      expect(Object.keys(p[pr].namedInputs!).sort()).toEqual([
        'gocross', 'gocross-arch-amd64', 'gocross-arch-arm64', 'gocross-arch-mips64le',
        'gocross-build-linux-amd64', 'gocross-build-linux-arm64', 'gocross-build-linux-mips64le',
        'gocross-env', 'gocross-linux-amd64', 'gocross-linux-arm64', 'gocross-linux-mips64le', 'gocross-os-linux', 'gocross-policy',
      ]);
    }
  });

  it('reports bad configuration with the file', async () => {
    await expect(infer({ 'a/go.mod': 'module example.com/a\n', 'a/gocross.json': '{"platforms":["linux-arm64"]}' })).rejects.toThrow(
      /a\/gocross.json:1:15: "platforms" entry "linux-arm64": invalid platform "linux-arm64"/,
    );
    await expect(infer({ 'go.mod': 'module m\n' }, { platforms: ['linux'] })).rejects.toThrow(/nx.json/);
  });

  it('caches module scans in the workspace data directory, keyed by the files of the module', async () => {
    const files = { 'go.mod': 'module example.com/c\n', 'lib.go': 'package c\n' };
    const root = workspace(files);
    roots.push(root);
    const ctx: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
    const cacheFile = path.join(root, '.nx', 'workspace-data', 'gocross-scan-v2.json');
    const fresh = async () => {
      let mod: typeof import('./create-nodes') | undefined;
      jest.isolateModules(() => {
        mod = jest.requireActual<typeof import('./create-nodes')>('./create-nodes');
      });
      return mod!.createGoNodes(['go.mod'], {}, ctx, { host: LINUX_AMD64 });
    };
    const first = await fresh();
    expect(first[0][1].projects!['.'].projectType).toBe('library');
    expect(fs.existsSync(cacheFile)).toBe(true);
    // A new process (fresh module state) reads the scan from the file: a doctored entry is used as written.
    const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Record<string, { scan: { mains: string[] } }>;
    expect(Object.keys(data)).toEqual(['.']);
    data['.'].scan.mains = ['./from-cache'];
    fs.writeFileSync(cacheFile, JSON.stringify(data));
    const second = await fresh();
    expect(second[0][1].projects!['.'].targets!['build-linux-amd64'].options).toMatchObject({ main: './from-cache' });
    // Changing a file of the module changes its hash: the module is scanned again.
    fs.writeFileSync(path.join(root, 'lib.go'), 'package main\nfunc main() {}\n');
    // What Nx does on a file change (the daemon's watcher, or a fresh index in the next process).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('nx/src/utils/workspace-context') as { updateFilesInContext(root: string, updated: string[], deleted: string[]): unknown }).updateFilesInContext(root, ['lib.go'], []);
    const third = await fresh();
    expect(third[0][1].projects!['.'].targets!['build-linux-amd64'].options).toMatchObject({ main: '.' });
  });
});

describe('createNodes: main packages per platform, embeds, cache key', () => {
  const DEFAULT = ['linux/amd64', 'linux/arm64', 'linux/arm/7', 'linux/riscv64', 'darwin/arm64', 'windows/amd64'];

  it('a package main go would not build for a platform is not a main there', async () => {
    const p = await infer({
      'go.mod': 'module example.com/m\n',
      'lib.go': 'package m\n',
      // A generator behind a tag nobody sets: never a main.
      'gen/gen.go': '//go:build generate\n\npackage main\n\nfunc main() {}\n',
      'tools/tools.go': '//go:build tools\n\npackage tools\n',
      'ignored/main.go': '//go:build ignore\n\npackage main\n\nfunc main() {}\n',
      // Windows only, by file name.
      'cmd/winsvc/main_windows.go': main(),
      // Linux and darwin only, by constraint.
      'cmd/unixd/main.go': '//go:build linux || darwin\n\npackage main\n\nfunc main() {}\n',
      // Only cgo files: no main with cgo off.
      'cmd/cgoonly/main.go': 'package main\n\nimport "C"\n\nfunc main() {}\n',
      'cmd/all/main.go': main(),
    });
    const t = p['.'].targets!;
    expect(t['build-linux-amd64'].options.main).toEqual(['./cmd/all', './cmd/unixd']);
    expect(t['build-darwin-arm64'].options.main).toEqual(['./cmd/all', './cmd/unixd']);
    expect(t['build-windows-amd64'].options.main).toEqual(['./cmd/all', './cmd/winsvc']);
    expect(p['.'].metadata!.gocross).toMatchObject({ kind: 'application' });
  });

  it('a module whose only main builds for no platform of its matrix is a library', async () => {
    const p = await infer({ 'go.mod': 'module example.com/w\n', 'lib.go': 'package w\n', 'cmd/wasm/main.go': `//go:build wasm\n\n${main()}` });
    expect(p['.'].projectType).toBe('library');
    expect(p['.'].metadata!.gocross).toMatchObject({ kind: 'library', mains: [] });
    expect(p['.'].targets!['build-linux-amd64'].options).toMatchObject({ compileOnly: true });
  });

  it('a module whose only main is excluded on a platform compiles there and has no run target', async () => {
    const p = await infer({ 'go.mod': 'module example.com/w\n', 'main_windows.go': main() });
    const t = p['.'].targets!;
    expect(t['build-windows-amd64'].options).toMatchObject({ main: '.' });
    expect(t['build-linux-arm64'].options).toMatchObject({ compileOnly: true });
    expect(t['build-linux-arm64'].options.main).toBeUndefined();
    expect(t['build-linux-arm64'].outputs).toEqual([]);
    expect(t['run-linux-arm64']).toBeUndefined();
    expect(t['run-windows-amd64']).toBeDefined();
  });

  it('honours gocross.json mains and exclude', async () => {
    const files = {
      'go.mod': 'module example.com/m\n',
      'cmd/a/main.go': main(),
      'cmd/b/main.go': main(),
      'internal/tool/main.go': main(),
    };
    const only = await infer({ ...files, 'gocross.json': JSON.stringify({ mains: ['cmd/*'], exclude: ['./cmd/b'] }) });
    expect(only['.'].targets!['build-linux-amd64'].options.main).toBe('./cmd/a');
    const glob = await infer({ ...files, 'gocross.json': JSON.stringify({ exclude: ['**/tool'] }) });
    expect(glob['.'].targets!['build-linux-amd64'].options.main).toEqual(['./cmd/a', './cmd/b']);
  });

  it('a mains/exclude entry that matches nothing is an error naming gocross.json; other projects keep their nodes', async () => {
    const root = workspace({
      'a/go.mod': 'module example.com/a\n',
      'a/cmd/x/main.go': main(),
      'a/gocross.json': JSON.stringify({ mains: ['cmd/nope'] }),
      'b/go.mod': 'module example.com/b\n',
      'b/main.go': main(),
    });
    roots.push(root);
    const ctx: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
    const err = (await createGoNodes(['a/go.mod', 'b/go.mod'], {}, ctx, { cache: false, host: LINUX_AMD64 }).catch((e) => e)) as Error & {
      errors: [string, Error][];
      partialResults: [string, unknown][];
    };
    expect(err.message).toMatch(/a\/gocross\.json:1:11: "mains" entry "cmd\/nope" matches no main package \(main packages found: cmd\/x\)/);
    expect(err.name).toBe('AggregateCreateNodesError');
    expect(err.errors.map(([f]) => f)).toEqual(['a/go.mod']);
    expect(err.partialResults.map(([f]) => f)).toEqual(['b/go.mod']);
    await expect(
      infer({ 'go.mod': 'module m\n', 'main.go': main(), 'gocross.json': JSON.stringify({ exclude: ['cmd/*'] }) }),
    ).rejects.toThrow(/gocross\.json:1:13: "exclude" entry "cmd\/\*" matches no main package/);
    await expect(infer({ 'go.mod': 'module m\n', 'gocross.json': JSON.stringify({ mains: 'cmd' }) })).rejects.toThrow(/gocross\.json:1:10: "mains" must be an array of strings, e\.g\. "mains": \["cmd"\]; got the string "cmd"/);
  });

  it('a go.mod go rejects is a warning naming its file and line, never an error that takes the other projects with it', async () => {
    const root = workspace({
      'bad1/go.mod': 'module example.com/bad1\n\nfrob 1\n',
      'bad1/main.go': main(),
      'bad2/go.mod': 'module example.com/bad2\n\nrequire (\n\texample.com/x v1.0.0\n',
      'bad2/main.go': main(),
      'good/go.mod': 'module example.com/good\n\ngo 1.22\n',
      'good/main.go': main(),
    });
    roots.push(root);
    const ctx: CreateNodesContext = { workspaceRoot: root, nxJsonConfiguration: {} };
    const warnings: string[] = [];
    const r = await createGoNodes(['bad1/go.mod', 'bad2/go.mod', 'good/go.mod'], {}, ctx, { cache: false, host: LINUX_AMD64, warn: (m) => warnings.push(m) });
    expect(r.map(([f]) => f)).toEqual(['bad1/go.mod', 'bad2/go.mod', 'good/go.mod']);
    expect(r.flatMap(([, x]) => Object.keys(x.projects ?? {}))).toEqual(['bad1', 'bad2', 'good']);
    expect(warnings).toEqual([
      "gocross: bad1/go.mod:3: unknown directive: frob (the go command rejects this go.mod: bad1's tasks fail until it is fixed)",
      "gocross: bad2/go.mod:3: require block is not closed: missing ) (the go command rejects this go.mod: bad2's tasks fail until it is fixed)",
    ]);
  });

  itIf(haveGo())('the go command itself rejects those go.mod files, as the warning says', () => {
    const root = workspace({ 'bad1/go.mod': 'module example.com/bad1\n\nfrob 1\n', 'bad1/main.go': main() });
    roots.push(root);
    const r = spawnSync('go', ['build', './...'], { cwd: path.join(root, 'bad1'), encoding: 'utf8', env: { ...process.env, GOWORK: 'off', GOFLAGS: '' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('go.mod:3: unknown directive: frob');
  });

  describe('a go.work the go command rejects', () => {
    const good = { 'a/go.mod': 'module example.com/a\n\ngo 1.22\n', 'a/main.go': main() };
    const cases: [string, string, string][] = [
      ['a syntax error', 'go 1.22\n\nuse ./a\nfrob x\n', 'go.work:4: unknown directive: frob'],
      ['a used directory without go.mod', 'go 1.22\n\nuse (\n\t./a\n\t./missing\n)\n', 'go.work:5: use ./missing: there is no go.mod in ./missing'],
      ['a directory used twice', 'go 1.22\n\nuse ./a\nuse ./a/\n', 'go.work:4: path {root}/a appears multiple times in workspace'],
    ];

    it.each(cases)('%s is a warning naming go.work and the line; the projects keep their nodes', async (_what, goWork, expected) => {
      const root = workspace({ ...good, 'go.work': goWork });
      roots.push(root);
      const warnings: string[] = [];
      const r = await createGoNodes(['a/go.mod'], {}, { workspaceRoot: root, nxJsonConfiguration: {} }, { cache: false, host: LINUX_AMD64, warn: (m) => warnings.push(m) });
      expect(r.flatMap(([, x]) => Object.keys(x.projects ?? {}))).toEqual(['a']);
      expect(warnings).toEqual([`gocross: ${expected.replace('{root}', root)} (the go command rejects this go.work: every module it uses fails to build until it is fixed)`]);
    });

    it('a go.work go accepts gives no warning', async () => {
      const root = workspace({ ...good, 'go.work': 'go 1.22\n\nuse ./a\n' });
      roots.push(root);
      const warnings: string[] = [];
      await createGoNodes(['a/go.mod'], {}, { workspaceRoot: root, nxJsonConfiguration: {} }, { cache: false, host: LINUX_AMD64, warn: (m) => warnings.push(m) });
      expect(warnings).toEqual([]);
    });

    // The warning's claim, by go itself: with each of those go.work files, a build of a used module fails; with the good one it does not.
    itIf(haveGo())('go refuses to build a used module with each of those go.work files, and builds it with a correct one', () => {
      const build = (goWork: string) => {
        const root = workspace({ ...good, 'go.work': goWork });
        roots.push(root);
        const env: NodeJS.ProcessEnv = { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off' };
        delete env.GOWORK;
        return spawnSync('go', ['build', '-o', os.devNull, '.'], { cwd: path.join(root, 'a'), encoding: 'utf8', env });
      };
      for (const [, goWork] of cases) expect(build(goWork).status).not.toBe(0);
      expect(build('go 1.22\n\nuse ./a\n').status).toBe(0);
    });
  });

  it('embedded files are inputs of the platforms whose build embeds them, test embeds of the test targets only', async () => {
    const p = await infer({
      'go.mod': 'module example.com/e\n',
      'web.go': 'package e\n\nimport "embed"\n\n//go:embed static\nvar Static embed.FS\n',
      'static/index.html': '<html>',
      'static/logo_windows.png': 'png',
      'static/.keep': '',
      'win_windows.go': 'package e\n\nimport _ "embed"\n\n//go:embed win.ico\nvar ico []byte\n',
      'win.ico': 'ico',
      'x_test.go': 'package e\n\nimport _ "embed"\n\n//go:embed testdata/golden.txt\nvar golden string\n',
      'testdata/golden.txt': 'g',
      'README.md': 'nothing embeds me',
    });
    const n = p['.'].namedInputs!;
    expect(n['gocross-linux-arm64']).toEqual(expect.arrayContaining(['{projectRoot}/static/index.html', '{projectRoot}/static/logo_windows.png']));
    expect(n['gocross-linux-arm64']).not.toContain('{projectRoot}/win.ico');
    expect(n['gocross-windows-amd64']).toContain('{projectRoot}/win.ico');
    expect(JSON.stringify(n)).not.toContain('.keep');
    expect(JSON.stringify(n)).not.toContain('golden');
    expect(JSON.stringify(n)).not.toContain('README');
    expect(p['.'].targets!['test-linux-arm64'].inputs).toContain('{projectRoot}/testdata/golden.txt');
    expect(p['.'].targets!['build-linux-arm64'].inputs).not.toContain('{projectRoot}/testdata/golden.txt');
  });

  it('only @gocross/nx of the npm packages is in the key, when the lockfile installs it', async () => {
    const lock = (entry: object) => JSON.stringify({ packages: { '': {}, 'node_modules/@gocross/nx': entry, 'node_modules/nx': { version: '24.0.6' } } }, null, 2);
    const ext = (p: Record<string, ProjectConfiguration>) =>
      p['.'].namedInputs!['gocross-env'].find((i) => typeof i === 'object' && i && 'externalDependencies' in i);
    const installed = await infer({ 'go.mod': 'module m\n', 'package-lock.json': lock({ version: '0.1.0', resolved: 'file:../gocross-nx-0.1.0.tgz' }) });
    expect(ext(installed)).toEqual({ externalDependencies: ['@gocross/nx'] });
    expect(installed['.'].namedInputs!['gocross-policy']).toContainEqual({ externalDependencies: ['@gocross/nx'] });
    // Every cached target has one of the two named inputs.
    for (const [name, t] of Object.entries(installed['.'].targets!)) {
      if (!t.cache) continue;
      expect({ name, has: (t.inputs as unknown[]).some((i) => i === 'gocross-env' || i === 'gocross-policy') }).toEqual({ name, has: true });
    }
    const linked = await infer({ 'go.mod': 'module m\n', 'package-lock.json': lock({ resolved: 'plugin', link: true }) });
    expect(ext(linked)).toEqual({ externalDependencies: [] });
    expect(ext(await infer({ 'go.mod': 'module m\n' }))).toEqual({ externalDependencies: [] });
  });

  it("the no-C-compiler message for darwin names a way out that works: leave it out of the project's platforms", async () => {
    const r = resolveCToolchain({ platform: parsePlatform('darwin/arm64'), env: {}, hostGoos: 'linux', hostGoarch: 'amd64', which: () => undefined });
    expect(r.ok).toBe(false);
    const message = r.ok ? '' : r.message;
    expect(message).toContain(`leave darwin/arm64 out of the project's platforms ("platforms" in its gocross.json, or the plugin options in nx.json)`);
    // Done as it says: the project's gocross.json lists the default platforms without darwin/arm64.
    const platforms = DEFAULT.filter((x) => x !== 'darwin/arm64');
    const p = await infer({ 'go.mod': 'module m\n', 'main.go': main(), 'gocross.json': JSON.stringify({ cgo: true, platforms }) });
    const t = p['.'].targets!;
    expect(Object.keys(t).filter((k) => k.includes('darwin'))).toEqual([]);
    expect(t['build-all'].dependsOn).toEqual(platforms.map((x) => `build-${x.replaceAll('/', '-')}`));
    expect(t['validate'].dependsOn).toEqual(t['build-all'].dependsOn);
  });

  it("validate targets hash the Go installation (go vet -asmdecl's verdicts are its)", async () => {
    const p = await infer({ 'go.mod': 'module m\n', 'main.go': main() });
    expect(p['.'].targets!['validate-linux-arm64'].inputs).toContain('gocross-env');
    expect(p['.'].targets!['validate'].inputs).toContain('gocross-env');
  });

  it('cgo targets hash the identity of the C compiler resolved for their platform', async () => {
    const p = await infer({ 'go.mod': 'module m\n', 'main.go': main(), 'gocross.json': JSON.stringify({ cgo: true, libc: 'musl', platforms: DEFAULT.slice(0, 2) }) });
    const inputs = p['.'].targets!['build-linux-arm64'].inputs as { runtime?: string }[];
    const rt = inputs.filter((i) => i.runtime?.includes('cc-identity')).map((i) => i.runtime);
    expect(rt).toHaveLength(1);
    expect(rt[0]).toMatch(/^node ".*cc-identity\.js" linux\/arm64 --libc musl$/);
    // The tests link with the compiler that identity names: the musl one.
    const test = p['.'].targets!['test-linux-arm64'];
    expect(test.options).toMatchObject({ cgo: true, libc: 'musl' });
    expect((test.inputs as { runtime?: string }[]).filter((i) => i.runtime?.includes('cc-identity')).map((i) => i.runtime)).toEqual(rt);
    const plain = await infer({ 'go.mod': 'module m\n', 'main.go': main() });
    expect(JSON.stringify(plain['.'].targets)).not.toContain('cc-identity');
  });
});

describe('createNodes: go.work replace', () => {
  it('a directory go.work replaces a module with is a project, so its files are inputs of the modules using it', async () => {
    const p = await infer({
      'go.work': 'go 1.22\n\nuse ./app\n\nreplace example.com/lib => ./vendored/lib\n',
      'app/go.mod': 'module example.com/app\n\nrequire example.com/lib v1.0.0\n',
      'app/main.go': main(),
      'vendored/lib/go.mod': 'module example.com/lib\n',
      'vendored/lib/lib.go': 'package lib\n',
      'other/go.mod': 'module example.com/other\n',
    });
    expect(Object.keys(p).sort()).toEqual(['app', 'vendored/lib']);
  });
});

describe('createNodes: targets of project.json', () => {
  type Input = NonNullable<ProjectConfiguration['targets']>[string]['inputs'];
  const pj = (targets: object) => JSON.stringify({ name: 'api', targets });
  const module = (files: Files = {}): Files => ({ 'go.mod': 'module example.com/api\n', 'main.go': main(), ...files });
  const runtimes = (inputs: Input) => (inputs ?? []).flatMap((i) => (typeof i === 'object' && 'runtime' in i ? [i.runtime as string] : []));
  const identities = (inputs: Input) => runtimes(inputs).filter((r) => r.includes('cc-identity')).map((r) => r.replace(/^node ".*cc-identity\.js" /, ''));
  const muslTarget = {
    executor: '@gocross/nx:build',
    options: { goos: 'linux', goarch: 'arm64', cgo: true, libc: 'musl', ldflags: '-linkmode=external -extldflags=-static', outputDir: 'dist/apps/api/linux-arm64-musl' },
  };

  it("docs/cgo.md's hand-written musl target: the executor and the inputs of an inferred musl target of its platform, no options", async () => {
    const cgo = { 'gocross.json': JSON.stringify({ cgo: true, platforms: ['linux/amd64', 'linux/arm64'] }) };
    const p = await infer(module({ ...cgo, 'project.json': pj({ 'build-linux-arm64-musl': muslTarget }) }));
    const hand = p['.'].targets!['build-linux-arm64-musl'];
    expect(Object.keys(hand).sort()).toEqual(['executor', 'inputs']);
    expect(hand.executor).toBe('@gocross/nx:build');
    // The oracle: the inferred build-linux-arm64 of the same module with libc musl for the whole project.
    const musl = await infer(module({ 'gocross.json': JSON.stringify({ cgo: true, libc: 'musl', platforms: ['linux/amd64', 'linux/arm64'] }) }));
    expect(hand.inputs).toEqual(musl['.'].targets!['build-linux-arm64'].inputs);
    expect(identities(hand.inputs)).toEqual(['linux/arm64 --libc musl']);
    expect(hand.inputs).toEqual(expect.arrayContaining(['gocross-build-linux-arm64', '^gocross-build-linux-arm64', 'gocross-env', { env: 'CC_FOR_linux_arm64' }]));
    // The inferred targets keep their own inputs.
    const plain = await infer(module(cgo));
    expect(p['.'].targets!['build-linux-arm64']).toEqual(plain['.'].targets!['build-linux-arm64']);
    expect(p['.'].namedInputs).toEqual(plain['.'].namedInputs);
  });

  it('a cgo target of a project without cgo adds cgo’s variables to the project’s gocross-env', async () => {
    const p = await infer(module({ 'project.json': pj({ 'build-linux-arm64-musl': muslTarget }) }));
    const inputs = p['.'].targets!['build-linux-arm64-musl'].inputs;
    expect(p['.'].namedInputs!['gocross-env']).not.toContainEqual({ env: 'CGO_CFLAGS' });
    expect(inputs).toEqual(expect.arrayContaining([{ env: 'CGO_CFLAGS' }, { env: 'CC_FOR_TARGET' }, { runtime: expect.stringContaining('go env GOVERSION GOFLAGS GOEXPERIMENT GODEBUG GOTOOLCHAIN CGO_CFLAGS') }]));
    expect(identities(inputs)).toEqual(['linux/arm64 --libc musl']);
  });

  it('a hand-set cc or cxx on an inferred target, in its options or a configuration: the identity of every compiler it may run', async () => {
    const cgo = { 'gocross.json': JSON.stringify({ cgo: true, platforms: ['linux/amd64', 'linux/arm64'] }) };
    const p = await infer(
      module({
        ...cgo,
        'project.json': pj({
          'build-linux-arm64': {
            options: { cc: '/opt/cross/bin/aarch64-linux-musl-gcc' },
            configurations: { zig: { cc: 'zig cc -target aarch64-linux-gnu' }, cxx: { cxx: '/opt/cross/bin/g++' }, same: { cc: '/opt/cross/bin/aarch64-linux-musl-gcc' } },
          },
          // Only in a configuration: without it the build picks its compiler itself.
          'test-linux-arm64': { configurations: { cross: { cc: '/opt/cross/bin/aarch64-linux-gnu-gcc' } } },
        }),
      }),
    );
    const t = p['.'].targets!;
    expect(identities(t['build-linux-arm64'].inputs)).toEqual([
      'linux/arm64 --cc /opt/cross/bin/aarch64-linux-musl-gcc',
      'linux/arm64 --cc "zig cc -target aarch64-linux-gnu"',
      'linux/arm64 --cc /opt/cross/bin/aarch64-linux-musl-gcc --cxx /opt/cross/bin/g++',
    ]);
    expect(identities(t['test-linux-arm64'].inputs)).toEqual(['linux/arm64', 'linux/arm64 --cc /opt/cross/bin/aarch64-linux-gnu-gcc']);
    // The rest of the target is the inferred one, and the other targets are untouched.
    const plain = (await infer(module(cgo)))['.'].targets!;
    expect({ ...t['build-linux-arm64'], inputs: undefined }).toEqual({ ...plain['build-linux-arm64'], inputs: undefined });
    expect(t['build-linux-arm64'].inputs!.filter((i) => !identities([i]).length)).toEqual(plain['build-linux-arm64'].inputs!.filter((i) => !identities([i]).length));
    expect(t['build-linux-amd64']).toEqual(plain['build-linux-amd64']);
  });

  it('an override that changes nothing the inputs depend on leaves them as inferred; a placeholder or cgo in project.json adds its inputs', async () => {
    const plain = (await infer(module()))['.'].targets!;
    const same = (await infer(module({ 'project.json': pj({ 'build-linux-arm64': { options: { ldflags: '-s -w', outputDir: 'dist/x' } } }) })))['.'].targets!;
    expect(same['build-linux-arm64'].inputs).toEqual(plain['build-linux-arm64'].inputs);
    const stamped = (await infer(module({ 'project.json': pj({ 'build-linux-arm64': { configurations: { release: { ldflags: '-X main.v={version}' } } } }) })))['.'].targets!;
    expect(runtimes(stamped['build-linux-arm64'].inputs)).toContainEqual(expect.stringMatching(/^node ".*version\.js"$/));
    const cgo = (await infer(module({ 'project.json': pj({ 'build-linux-arm64': { options: { cgo: true } } }) })))['.'].targets!;
    expect(identities(cgo['build-linux-arm64'].inputs)).toEqual(['linux/arm64']);
  });

  it('a hand-written target for a platform of no matrix: its named inputs exist in every project', async () => {
    const p = await infer({
      'go.work': 'go 1.22\n\nuse (\n\t./api\n\t./lib\n)\n',
      'api/go.mod': 'module example.com/api\n\nrequire example.com/lib v0.0.0\n',
      'api/main.go': main(),
      'api/project.json': pj({
        'build-s390x': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 's390x', outputDir: 'dist/s390x' } },
        // An inferred target moved to another platform: seen only with the inferred options.
        'build-linux-arm-7': { configurations: { zero: { goarm: '6' } } },
      }),
      'lib/go.mod': 'module example.com/lib\n',
      'lib/lib.go': 'package lib\n',
    });
    expect(p['api'].targets!['build-s390x'].inputs).toEqual(['gocross-build-linux-s390x', '^gocross-build-linux-s390x', 'gocross-env']);
    expect(p['api'].targets!['build-linux-arm-7'].inputs).toEqual(expect.arrayContaining(['gocross-build-linux-arm-7', 'gocross-build-linux-arm-6', '^gocross-build-linux-arm-6']));
    for (const root of ['api', 'lib']) {
      expect(Object.keys(p[root].namedInputs!)).toEqual(expect.arrayContaining(['gocross-linux-s390x', 'gocross-build-linux-s390x', 'gocross-arch-s390x', 'gocross-build-linux-arm-6']));
    }
  });

  it('a hand-written test target has the inputs of the inferred test target of its platform', async () => {
    const p = await infer(
      module({
        'main_test.go': 'package main\n',
        'project.json': pj({ 'unit-arm64': { executor: '@gocross/nx:test', cache: true, options: { goos: 'linux', goarch: 'arm64', args: ['-count=1'] } } }),
      }),
    );
    expect(p['.'].targets!['unit-arm64']).toEqual({ executor: '@gocross/nx:test', inputs: p['.'].targets!['test-linux-arm64'].inputs });
  });

  it('validate and release targets: the policy and extra files their options name, and a dependency on the builds they read', async () => {
    const p = await infer(
      module({
        'project.json': pj({
          'build-linux-arm64-musl': muslTarget,
          'check-musl': { executor: '@gocross/nx:validate', options: { buildTarget: 'build-linux-arm64-musl', files: ['third_party/**/*.a'] } },
          validate: { options: { buildTargets: ['build-linux-amd64', 'build-linux-arm64-musl'], policy: 'tools/release.policy.json' } },
          'release-musl': { executor: '@gocross/nx:release', options: { buildTargets: ['other:build-linux-arm64:production'], files: ['./NOTICE', '{projectRoot}/notes [v1].md', '/etc/motd'] } },
          'release-musl-sign': { executor: '@gocross/nx:release', options: { buildTargets: ['build-linux-arm64-musl'], sign: true } },
        }),
      }),
    );
    const plain = (await infer(module()))['.'].targets!;
    const t = p['.'].targets!;
    expect(t['check-musl']).toEqual({
      executor: '@gocross/nx:validate',
      inputs: ['gocross', '^gocross', 'gocross-policy', 'gocross-env', '{projectRoot}/third_party/**/*.a'],
      dependsOn: ['build-linux-arm64-musl'],
    });
    expect(t['validate'].inputs).toEqual([...plain['validate'].inputs!, '{workspaceRoot}/tools/release.policy.json']);
    expect(t['validate'].dependsOn).toEqual([...plain['validate'].dependsOn!, 'build-linux-arm64-musl']);
    expect(t['release-musl']).toEqual({ executor: '@gocross/nx:release', inputs: [...plain['release'].inputs!, '{workspaceRoot}/NOTICE', '{projectRoot}/notes \\[v1\\].md'], dependsOn: ['other:build-linux-arm64'] });
    expect(t['release-musl-sign']).toBeUndefined();
  });

  it("a release with a smoke gate hashes CI and whether the qemu-user of each smoke-tested Linux platform is installed", async () => {
    const plain = (await infer(module()))['.'].targets!;
    expect(plain['release'].inputs).not.toContainEqual({ env: 'CI' });
    const p = await infer(module({ 'project.json': pj({ release: { options: { smoke: { args: ['--version'], platforms: ['linux/arm64', 'linux/amd64', 'darwin/arm64'] } } } }) }));
    const added = p['.'].targets!['release'].inputs!.slice(plain['release'].inputs!.length);
    // linux/amd64 runs natively here and darwin/arm64 cannot run at all: only arm64 needs qemu.
    expect(added).toEqual([{ env: 'CI' }, { runtime: 'command -v qemu-aarch64 || echo none' }]);
    const all = await infer(module({ 'project.json': pj({ release: { options: { smoke: { args: ['--version'] } } } }) }));
    expect(all['.'].targets!['release'].inputs!.slice(plain['release'].inputs!.length)).toEqual([
      { env: 'CI' },
      ...['aarch64', 'arm', 'riscv64'].map((q) => ({ runtime: `command -v qemu-${q} || echo none` })),
    ]);
  });

  it("leaves alone other executors' targets, targets naming no platform, and options of the wrong type", async () => {
    const plain = (await infer(module()))['.'].targets!;
    const p = await infer(
      module({
        'project.json': pj({
          lint: { executor: 'nx:run-commands', options: { command: 'go vet ./...' } },
          'build-linux-arm64': { executor: 'nx:run-commands', options: { command: 'make' } },
          'build-nowhere': { executor: '@gocross/nx:build', options: { cgo: true } },
          'build-odd': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'arm64', cgo: 'yes', ldflags: 3, tags: 'x', env: [1] } },
        }),
      }),
    );
    const t = p['.'].targets!;
    expect(t['lint']).toBeUndefined();
    expect(t['build-nowhere']).toBeUndefined();
    expect(t['build-linux-arm64']).toEqual(plain['build-linux-arm64']);
    expect(t['build-odd'].inputs).toEqual(['gocross-build-linux-arm64', '^gocross-build-linux-arm64', 'gocross-env']);
  });
});
