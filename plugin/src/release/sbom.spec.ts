import * as CDX from '@cyclonedx/cyclonedx-library';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseModInfo } from '../binary/buildinfo';
import type { GoBuildInfo } from '../binary/types';
import { readBuildInfo } from '../binary/buildinfo';
import { bufferSource } from '../binary/source';
import { generateSbom, golangPurl, sbomFromBuildInfo, sbomModuleDifferences, sbomStatement, serializeSbom, serialNumberFor } from './sbom';
import { sha256Hex } from './checksums';
import { depsModule, goBuild, run, tempDir, writeTree } from './test-utils/go';

interface GoVersionModule {
  path: string;
  version: string;
  sum: string;
  replace?: { path: string; version: string; sum: string };
}

/** The `dep` and `=>` lines of `go version -m` (the Go toolchain's own reader), and its build settings. */
function goVersionM(file: string): { deps: GoVersionModule[]; settings: Map<string, string>; mod: string[] } {
  const deps: GoVersionModule[] = [];
  const settings = new Map<string, string>();
  let mod: string[] = [];
  for (const line of run('go', ['version', '-m', file]).split('\n')) {
    const f = line.split('\t').slice(1);
    if (f[0] === 'dep') deps.push({ path: f[1], version: f[2], sum: f[3] ?? '' });
    else if (f[0] === '=>') deps[deps.length - 1].replace = { path: f[1], version: f[2] ?? '', sum: f[3] ?? '' };
    else if (f[0] === 'mod') mod = f.slice(1);
    else if (f[0] === 'build') {
      const kv = f.slice(1).join('\t');
      const eq = kv.indexOf('=');
      settings.set(kv.slice(0, eq), kv.slice(eq + 1).replace(/^"(.*)"$/, '$1'));
    }
  }
  return { deps, settings, mod };
}

interface CdxJson {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  metadata: { component: { name: string; purl: string; 'bom-ref': string; type: string }; properties: { name: string; value: string }[]; timestamp?: string };
  components: { name: string; version: string; purl?: string; 'bom-ref': string; scope: string; properties?: { name: string; value: string }[] }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

describe('golangPurl', () => {
  // "build" cases of purl-spec tests/types/golang-test.json.
  it.each([
    [['google.golang.org/genproto', undefined, {}, 'googleapis/api/annotations'], 'pkg:golang/google.golang.org/genproto#googleapis/api/annotations'],
    [['github.com/gorilla/context', '234fd47e07d1004f0aed9c'], 'pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c'],
    [['github.com/gorilla/context', '234fd47e07d1004f0aed9c', {}, 'api'], 'pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api'],
  ] as const)('%j → %s', (args, want) => {
    expect(golangPurl(...(args as unknown as Parameters<typeof golangPurl>))).toBe(want);
  });

  it('lowercases namespace and name (golang type definition), encodes "+" and sorts qualifiers', () => {
    expect(golangPurl('github.com/Masterminds/semver/v3', 'v3.2.1')).toBe('pkg:golang/github.com/masterminds/semver/v3@v3.2.1');
    expect(golangPurl('github.com/dgrijalva/jwt-go', 'v3.2.0+incompatible')).toBe('pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible');
    expect(golangPurl('example.com/app', 'v1.0.0', { goos: 'linux', goarch: 'arm64' })).toBe('pkg:golang/example.com/app@v1.0.0?goarch=arm64&goos=linux');
  });
});

describe('SBOM of a real cross-compiled binary', () => {
  let bin: string;
  let bytes: Buffer;
  let json: string;
  let doc: CdxJson;

  beforeAll(() => {
    const dir = depsModule();
    // Without -trimpath the build info also records -ldflags.
    bin = goBuild(dir, { goos: 'linux', goarch: 'arm64' }, path.join(dir, 'relapp'), { mod: true, trimpath: false, ldflags: '-s -X main.version=1.2.3', pkg: './cmd/relapp' });
    bytes = fs.readFileSync(bin);
    json = generateSbom(bytes, { binaryName: 'relapp', timestamp: new Date('2024-02-29T13:14:15Z'), tool: { name: 'gocross', version: '0.1.0' } }).json;
    doc = JSON.parse(json) as CdxJson;
  }, 300_000); // a go build that may download modules, on a shared machine

  it('is valid CycloneDX 1.6 (the library\'s strict JSON schema validator)', async () => {
    const errors = await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json);
    expect(errors).toBeNull();
    expect(doc.bomFormat).toBe('CycloneDX');
    expect(doc.specVersion).toBe('1.6');
    // The validator does reject a broken document (it is not a no-op here).
    const broken = JSON.stringify({ ...doc, serialNumber: 'urn:uuid:NOT-A-UUID' });
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(broken)).not.toBeNull();
  });

  it('lists exactly the modules `go version -m` lists, with purls and h1 hashes', () => {
    const gv = goVersionM(bin);
    expect(gv.deps.length).toBe(3);
    const expected = gv.deps
      .map((d) => {
        // A directory replacement (go.mod: the right side starts with ./ or ../) compiles local code.
        const dirReplace = d.replace !== undefined && /^\.\.?\//.test(d.replace.path);
        const p = d.replace && !dirReplace ? d.replace : d;
        const purl = dirReplace ? undefined : `pkg:golang/${p.path.toLowerCase()}@${p.version.replace(/\+/g, '%2B')}`;
        return { name: p.path, version: p.version, purl, h1: dirReplace ? undefined : p.sum };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const got = doc.components
      .map((c) => ({ name: c.name, version: c.version, purl: c.purl, h1: c.properties?.find((p) => p.name === 'gocross:gomod:h1')?.value }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(got).toEqual(expected);
    // The replaced toml is the version that was compiled, and says what it replaced.
    const toml = doc.components.find((c) => c.name === 'github.com/BurntSushi/toml')!;
    expect(toml.version).toBe('v1.3.2');
    expect(toml.purl).toBe('pkg:golang/github.com/burntsushi/toml@v1.3.2');
    expect(toml.properties).toContainEqual({ name: 'gocross:gomod:replaces', value: 'github.com/BurntSushi/toml@v1.4.0' });
    const local = doc.components.find((c) => c.name === 'example.com/local')!;
    expect(local.purl).toBeUndefined();
    expect(local.properties).toContainEqual({ name: 'gocross:gomod:replacement:dir', value: './local' });
    for (const c of doc.components) expect(c.scope).toBe('required');
  });

  it('sbomModuleDifferences: none for its own binary (replaced by a module, by a directory); a module removed, added or of another version is named', () => {
    const bi = readBuildInfo(bufferSource(bytes))!;
    expect(sbomModuleDifferences(doc, bi)).toEqual([]);
    const without = { ...doc, components: doc.components.filter((c) => c.name !== 'github.com/google/uuid') };
    expect(sbomModuleDifferences(without, bi)).toEqual(['lists no component for github.com/google/uuid@v1.6.0 (in the binary\'s build info)']);
    const other = { ...doc, components: [...without.components, { ...doc.components.find((c) => c.name === 'github.com/google/uuid')!, version: 'v1.5.0' }] };
    expect(sbomModuleDifferences(other, bi)).toEqual([
      'lists no component for github.com/google/uuid@v1.6.0 (in the binary\'s build info)',
      'lists github.com/google/uuid@v1.5.0, not in the binary\'s build info',
    ]);
    // The original of a module replacement is not what was compiled.
    const original = { ...doc, components: doc.components.map((c) => (c.name === 'github.com/BurntSushi/toml' ? { ...c, version: 'v1.4.0' } : c)) };
    expect(sbomModuleDifferences(original, bi)).toEqual([
      'lists no component for github.com/BurntSushi/toml@v1.3.2 (in the binary\'s build info)',
      'lists github.com/BurntSushi/toml@v1.4.0, not in the binary\'s build info',
    ]);
    expect(sbomModuleDifferences({ ...doc, metadata: { ...doc.metadata, component: { ...doc.metadata.component, name: 'example.com/other' } } }, bi)).toEqual([
      'main module "example.com/other", the binary\'s build info says example.com/relapp',
    ]);
  });

  it('names the main module with the binary\'s own target and subpath, and depends on every module', () => {
    const gv = goVersionM(bin);
    expect(doc.metadata.component.name).toBe(gv.mod[0]);
    expect(doc.metadata.component.type).toBe('application');
    // The host is amd64; the qualifiers must come from the binary (arm64).
    expect(doc.metadata.component.purl).toBe(`pkg:golang/example.com/relapp?goarch=${gv.settings.get('GOARCH')}&goos=linux#cmd/relapp`);
    expect(gv.settings.get('GOARCH')).toBe('arm64');
    const mainDeps = doc.dependencies.find((d) => d.ref === doc.metadata.component['bom-ref'])!;
    expect([...mainDeps.dependsOn!].sort()).toEqual(doc.components.map((c) => c['bom-ref']).sort());
  });

  it('records the toolchain and every build setting as properties', () => {
    const gv = goVersionM(bin);
    const props = new Map<string, string[]>();
    for (const p of doc.metadata.properties) props.set(p.name, [...(props.get(p.name) ?? []), p.value]);
    expect(props.get('cdx:gomod:build:env:GOVERSION')).toEqual([run('go', ['env', 'GOVERSION']).trim()]);
    expect(props.get('cdx:gomod:binary:name')).toEqual(['relapp']);
    expect(props.get('cdx:gomod:binary:hash:SHA-256')).toEqual([sha256Hex(bytes)]);
    expect(props.get('cdx:gomod:build:env:GOOS')).toEqual(['linux']);
    expect(props.get('cdx:gomod:build:env:GOARCH')).toEqual(['arm64']);
    expect(props.get('cdx:gomod:build:env:CGO_ENABLED')).toEqual(['0']);
    expect(gv.settings.get('-ldflags')).toBe('-s -X main.version=1.2.3');
    for (const [k, v] of gv.settings) expect(props.get(`gocross:go:build:${k}`)).toEqual([v]);
    expect(doc.metadata.timestamp).toBe('2024-02-29T13:14:15.000Z');
  });

  it('is reproducible: same binary, same bytes; the serial number follows the binary', () => {
    expect(generateSbom(bytes, { binaryName: 'relapp', timestamp: new Date('2024-02-29T13:14:15Z'), tool: { name: 'gocross', version: '0.1.0' } }).json).toBe(json);
    expect(doc.serialNumber).toBe(serialNumberFor(sha256Hex(bytes)));
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const other = Buffer.concat([bytes, Buffer.from([0])]);
    expect(JSON.parse(generateSbom(other, { binaryName: 'relapp' }).json).serialNumber).not.toBe(doc.serialNumber);
  });

  it('wraps into an in-toto v1 statement about the binary', () => {
    const st = sbomStatement(json, { name: 'relapp', sha256: sha256Hex(bytes) }) as Record<string, unknown>;
    expect(st).toEqual({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'relapp', digest: { sha256: sha256Hex(bytes) } }], predicateType: 'https://cyclonedx.org/bom', predicate: doc });
  });

  it('refuses a file without Go build info', () => {
    const f = path.join(tempDir('nogo'), 'x');
    fs.writeFileSync(f, Buffer.from('#!/bin/sh\necho hi\n'));
    expect(() => generateSbom(fs.readFileSync(f), { binaryName: 'x' })).toThrow(/x: no Go build info found/);
  });
});

describe('build settings from module text', () => {
  it('maps vcs.*, -tags and the main module version as cyclonedx-gomod names them', async () => {
    // Module text in the form runtime/debug.BuildInfo.String prints (what `go version -m` shows).
    const text = [
      'path\texample.com/tool/cmd/tool',
      'mod\texample.com/tool\tv1.4.0\th1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      'dep\tgithub.com/dgrijalva/jwt-go\tv3.2.0+incompatible\th1:7qlOGliEKZXTDg6OTjfoBKDXWrumCAMpl/TFQ4/5kLM=',
      'build\t-tags=netgo,osusergo',
      'build\tCGO_ENABLED=1',
      'build\tGOARCH=amd64',
      'build\tGOOS=darwin',
      'build\tGOAMD64=v2',
      'build\tvcs=git',
      'build\tvcs.revision=0123456789abcdef0123456789abcdef01234567',
      'build\tvcs.time=2024-02-29T13:14:15Z',
      'build\tvcs.modified=false',
    ].join('\n');
    const bi: GoBuildInfo = { goVersion: 'go1.26.8', modinfo: text, ptrSize: 8, bigEndian: false, inline: true, ...parseModInfo(text) };
    const json = serializeSbom(sbomFromBuildInfo(bi, { binaryName: 'tool', binarySha256: 'ab'.repeat(32) }));
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json)).toBeNull();
    const doc = JSON.parse(json) as CdxJson;
    const props = doc.metadata.properties.map((p) => `${p.name}=${p.value}`);
    expect(props).toEqual(
      expect.arrayContaining([
        'cdx:gomod:build:tag=netgo',
        'cdx:gomod:build:tag=osusergo',
        'cdx:gomod:build:vcs=git',
        'cdx:gomod:build:vcs:revision=0123456789abcdef0123456789abcdef01234567',
        'cdx:gomod:build:vcs:time=2024-02-29T13:14:15Z',
        'cdx:gomod:build:vcs:modified=false',
        'cdx:gomod:build:env:CGO_ENABLED=1',
        'gocross:go:build:GOAMD64=v2',
        'gocross:go:build:-tags=netgo,osusergo',
      ]),
    );
    expect(doc.metadata.component.purl).toBe('pkg:golang/example.com/tool@v1.4.0?goarch=amd64&goos=darwin#cmd/tool');
    expect(doc.components.map((c) => c.purl)).toEqual(['pkg:golang/github.com/dgrijalva/jwt-go@v3.2.0%2Bincompatible']);
    expect(doc.metadata.timestamp).toBeUndefined();
  });

  it('a workspace module ((devel), no sum) is a component of version (devel), and agrees with the build info', () => {
    const text = ['path\texample.com/app', 'mod\texample.com/app\t(devel)\t', 'dep\texample.com/libs/mathx\t(devel)\t', 'build\tGOARCH=amd64', 'build\tGOOS=linux'].join('\n');
    const bi: GoBuildInfo = { goVersion: 'go1.26.8', modinfo: text, ptrSize: 8, bigEndian: false, inline: true, ...parseModInfo(text) };
    const doc = JSON.parse(serializeSbom(sbomFromBuildInfo(bi, { binaryName: 'app', binarySha256: 'cd'.repeat(32) }))) as CdxJson;
    expect(doc.components.map((c) => `${c.name}@${c.version}`)).toEqual(['example.com/libs/mathx@(devel)']);
    expect(sbomModuleDifferences(doc, bi)).toEqual([]);
    expect(sbomModuleDifferences({ ...doc, components: [] }, bi)).toEqual(["lists no component for example.com/libs/mathx@(devel) (in the binary's build info)"]);
  });
});

describe('SBOM of a go.work build (a workspace module and the release version)', () => {
  const ws = tempDir('sbom-work');
  writeTree(ws, {
    'go.work': 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n',
    'lib/go.mod': 'module example.com/devices/lib\n\ngo 1.22\n',
    'lib/greet.go': 'package lib\n\nfunc Greet() string { return "hi" }\n',
    'app/go.mod': 'module example.com/devices/app\n\ngo 1.22\n\nrequire example.com/devices/lib v0.0.0\n',
    'app/main.go': 'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/devices/lib"\n)\n\nfunc main() { fmt.Println(lib.Greet()) }\n',
  });
  const bin = goBuild(path.join(ws, 'app'), { goos: 'linux', goarch: 'arm64', env: { GOWORK: path.join(ws, 'go.work') } }, path.join(ws, 'app-bin'));
  const sbom = (version?: string) => JSON.parse(generateSbom(fs.readFileSync(bin), { binaryName: 'app', version }).json) as CdxJson;

  it('is valid CycloneDX 1.6, tagged or not', async () => {
    for (const v of ['v0.1.0', 'v0.1.0-dirty', undefined]) {
      const json = generateSbom(fs.readFileSync(bin), { binaryName: 'app', version: v }).json;
      expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json)).toBeNull();
    }
  });

  it('lists the workspace module as go version -m does, "(devel)", with no purl (no proxy serves it)', () => {
    expect(goVersionM(bin).deps).toEqual([{ path: 'example.com/devices/lib', version: '(devel)', sum: '' }]);
    const lib = sbom('v0.1.0').components.find((c) => c.name === 'example.com/devices/lib');
    expect(lib).toMatchObject({ version: '(devel)' });
    expect(lib?.purl).toBeUndefined();
  });

  it("names the release version for the main module, in its purl only when it is exactly a tag", () => {
    expect(goVersionM(bin).mod.slice(0, 2)).toEqual(['example.com/devices/app', '(devel)']);
    const tagged = sbom('v0.1.0').metadata.component as { version?: string; purl: string };
    expect(tagged.version).toBe('v0.1.0');
    expect(tagged.purl).toBe('pkg:golang/example.com/devices/app@v0.1.0?goarch=arm64&goos=linux');
    for (const v of ['v0.1.1-1-gf9c8559', 'v0.1.0-dirty', 'v0.1.1-1-gf9c8559-dirty']) {
      const c = sbom(v).metadata.component as { version?: string; purl: string };
      expect([v, c.version, c.purl]).toEqual([v, v, 'pkg:golang/example.com/devices/app?goarch=arm64&goos=linux']);
    }
    expect((sbom().metadata.component as { version?: string }).version).toBeUndefined();
  });
});
