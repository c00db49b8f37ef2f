import * as fs from 'fs';
import * as path from 'path';
import { logger, Tree } from '@nx/devkit';
import { buildTagsGenerator, otherConstraint, parseVariant } from './generator';
import { libraryGenerator } from '../library/generator';
import { BUILTIN_DIST_LIST } from '../../platforms/dist-list';
import { fileIncluded } from '../../platforms/constraint-header';
import { emptyWorkspace, removeTempDirs, run, snapshotTree, tempDir, writeTreeToDisk } from '../shared/test-utils';
import { haveTools, itIf } from '../../test-utils/gates';

async function netTree(goVersion?: string): Promise<Tree> {
  const tree = emptyWorkspace();
  await libraryGenerator(tree, { name: 'netx', modulePath: 'example.com/netx' });
  if (goVersion) tree.write('libs/netx/go.mod', `module example.com/netx\n\ngo ${goVersion}\n`);
  return tree;
}

/** Files of the set that go compiles for a GOOS/GOARCH, by the TS constraint evaluator. */
function included(tree: Tree, prefix: string, goos: string, goarch: string): string[] {
  return tree
    .children('libs/netx')
    .filter((f) => f.startsWith(prefix) && f.endsWith('.go'))
    .filter((f) => fileIncluded(f, tree.read(`libs/netx/${f}`, 'utf-8')!, { goos, goarch }))
    .sort();
}

describe('build-tags generator', () => {
  beforeAll(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  it('writes one file per platform and an exact negation', async () => {
    const tree = await netTree();
    await buildTagsGenerator(tree, { project: 'netx', name: 'sockopt', platforms: 'linux,darwin,windows' });
    expect(tree.read('libs/netx/sockopt_linux.go', 'utf-8')).toMatch(/^package netx\n/);
    expect(tree.read('libs/netx/sockopt_other.go', 'utf-8')).toMatch(/^\/\/go:build !linux && !darwin && !windows\n\npackage netx\n/);
    expect(otherConstraint(['unix', 'windows', 'linux/arm64'].map(parseVariant))).toBe('!unix && !windows && !(linux && arm64)');
    // every GOOS/GOARCH of the dist list compiles exactly one variant
    for (const e of BUILTIN_DIST_LIST) {
      const files = included(tree, 'sockopt_', e.goos, e.goarch);
      expect([`${e.goos}/${e.goarch}`, files.length]).toEqual([`${e.goos}/${e.goarch}`, 1]);
    }
    expect(included(tree, 'sockopt_', 'android', 'arm64')).toEqual(['sockopt_linux.go']);
    expect(included(tree, 'sockopt_', 'ios', 'arm64')).toEqual(['sockopt_darwin.go']);
    expect(included(tree, 'sockopt_', 'freebsd', 'amd64')).toEqual(['sockopt_other.go']);
  });

  it('handles unix, arch and os/arch variants', async () => {
    const tree = await netTree();
    await buildTagsGenerator(tree, { project: 'netx', name: 'poll', platforms: ['unix', 'windows'] });
    expect(tree.read('libs/netx/poll_unix.go', 'utf-8')).toMatch(/^\/\/go:build unix\n/);
    await buildTagsGenerator(tree, { project: 'netx', name: 'crc', platforms: 'amd64,linux/arm64' });
    expect(tree.exists('libs/netx/crc_linux_arm64.go')).toBe(true);
    expect(tree.read('libs/netx/crc_other.go', 'utf-8')).toMatch(/^\/\/go:build !amd64 && !\(linux && arm64\)\n/);
    for (const e of BUILTIN_DIST_LIST) {
      expect(included(tree, 'poll_', e.goos, e.goarch)).toHaveLength(1);
      expect(included(tree, 'crc_', e.goos, e.goarch)).toHaveLength(1);
    }
  });

  it('writes a tag / no-tag pair', async () => {
    const tree = await netTree();
    await buildTagsGenerator(tree, { project: 'netx', name: 'hash', tag: 'purego' });
    expect(tree.read('libs/netx/hash_purego.go', 'utf-8')).toMatch(/^\/\/go:build purego\n/);
    expect(tree.read('libs/netx/hash_nopurego.go', 'utf-8')).toMatch(/^\/\/go:build !purego\n/);
  });

  it('is idempotent and never overwrites without --force', async () => {
    const tree = await netTree();
    const opts = { project: 'netx', name: 'sockopt', platforms: 'linux,windows' };
    await buildTagsGenerator(tree, opts);
    const first = snapshotTree(tree);
    await buildTagsGenerator(tree, opts);
    expect(snapshotTree(tree)).toEqual(first);
    tree.write('libs/netx/sockopt_linux.go', 'package netx\n\n// mine\n');
    await expect(buildTagsGenerator(tree, opts)).rejects.toThrow(/refusing to overwrite libs\/netx\/sockopt_linux.go/);
    await buildTagsGenerator(tree, { ...opts, force: true });
    expect(snapshotTree(tree)).toEqual(first);
  });

  it('refuses overlapping, unknown and conflicting options', async () => {
    const tree = await netTree();
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', platforms: 'linux,android' })).rejects.toThrow(/linux and android both match android\//);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', platforms: 'darwin,ios' })).rejects.toThrow(/darwin and ios both match ios\//);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', platforms: 'linux,arm64' })).rejects.toThrow(/linux and arm64 both match (android|linux)\/arm64/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', platforms: 'linux,unix' })).rejects.toThrow(/both match/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', platforms: 'linux,beos' })).rejects.toThrow(/"beos" is not a GOOS/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', tag: 'linux' })).rejects.toThrow(/--tag "linux"/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', tag: 'a-b' })).rejects.toThrow(/--tag "a-b"/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 'sock_opt', platforms: 'linux' })).rejects.toThrow(/--name "sock_opt"/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's' })).rejects.toThrow(/pass --platforms/);
    await expect(buildTagsGenerator(tree, { project: 'netx', name: 's', tag: 'x', migrate: true })).rejects.toThrow(/separate modes/);
    await expect(buildTagsGenerator(tree, { project: 'nope', name: 's', tag: 'x' })).rejects.toThrow(/no project named "nope"/);
  });

  describe('--migrate', () => {
    const corpus: Record<string, string> = {
      'a.go': '// +build linux,amd64 darwin\n// +build !purego\n\npackage netx\n',
      'b.go': '//go:build linux\n// +build linux\n\npackage netx\n',
      'c.go': '// Copyright 2020 The Authors.\n\n// +build ignore\n\npackage netx\n',
      'd.go': '// Package doc.\n\n// +build !windows,!plan9 cgo\n\n// Doc comment.\npackage netx\n',
      'e.go': '//go:build (linux && 386) || (darwin && !cgo)\n// +build linux,386 darwin,!cgo\n\npackage netx\n',
      'f_test.go': '// +build go1.18\n\npackage netx\n',
    };
    const disagreeing = '//go:build linux\n// +build darwin\n\npackage netx\n';

    let migrated: Tree | undefined;
    it('rewrites like gofmt + go fix, keeps +build for go < 1.17, reports disagreements', async () => {
      const tree = await netTree('1.22');
      for (const [f, c] of Object.entries(corpus)) tree.write(`libs/netx/${f}`, c);
      tree.write('libs/netx/h.go', disagreeing);
      const r = await buildTagsGenerator(tree, { project: 'netx', migrate: true });
      expect(r.disagreements).toEqual([{ file: 'libs/netx/h.go', goBuild: '//go:build linux', plusBuild: ['// +build darwin'] }]);
      expect(tree.read('libs/netx/h.go', 'utf-8')).toBe(disagreeing);
      expect(tree.read('libs/netx/a.go', 'utf-8')).toBe('//go:build ((linux && amd64) || darwin) && !purego\n\npackage netx\n');
      const once = snapshotTree(tree);
      await buildTagsGenerator(tree, { project: 'netx', migrate: true });
      expect(snapshotTree(tree)).toEqual(once);
      migrated = tree;
    });

    itIf(haveTools('go', 'gofmt'))('that rewrite is what gofmt -w then go fix write', () => {
      const tree = migrated as Tree;
      expect(tree).toBeDefined();
      // oracle: the same corpus through gofmt -w, then go fix (Go's plusbuild analyzer) until it
      // changes nothing more: each pass removes one // +build line per comment group
      const dir = tempDir('gocross-migrate-');
      fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/netx\n\ngo 1.22\n');
      for (const [f, c] of Object.entries(corpus)) fs.writeFileSync(path.join(dir, f), c);
      expect(run('gofmt', ['-w', '.'], dir).status).toBe(0);
      for (let pass = 0; pass < 4; pass++) {
        const fix = run('go', ['fix', '.'], dir, { GOFLAGS: '' });
        expect(fix.stderr).toBe('');
      }
      // go fix removes the +build line of a group only when there is one: with two (a.go) it
      // leaves both. The module says go 1.22, so a.go loses them here (checked above).
      expect(fs.readFileSync(path.join(dir, 'a.go'), 'utf-8')).toContain('// +build !purego');
      for (const f of Object.keys(corpus).filter((x) => x !== 'a.go')) {
        expect([f, tree.read(`libs/netx/${f}`, 'utf-8')]).toEqual([f, fs.readFileSync(path.join(dir, f), 'utf-8')]);
      }
    });

    let migratedAsm: Tree | undefined;
    it('migrates assembly files too (gofmt does not read them)', async () => {
      const tree = await netTree('1.22');
      const asm = '// +build amd64,!purego\n\n#include "textflag.h"\n\nTEXT ·Nop(SB), NOSPLIT, $0-0\n\tRET\n';
      tree.write('libs/netx/nop_amd64.s', asm);
      tree.write('libs/netx/nop.go', '//go:build amd64 && !purego\n\npackage netx\n\nfunc Nop()\n');
      tree.write('libs/netx/bad_arm64.s', '//go:build !purego\n// +build purego\n');
      const r = await buildTagsGenerator(tree, { project: 'netx', migrate: true });
      expect(r.migrated).toEqual(['libs/netx/nop_amd64.s']);
      expect(r.disagreements).toEqual([{ file: 'libs/netx/bad_arm64.s', goBuild: '//go:build !purego', plusBuild: ['// +build purego'] }]);
      expect(tree.read('libs/netx/nop_amd64.s', 'utf-8')).toBe(asm.replace('// +build amd64,!purego\n', '//go:build amd64 && !purego\n'));
      const old = await netTree('1.16');
      old.write('libs/netx/nop_amd64.s', asm);
      await buildTagsGenerator(old, { project: 'netx', migrate: true });
      expect(old.read('libs/netx/nop_amd64.s', 'utf-8')).toBe(`//go:build amd64 && !purego\n${asm}`);
      migratedAsm = tree;
    });

    itIf(haveTools('go'))('go vet accepts the migrated assembly files', () => {
      const tree = migratedAsm as Tree;
      expect(tree).toBeDefined();
      tree.delete('libs/netx/bad_arm64.s');
      const dir = writeTreeToDisk(tree);
      for (const tags of ['', 'purego']) {
        const vet = run('go', ['vet', `-tags=${tags}`, '.'], path.join(dir, 'libs/netx'), { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0' });
        expect([tags, vet.status, vet.stderr]).toEqual([tags, 0, '']);
      }
    });

    it('keeps // +build lines for a go 1.16 module, as gofmt writes them', async () => {
      const tree = await netTree('1.16');
      tree.write('libs/netx/a.go', corpus['a.go']);
      await buildTagsGenerator(tree, { project: 'netx', migrate: true });
      expect(tree.read('libs/netx/a.go', 'utf-8')).toBe(
        '//go:build ((linux && amd64) || darwin) && !purego\n// +build linux,amd64 darwin\n// +build !purego\n\npackage netx\n',
      );
    });
  });

  describe('for real', () => {
    itIf(haveTools('go', 'gofmt'))('go list picks exactly one variant for every GOOS/GOARCH of go tool dist list', async () => {
      const tree = await netTree();
      await buildTagsGenerator(tree, { project: 'netx', name: 'sockopt', platforms: 'linux,darwin,windows' });
      await buildTagsGenerator(tree, { project: 'netx', name: 'poll', platforms: 'unix,wasm' });
      await buildTagsGenerator(tree, { project: 'netx', name: 'hash', tag: 'purego' });
      const dir = writeTreeToDisk(tree);
      const pkg = path.join(dir, 'libs/netx');
      expect(run('gofmt', ['-l', '.'], pkg).stdout).toBe('');
      const dist = run('go', ['tool', 'dist', 'list'], pkg).stdout.trim().split('\n');
      expect(dist.length).toBeGreaterThan(40);
      for (const pair of dist) {
        const [goos, goarch] = pair.split('/');
        const r = run('go', ['list', '-f', '{{join .GoFiles " "}}', '.'], pkg, { GOOS: goos, GOARCH: goarch, CGO_ENABLED: '0' });
        expect([pair, r.stderr]).toEqual([pair, '']);
        const files = r.stdout.trim().split(' ');
        expect([pair, files.filter((f) => f.startsWith('sockopt_')).length, files.filter((f) => f.startsWith('poll_')).length, files.filter((f) => f.startsWith('hash_'))]).toEqual([
          pair, 1, 1, ['hash_nopurego.go'],
        ]);
        // and the TS evaluator agrees with go list file by file
        const ts = fs.readdirSync(pkg).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
          .filter((f) => fileIncluded(f, fs.readFileSync(path.join(pkg, f), 'utf-8'), { goos, goarch })).sort();
        expect([pair, ts]).toEqual([pair, [...files].sort()]);
      }
      const build = run('go', ['vet', '-tags', 'purego', '.'], pkg, { GOOS: 'linux', GOARCH: 'arm64' });
      expect(build.stderr).toBe('');
    });
  });
});

afterAll(() => removeTempDirs());
