import Ajv2020 from 'ajv/dist/2020';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runBuild, type BuildLogger } from './executor';
import {
  BUILD_TYPE,
  BUILDER_ID,
  dirHashOf,
  linkmodeOf,
  parseManifest,
  PROVENANCE_TYPE,
  STATEMENT_TYPE,
  type BuildStatement,
} from './manifest';
import { earlierProducts, removeEarlierProducts } from './record';
import { defaultOutputDirName, resolveBuildOutputs } from '../../platforms/outputs';
import { Capture } from './test-utils/capture';

/**
 * in-toto publishes no JSON Schema for Statement v1 (its machine-readable form is protobuf) and
 * SLSA's is CUE, so the required fields are encoded here from the specs: in-toto/attestation
 * spec/v1/{statement,resource_descriptor,digest_set}.md and slsa spec/build-provenance.md.
 */
const typeUri = { type: 'string', pattern: '^[a-z][a-z0-9+.-]*:' };
const resourceDescriptor = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    uri: { type: 'string' },
    digest: { type: 'object', additionalProperties: { type: 'string', pattern: '^[0-9a-f]+$' } },
    content: { type: 'string' },
    downloadLocation: { type: 'string' },
    mediaType: { type: 'string' },
    annotations: { type: 'object' },
  },
  anyOf: [{ required: ['uri'] }, { required: ['digest'] }, { required: ['content'] }],
};
const STATEMENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['_type', 'subject', 'predicateType', 'predicate'],
  properties: {
    _type: { const: 'https://in-toto.io/Statement/v1' },
    subject: {
      type: 'array',
      minItems: 1,
      items: {
        allOf: [resourceDescriptor],
        required: ['digest'],
        properties: { digest: { type: 'object', required: ['sha256'], properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } } } },
      },
    },
    predicateType: { const: 'https://slsa.dev/provenance/v1' },
    predicate: {
      type: 'object',
      required: ['buildDefinition', 'runDetails'],
      properties: {
        buildDefinition: {
          type: 'object',
          required: ['buildType', 'externalParameters'],
          properties: {
            buildType: typeUri,
            externalParameters: { type: 'object' },
            internalParameters: { type: 'object' },
            resolvedDependencies: { type: 'array', items: resourceDescriptor },
          },
        },
        runDetails: {
          type: 'object',
          required: ['builder'],
          properties: {
            builder: {
              type: 'object',
              required: ['id'],
              properties: { id: typeUri, version: { type: 'object', additionalProperties: { type: 'string' } } },
            },
            metadata: { type: 'object' },
            byproducts: { type: 'array', items: resourceDescriptor },
          },
        },
      },
    },
  },
};
const validateStatement = new Ajv2020({ allErrors: true, strict: false }).compile(STATEMENT_SCHEMA);

const goAvailable = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
if (!goAvailable && process.env.CI === 'true') throw new Error('go is required for the build manifest tests in CI');
if (!goAvailable) console.warn('go not found: skipping the build manifest tests that build');
const describeGo = goAvailable ? describe : describe.skip;
const hostIsLinuxAmd64 = process.platform === 'linux' && process.arch === 'x64';
function haveTool(cmd: string): boolean {
  const found = spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;
  if (!found && process.env.CI === 'true') throw new Error(`${cmd} is required in CI`);
  if (!found) console.warn(`${cmd} not found: skipping the test that needs it`);
  return found;
}
const haveHostGcc = goAvailable && hostIsLinuxAmd64 && haveTool('gcc');

const quiet = { stdout: null, stderr: null };

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}
const sha256 = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const readStatement = (f: string): BuildStatement => JSON.parse(fs.readFileSync(f, 'utf8'));

describe('build manifest format', () => {
  it('linkmodeOf: external for cgo and the C build modes unless -linkmode says otherwise', () => {
    expect(linkmodeOf('exe', false, undefined)).toBe('internal');
    expect(linkmodeOf('exe', true, '')).toBe('external');
    expect(linkmodeOf('c-archive', true, '-linkmode=internal')).toBe('internal');
    expect(linkmodeOf('exe', false, '-s -linkmode external')).toBe('external');
  });

  it('dirHashOf turns a go.sum h1: value into hex, and rejects anything else', () => {
    const bytes = crypto.randomBytes(32);
    expect(dirHashOf(`h1:${bytes.toString('base64')}`)).toBe(bytes.toString('hex'));
    expect(dirHashOf('h1:abc')).toBeUndefined();
    expect(dirHashOf('sha256:00')).toBeUndefined();
  });

  it('parseManifest names the file and the first problem', () => {
    expect(() => parseManifest('{', 'dist/x/app.intoto.json')).toThrow(/^dist\/x\/app\.intoto\.json: not valid JSON/);
    expect(() => parseManifest('{"_type":"https://in-toto.io/Statement/v0.1"}', 'm.json')).toThrow(
      'm.json: not a gocross build manifest: $._type must be https://in-toto.io/Statement/v1',
    );
  });

  it('defaultOutputDirName: every option that changes the artifact is in the name', () => {
    const p = { goos: 'linux', goarch: 'arm64' };
    const names = [
      defaultOutputDirName(p, {}),
      defaultOutputDirName(p, { cgo: true }),
      defaultOutputDirName(p, { cgo: true, libc: 'musl' }),
      defaultOutputDirName(p, { cgo: true, buildmode: 'c-shared' }),
      defaultOutputDirName(p, { cgo: true, buildmode: 'c-archive' }),
      defaultOutputDirName(p, { cgo: true, libc: 'musl', buildmode: 'c-archive' }),
      defaultOutputDirName(p, { buildmode: 'pie' }),
      defaultOutputDirName({ ...p, goarch: 'arm', variant: '7' }, { cgo: true }),
    ];
    expect(names).toEqual([
      'linux-arm64',
      'linux-arm64-cgo',
      'linux-arm64-musl',
      'linux-arm64-cgo-c-shared',
      'linux-arm64-cgo-c-archive',
      'linux-arm64-musl-c-archive',
      'linux-arm64-pie',
      'linux-arm-7-cgo',
    ]);
    expect(new Set(names).size).toBe(names.length);
    // libc without cgo changes nothing: no C is linked.
    expect(defaultOutputDirName(p, { libc: 'musl' })).toBe('linux-arm64');
  });

  it('the configured options name the default directory, not the overrides', () => {
    const c = { workspaceRoot: '/ws', projectRoot: 'apps/api' };
    expect(resolveBuildOutputs({ goos: 'linux', goarch: 'arm64', cgo: true }, { ...c, layout: { goos: 'linux', goarch: 'arm64' } }).dir).toBe(
      '/ws/dist/apps/api/linux-arm64',
    );
    expect(resolveBuildOutputs({ goos: 'linux', goarch: 'arm64', cgo: true }, c).dir).toBe('/ws/dist/apps/api/linux-arm64-cgo');
  });
});

describeGo('build manifest of real builds', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-manifest-'));
    env = { ...process.env, GOCROSS_CACHE_DIR: path.join(ws, '.cache'), GOPROXY: 'off' };
    write(path.join(ws, 'libs/dep/go.mod'), 'module example.com/dep\n\ngo 1.22\n');
    write(path.join(ws, 'libs/dep/dep.go'), 'package dep\n\nfunc Name() string { return "dep" }\n');
    write(
      path.join(ws, 'apps/api/go.mod'),
      'module example.com/api\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../../libs/dep\n',
    );
    write(path.join(ws, 'apps/api/main.go'), 'package main\n\nimport "example.com/dep"\n\nfunc main() { println(dep.Name()) }\n');
    write(
      path.join(ws, 'apps/api/cmd/clib/main.go'),
      'package main\n\nimport "C"\n\n//export Twice\nfunc Twice(x C.int) C.int { return 2 * x }\n\nfunc main() {}\n',
    );
  });
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('records the artifact digest, what was built and the modules of the build info; valid Statement v1 / SLSA v1', async () => {
    const logger = new Capture();
    const r = await runBuild(
      { goos: 'linux', goarch: 'arm64', goarm64: 'v8.0', tags: ['netgo'], ldflags: '-s', env: { GOPROXY: 'https://user:s3cret@proxy.example/' } },
      { workspaceRoot: ws, projectRoot: 'apps/api', env, target: 'api:build-linux-arm64' },
      { logger, ...quiet },
    );
    expect(logger.errors).toEqual([]);
    const out = r.artifacts[0];
    const manifest = `${out}.intoto.json`;
    const st = readStatement(manifest);
    expect(validateStatement(st)).toBe(true);
    expect(validateStatement.errors ?? null).toBeNull();
    expect(parseManifest(fs.readFileSync(manifest, 'utf8'), manifest)).toEqual(st);
    expect(st._type).toBe(STATEMENT_TYPE);
    expect(st.predicateType).toBe(PROVENANCE_TYPE);
    expect(st.subject).toEqual([{ name: 'api', digest: { sha256: sha256(out) }, annotations: { size: fs.statSync(out).size } }]);
    const bd = st.predicate.buildDefinition;
    expect(bd.buildType).toBe(BUILD_TYPE);
    expect(st.predicate.runDetails.builder.id).toBe(BUILDER_ID);
    expect(bd.externalParameters).toEqual({
      target: 'api:build-linux-arm64',
      options: {
        env: { GOPROXY: `sha256:${crypto.createHash('sha256').update('https://user:s3cret@proxy.example/').digest('hex')}` },
        goarch: 'arm64',
        goarm64: 'v8.0',
        goos: 'linux',
        ldflags: '-s',
        tags: ['netgo'],
      },
    });
    expect(fs.readFileSync(manifest, 'utf8')).not.toContain('s3cret');
    const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env }).stdout.trim();
    expect(bd.internalParameters).toMatchObject({
      platform: 'linux/arm64/v8.0',
      goos: 'linux',
      goarch: 'arm64',
      variant: 'v8.0',
      cgo: false,
      buildmode: 'exe',
      linkmode: 'internal',
      tags: ['netgo'],
      ldflags: '-s -buildid=',
      trimpath: true,
      goVersion,
      main: '.',
      projectRoot: 'apps/api',
      env: { GOOS: 'linux', GOARCH: 'arm64', GOARM64: 'v8.0', CGO_ENABLED: '0' },
    });
    // The artifact as go was told to write it, from the project root: no path of this machine.
    const o = bd.internalParameters.goArgs.indexOf('-o');
    expect(bd.internalParameters.goArgs[o + 1]).toBe('../../dist/apps/api/linux-arm64-v8.0/api');
    expect(path.resolve(ws, 'apps/api', bd.internalParameters.goArgs[o + 1])).toBe(out);
    expect(fs.readFileSync(manifest, 'utf8')).not.toContain(ws);
    expect(bd.internalParameters.libc).toBeUndefined();
    // Go toolchain, main module, then the dependency as `go version -m` lists it.
    const m = spawnSync('go', ['version', '-m', out], { encoding: 'utf8' }).stdout;
    expect(m).toMatch(/\tdep\texample\.com\/dep\tv0\.0\.0/);
    expect(bd.resolvedDependencies).toEqual([
      { name: 'go', uri: `https://go.dev/dl/#${goVersion}`, annotations: { version: goVersion } },
      { name: 'example.com/api', uri: 'pkg:golang/example.com/api@(devel)', annotations: { main: true } },
      { name: 'example.com/dep', uri: 'pkg:golang/example.com/dep@v0.0.0', annotations: { replacedBy: '../../libs/dep' } },
    ]);
    // Deterministic: a rebuild writes the same manifest bytes.
    const before = fs.readFileSync(manifest);
    await runBuild(
      { goos: 'linux', goarch: 'arm64', goarm64: 'v8.0', tags: ['netgo'], ldflags: '-s', env: { GOPROXY: 'https://user:s3cret@proxy.example/' } },
      { workspaceRoot: ws, projectRoot: 'apps/api', env, target: 'api:build-linux-arm64' },
      { logger: new Capture(), ...quiet },
    );
    expect(fs.readFileSync(manifest).equals(before)).toBe(true);
    // The same sources built in another checkout (another path) give the same manifest bytes,
    // as a build restored from the Nx cache into that checkout must.
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-manifest-other-'));
    try {
      for (const d of ['libs', 'apps']) fs.cpSync(path.join(ws, d), path.join(other, d), { recursive: true, filter: (f) => !f.includes(`${path.sep}dist`) });
      const r2 = await runBuild(
        { goos: 'linux', goarch: 'arm64', goarm64: 'v8.0', tags: ['netgo'], ldflags: '-s', env: { GOPROXY: 'https://user:s3cret@proxy.example/' } },
        { workspaceRoot: other, projectRoot: 'apps/api', env: { ...env, GOCROSS_CACHE_DIR: path.join(other, '.cache') }, target: 'api:build-linux-arm64' },
        { logger: new Capture(), ...quiet },
      );
      expect(r2.artifacts[0]).toBe(path.join(other, 'dist/apps/api/linux-arm64-v8.0/api'));
      expect(fs.readFileSync(`${r2.artifacts[0]}.intoto.json`).equals(before)).toBe(true);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  (haveHostGcc ? it : it.skip)('c-shared then c-archive into one directory: the .so and its manifest go, nothing else does', async () => {
    const outputDir = 'dist/clib';
    const dir = path.join(ws, outputDir);
    const input = { workspaceRoot: ws, projectRoot: 'apps/api', env, target: 'api:build-clib' };
    const base = { goos: 'linux', goarch: 'amd64', cgo: true, main: './cmd/clib', outputDir };
    const ccVersion = (cc: string) => `${cc} (test) 1.0`;
    const a = await runBuild({ ...base, buildmode: 'c-shared' }, input, { logger: new Capture(), ...quiet, ccVersion });
    expect(a.success).toBe(true);
    const shared = readStatement(path.join(dir, 'clib.so.intoto.json'));
    expect(validateStatement(shared)).toBe(true);
    expect(shared.subject.map((s) => s.name)).toEqual(['clib.so', 'clib.h']);
    expect(shared.predicate.buildDefinition.internalParameters).toMatchObject({
      cgo: true,
      libc: 'glibc',
      cc: expect.stringMatching(/gcc/),
      ccVersion: expect.stringMatching(/gcc.* \(test\) 1\.0$/),
      buildmode: 'c-shared',
      linkmode: 'external',
    });
    // Files nobody's manifest lists, and another target's products, are never removed.
    write(path.join(dir, 'README.txt'), 'mine');
    const other = await runBuild({ goos: 'linux', goarch: 'amd64', outputDir }, { ...input, target: 'api:build-other' }, { logger: new Capture(), ...quiet });
    expect(other.success).toBe(true);

    const logger = new Capture();
    const b = await runBuild({ ...base, buildmode: 'c-archive' }, input, { logger, ...quiet, ccVersion });
    expect(b.success).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['README.txt', 'api', 'api.intoto.json', 'clib.a', 'clib.a.intoto.json', 'clib.h']);
    expect(logger.infos).toEqual(
      expect.arrayContaining([expect.stringMatching(/^removed .*clib\.so \(written by an earlier build of this target\)$/)]),
    );
    const archive = readStatement(path.join(dir, 'clib.a.intoto.json'));
    expect(archive.subject).toEqual([
      { name: 'clib.a', digest: { sha256: sha256(path.join(dir, 'clib.a')) }, annotations: { size: fs.statSync(path.join(dir, 'clib.a')).size } },
      { name: 'clib.h', digest: { sha256: sha256(path.join(dir, 'clib.h')) }, annotations: { size: fs.statSync(path.join(dir, 'clib.h')).size } },
    ]);
  });

  it('earlierProducts ignores unreadable manifests and names that leave the directory', () => {
    const dir = path.join(ws, 'dist/hostile');
    write(path.join(dir, 'broken.intoto.json'), '{');
    write(path.join(ws, 'dist/victim'), 'keep me');
    const st = {
      _type: STATEMENT_TYPE,
      predicateType: PROVENANCE_TYPE,
      subject: [
        { name: '../victim', digest: { sha256: '0'.repeat(64) } },
        { name: 'x', digest: { sha256: '0'.repeat(64) } },
      ],
      predicate: {
        buildDefinition: {
          buildType: BUILD_TYPE,
          externalParameters: { target: 't:b', options: {} },
          internalParameters: { goos: 'linux', goarch: 'amd64', buildmode: 'exe', linkmode: 'internal', goVersion: 'go1.26.0', cgo: false, tags: [] },
        },
        runDetails: { builder: { id: BUILDER_ID } },
      },
    };
    write(path.join(dir, 'x.intoto.json'), JSON.stringify(st));
    write(path.join(dir, 'x'), 'old');
    write(path.join(dir, '.x.intoto.json.tmp-999999999'), 'interrupted');
    write(path.join(dir, `.x.intoto.json.tmp-${process.pid}`), 'being written');
    const earlier = earlierProducts(dir, 't:b');
    expect(fs.existsSync(path.join(dir, '.x.intoto.json.tmp-999999999'))).toBe(false);
    expect(fs.existsSync(path.join(dir, `.x.intoto.json.tmp-${process.pid}`))).toBe(true);
    expect(earlier).toEqual([{ manifest: path.join(dir, 'x.intoto.json'), files: [path.join(dir, 'x')] }]);
    expect(earlierProducts(dir, 'other:b')).toEqual([]);
    expect(removeEarlierProducts(dir, earlier, [])).toEqual([path.join(dir, 'x'), path.join(dir, 'x.intoto.json')]);
    expect(fs.readFileSync(path.join(ws, 'dist/victim'), 'utf8')).toBe('keep me');
    expect(fs.existsSync(path.join(dir, 'broken.intoto.json'))).toBe(true);
  });
});
