import * as fs from 'node:fs';
import * as path from 'node:path';
import { logger, Tree } from '@nx/devkit';
import { emptyWorkspace, snapshotTree } from '../shared/test-utils';
import { importGoreleaserGenerator } from './generator';
import { buildPlatforms, importGoreleaser, mapTemplates, splitFlags } from './convert';
import { parsePlatform } from '../../platforms/platform';
import { resolveProjectOptions } from '../../graph/options';
import { checkSettings } from '../../graph/config-check';
import { PROJECT_CONFIG_SCHEMA } from '../../graph/config-schema';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('goreleaser builds → gocross.json', () => {
  it('maps the version, commit and date templates, with or without spaces, and keeps other braces', () => {
    expect(mapTemplates('-X a={{.Version}} -X b={{ .Version }} -X c={{.Commit}} -X d={{ .FullCommit }} -X e={{.CommitDate}} -X f={{ .Date }}')).toBe(
      '-X a={version} -X b={version} -X c={commit} -X d={commit} -X e={commitDate} -X f={commitDate}',
    );
    expect(splitFlags('-s -X main.d={{time "2006-01-02"}}  -X x=y')).toEqual(['-s', '-X', 'main.d={{time "2006-01-02"}}', '-X', 'x=y']);
  });

  it('goos × goarch defaults: linux, darwin, windows × amd64, arm64, 386 without darwin/386', () => {
    expect(buildPlatforms({}, 'b', [])).toEqual(['linux/amd64', 'linux/arm64', 'linux/386', 'darwin/amd64', 'darwin/arm64', 'windows/amd64', 'windows/arm64', 'windows/386']);
  });

  it('multiplies variants, keeps GOARM (default 6), drops variants equal to Go defaults, applies ignore with variants', () => {
    const unmapped: string[] = [];
    const b = { goos: ['linux'], goarch: ['arm', 'amd64', 'arm64', 'mips'], goarm: ['6', 7], goamd64: ['v1', 'v3'], ignore: [{ goarch: 'arm', goarm: 6 }, { goos: 'linux', goarch: 'amd64', goamd64: 'v1' }] };
    expect(buildPlatforms(b, 'b', unmapped)).toEqual(['linux/arm/7', 'linux/amd64/v3', 'linux/arm64', 'linux/mips']);
    expect(buildPlatforms({ goos: ['linux'], goarch: ['arm'] }, 'b', [])).toEqual(['linux/arm/6']);
    expect(unmapped).toEqual([]);
  });

  it('takes targets verbatim (goreleaser syntax) and reports the matrix fields it then ignores', () => {
    const unmapped: string[] = [];
    expect(buildPlatforms({ targets: ['linux_arm_7', 'linux_amd64_v3', 'darwin_arm64_v8.0', 'linux_arm', 'windows_amd64'], goos: ['linux'] }, 'b', unmapped)).toEqual([
      'linux/arm/7',
      'linux/amd64/v3',
      'darwin/arm64/v8.0',
      'linux/arm/6',
      'windows/amd64',
    ]);
    expect(unmapped).toEqual(['b.goos: goreleaser ignores it when targets is set, and so does the import']);
    expect(buildPlatforms({ targets: ['go_first_class'] }, 'b', [])).toEqual(['darwin/amd64', 'darwin/arm64', 'linux/386', 'linux/amd64', 'linux/arm/6', 'linux/arm64', 'windows/386', 'windows/amd64']);
  });

  it("goreleaser's own config (builds excerpt): platforms, ldflags with placeholders, the template it cannot map", () => {
    const r = importGoreleaser(fixture('goreleaser.yaml'));
    expect(r.settings).toEqual({
      platforms: ['linux/386', 'linux/amd64', 'linux/arm/7', 'linux/arm64', 'linux/loong64', 'linux/ppc64', 'linux/riscv64', 'darwin/amd64', 'darwin/arm64', 'windows/386', 'windows/amd64', 'windows/arm64'],
      ldflags: '-s -w -X main.version={version} -X main.commit={commit} -X main.date={commitDate} -X main.builtBy=goreleaser',
    });
    expect(r.unmapped).toEqual([
      'builds[0].mod_timestamp: gocross does not set the binary mtime (the Nx cache restores files with their own)',
      'builds[0].ldflags "-X main.treeState={{ .IsGitDirty }}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}',
    ]);
    // Every platform is one gocross reads.
    for (const p of r.settings.platforms ?? []) expect(() => parsePlatform(p)).not.toThrow();
  });

  it("cli/cli's three builds: platforms add up, hooks, {{time}}, bin/ and the cgo disagreement are reported", () => {
    const r = importGoreleaser(fixture('cli.yaml'), { binaryName: (m) => m.split('/').pop() });
    expect(r.builds).toEqual(['macos', 'linux', 'windows']);
    expect(r.settings).toEqual({
      platforms: ['darwin/amd64', 'darwin/arm64', 'linux/386', 'linux/arm/6', 'linux/amd64', 'linux/arm64', 'windows/386', 'windows/amd64', 'windows/arm64'],
      ldflags: '-s -w -X github.com/cli/cli/v2/internal/build.Version={version}',
      mains: ['./cmd/gh'],
    });
    expect(r.unmapped).toContain('macos.hooks: gocross runs no build hooks: make them Nx targets the build depends on');
    expect(r.unmapped).toContain('linux.ldflags "-X github.com/cli/cli/v2/internal/build.Date={{time "2006-01-02"}}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}');
    expect(r.unmapped).toContain("cgo: builds disagree (macos (unset); linux false); gocross.json has one value per project: imported macos's");
    expect(r.unmapped).toContain("binary \"bin/gh\": gocross writes the binary as gh into each platform's output directory, without the bin/ directory");
    expect(r.notes).toContain('linux builds without -trimpath; gocross builds with it (reproducible, no local paths in the binary)');
  });

  it("fzf's build: goarm 5, 6, 7 and seven ignore entries", () => {
    const r = importGoreleaser(fixture('fzf.yaml'), { binaryName: () => 'fzf' });
    expect(r.settings.platforms).toEqual([
      'darwin/amd64', 'darwin/arm64', 'linux/amd64', 'linux/arm/5', 'linux/arm/6', 'linux/arm/7', 'linux/arm64', 'linux/loong64', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64',
      'windows/amd64', 'windows/arm64', 'freebsd/amd64', 'openbsd/amd64', 'android/arm64',
    ]);
    expect(r.settings.ldflags).toBe('-s -w -X main.version={version}');
    expect(r.unmapped).toEqual(['fzf.ldflags "-X main.revision={{ .ShortCommit }}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}']);
  });

  it('maps tags, gcflags, env, CGO_ENABLED=1, buildmode and -tags in flags; reports other flags, dir, overrides', () => {
    const r = importGoreleaser(`
builds:
  - main: ./cmd/x/
    goos: [linux]
    goarch: [amd64]
    tags: [netgo, "osusergo"]
    flags: [-trimpath, -tags=extra, -v]
    gcflags: ["all=-trimpath={{.Env.PWD}}", "-l"]
    env: [CGO_ENABLED=1, "FOO=bar-{{ .Version }}", GOARCH=arm]
    buildmode: pie
    dir: sub
    overrides: [{goos: linux, goarch: amd64, ldflags: [-s]}]
    ldflags: -s
`);
    expect(r.settings).toEqual({ platforms: ['linux/amd64'], tags: ['netgo', 'osusergo', 'extra'], ldflags: '-s', gcflags: '-l', env: { FOO: 'bar-{version}' }, cgo: true, buildmode: 'pie', mains: ['./cmd/x/'] });
    expect(r.unmapped).toEqual([
      'builds[0].dir: gocross builds from the module root: make the directory its own project',
      'builds[0].overrides: per-platform overrides have no gocross.json equivalent: set the options on the build-<platform> target',
      'builds[0].flags "-v": gocross.json has no go build flags besides tags, ldflags and gcflags',
      'builds[0].gcflags "all=-trimpath={{.Env.PWD}}": a template other than {{.Version}}, {{.Commit}}, {{.CommitDate}}, {{.Date}}',
      'builds[0].env GOARCH: the platform sets it',
    ]);
  });

  it("without ldflags, goreleaser's default is imported with {{.Date}} as the commit date", () => {
    const r = importGoreleaser('builds:\n  - goos: [linux]\n    goarch: [arm64]\n');
    expect(r.settings.ldflags).toBe('-s -w -X main.version={version} -X main.commit={commit} -X main.date={commitDate} -X main.builtBy=goreleaser');
    expect(r.notes.some((n) => n.startsWith('{{.Date}} (the build time) became {commitDate}'))).toBe(true);
  });

  it('the settings it writes are ones the graph reads', () => {
    const r = importGoreleaser(fixture('fzf.yaml'));
    expect(checkSettings(r.settings, PROJECT_CONFIG_SCHEMA)).toEqual([]);
    const o = resolveProjectOptions(undefined, r.settings as never, 'x/gocross.json');
    expect(o.platforms).toHaveLength(16);
    expect(o.ldflags).toBe('-s -w -X main.version={version}');
  });
});

describe('import-goreleaser generator', () => {
  let tree: Tree;
  const warn: string[] = [];
  beforeAll(() => {
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation((m: string) => void warn.push(m));
  });
  beforeEach(() => {
    tree = emptyWorkspace();
    warn.length = 0;
    tree.write('apps/fzf/go.mod', 'module github.com/junegunn/fzf\n\ngo 1.23\n');
    tree.write('apps/fzf/main.go', 'package main\n\nfunc main() {}\n');
    tree.write('apps/fzf/.goreleaser.yml', fixture('fzf.yaml'));
  });

  it('writes gocross.json from the config it finds in the project, prints what it could not map, and is idempotent', async () => {
    const r = await importGoreleaserGenerator(tree, { project: 'fzf' });
    expect(r.config).toBe('apps/fzf/.goreleaser.yml');
    expect(r.changed).toBe(true);
    const json = JSON.parse(tree.read('apps/fzf/gocross.json', 'utf-8')!);
    expect(json).toEqual(r.settings);
    expect(warn.join('\n')).toContain('fzf.ldflags "-X main.revision={{ .ShortCommit }}"');
    const once = snapshotTree(tree);
    const again = await importGoreleaserGenerator(tree, { project: 'fzf' });
    expect(again.changed).toBe(false);
    expect(snapshotTree(tree)).toEqual(once);
  });

  it('keeps the other settings of gocross.json, refuses to change one without --force', async () => {
    tree.write('apps/fzf/gocross.json', JSON.stringify({ libc: 'musl', ldflags: '-s' }));
    const before = snapshotTree(tree);
    await expect(importGoreleaserGenerator(tree, { project: 'fzf' })).rejects.toThrow(
      "refusing to change apps/fzf/gocross.json: it already sets ldflags to other values (pass --force to replace them with apps/fzf/.goreleaser.yml's)",
    );
    expect(snapshotTree(tree)).toEqual(before);
    await importGoreleaserGenerator(tree, { project: 'fzf', force: true });
    const json = JSON.parse(tree.read('apps/fzf/gocross.json', 'utf-8')!);
    expect(json.libc).toBe('musl');
    expect(json.ldflags).toBe('-s -w -X main.version={version}');
  });

  it('reads --config, and names the files it looked for when there is none', async () => {
    tree.delete('apps/fzf/.goreleaser.yml');
    await expect(importGoreleaserGenerator(tree, { project: 'fzf' })).rejects.toThrow(/no goreleaser config in apps\/fzf or the workspace root \(looked for \.goreleaser\.yaml, .*\): pass --config/);
    tree.write('release/gr.yaml', fixture('goreleaser.yaml'));
    const r = await importGoreleaserGenerator(tree, { project: 'fzf', config: './release/gr.yaml' });
    expect(r.config).toBe('release/gr.yaml');
    await expect(importGoreleaserGenerator(tree, { project: 'fzf', config: 'nope.yaml' })).rejects.toThrow('--config: nope.yaml does not exist');
    tree.write('bad.yaml', 'builds: [\n');
    await expect(importGoreleaserGenerator(tree, { project: 'fzf', config: 'bad.yaml' })).rejects.toThrow(/^bad\.yaml: not valid YAML/);
  });
});
