import * as fs from 'node:fs';
import * as path from 'node:path';
import { runVerify } from '../../cli/verify';
import { archiveFormatOfName, formatChecksums, loadSigningKey, parseChecksums, readArchive, signBlob, verifyRelease } from '../../release';
import { goBuild, tempDir, writeTree } from '../../release/test-utils/go';
import { opensslKey } from '../../release/test-utils/keys';
import { buildStatement, sha256File, writeManifestFile, type GocrossBuildParameters } from '../../manifest/manifest';
import type { ProjectsLike } from '../run/executor';
import { extraFiles, makeRelease, signRelease, type ReleaseInput } from './executor';
import { smokeTest } from './smoke';
import type { GitRunner } from '../../graph/version';

const MAIN = 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\nfunc main() {\n\tif len(os.Args) > 1 && os.Args[1] == "--fail" {\n\t\tos.Exit(3)\n\t}\n\tfmt.Println("app")\n}\n';
const TARGETS = { 'build-linux-amd64': { goos: 'linux', goarch: 'amd64' }, 'build-windows-amd64': { goos: 'windows', goarch: 'amd64' } };
const EPOCH = '1709212455'; // 2024-02-29T13:14:15Z

function params(goos: string, goarch: string): GocrossBuildParameters {
  return { platform: `${goos}/${goarch}`, goos, goarch, cgo: false, buildmode: 'exe', linkmode: 'internal', tags: [], ldflags: '-buildid=', trimpath: true, goVersion: 'go1.26', main: '.', projectRoot: 'app', goArgs: [], env: {} };
}

/** A workspace with project `app` built for linux/amd64 and windows/amd64, each with its build manifest. */
function workspace(): { ws: string; projects: ProjectsLike; bin: (t: keyof typeof TARGETS) => string } {
  const ws = tempDir('exec');
  writeTree(ws, { 'app/go.mod': 'module example.com/app\n\ngo 1.22\n', 'app/main.go': MAIN, 'app/LICENSE': 'MIT\n', 'app/README.md': '# app\n' });
  const projects: ProjectsLike = { projects: { app: { root: 'app', targets: {} } } };
  const bin = (t: keyof typeof TARGETS) => path.join(ws, 'dist', 'app', `${TARGETS[t].goos}-${TARGETS[t].goarch}`, TARGETS[t].goos === 'windows' ? 'app.exe' : 'app');
  for (const [name, p] of Object.entries(TARGETS) as [keyof typeof TARGETS, { goos: string; goarch: string }][]) {
    projects.projects.app.targets![name] = { executor: '@gocross/nx:build', options: { ...p, main: '.' } };
    const out = bin(name);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    goBuild(path.join(ws, 'app'), p, out);
    const st = buildStatement({ products: [out], target: `app:${name}`, options: { ...p }, parameters: params(p.goos, p.goarch), pluginVersion: '0.0.0' }, (f) => ({ sha256: sha256File(f), size: fs.statSync(f).size }));
    writeManifestFile(`${out}.intoto.json`, st);
  }
  return { ws, projects, bin };
}

describe('release executor', () => {
  let w: ReturnType<typeof workspace>;
  let lines: string[];
  let input: ReleaseInput;
  const options = { buildTargets: Object.keys(TARGETS), releaseVersion: 'v1.2.3' };
  const relDir = () => path.join(w.ws, 'dist', 'release', 'app');
  const snapshot = () => new Map(fs.readdirSync(relDir()).map((n) => [n, fs.readFileSync(path.join(relDir(), n))]));

  beforeAll(() => {
    w = workspace();
  }, 240_000);
  beforeEach(() => {
    lines = [];
    input = { workspaceRoot: w.ws, projectName: 'app', projects: w.projects, env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH }, log: (l) => lines.push(l), error: (l) => lines.push(l), host: { goos: 'linux', goarch: 'amd64' } };
  });

  it('writes the unsigned release: archives, SBOM and provenance per archive, checksums over all; twice the same bytes', async () => {
    const r = await makeRelease(options, input);
    expect(lines.join('\n')).not.toMatch(/^release: /m);
    expect(r.success).toBe(true);
    const names = fs.readdirSync(relDir()).sort();
    expect(names).toEqual([
      'app_1.2.3_linux_amd64.tar.gz',
      'app_1.2.3_linux_amd64.tar.gz.provenance.intoto.json',
      'app_1.2.3_linux_amd64.tar.gz.sbom.cdx.json',
      'app_1.2.3_windows_amd64.zip',
      'app_1.2.3_windows_amd64.zip.provenance.intoto.json',
      'app_1.2.3_windows_amd64.zip.sbom.cdx.json',
      'checksums.txt',
    ]);
    const sums = parseChecksums(fs.readFileSync(path.join(relDir(), 'checksums.txt'), 'utf8'));
    expect([...sums.keys()].sort()).toEqual(names.filter((n) => n !== 'checksums.txt'));
    // The provenance is the build manifest, byte for byte.
    expect(fs.readFileSync(path.join(relDir(), 'app_1.2.3_linux_amd64.tar.gz.provenance.intoto.json'))).toEqual(fs.readFileSync(`${w.bin('build-linux-amd64')}.intoto.json`));
    const first = snapshot();
    expect((await makeRelease(options, input)).success).toBe(true);
    expect(snapshot()).toEqual(first);
    // No temporary directories are left beside it.
    expect(fs.readdirSync(path.dirname(relDir()))).toEqual(['app']);
  }, 60_000);

  it('takes the version from git describe and the time from the commit when not given', async () => {
    const calls: string[][] = [];
    const out: Record<string, string> = { describe: 'v2.0.0-1-gabcdef0', status: '', log: '1700000000' };
    const git: GitRunner = (args) => (calls.push([...args]), { ok: true, out: out[args[0]] });
    const r = await makeRelease({ buildTargets: options.buildTargets }, { ...input, env: { ...process.env, SOURCE_DATE_EPOCH: undefined }, git });
    expect(r.success).toBe(true);
    expect(calls).toEqual([['describe', '--tags', '--always'], ['status', '--porcelain', '--untracked-files=normal'], ['log', '-1', '--format=%ct']]);
    expect(r.files).toContain('app_2.0.0-1-gabcdef0_linux_amd64.tar.gz');
    expect(lines.join('\n')).toContain('2023-11-14T22:13:20.000Z');
    const none = await makeRelease({ buildTargets: options.buildTargets }, { ...input, env: {}, git: () => ({ ok: false, message: 'fatal: not a git repository' }) });
    expect(none.success).toBe(false);
    expect(lines[lines.length - 1]).toBe('release: no version: set the releaseVersion option, or run in a git repository with a commit (git describe --tags --always failed: fatal: not a git repository)');
  }, 60_000);

  it('release-sign says in one warning line that a dirty release cannot be rebuilt from the repository, and still signs it', async () => {
    expect((await makeRelease(options, input)).success).toBe(true);
    const k = opensslKey('p256');
    const tree = (status: string): GitRunner => (args) => ({ ok: true, out: args[0] === 'describe' ? 'v1.2.3' : args[0] === 'status' ? status : '1700000000' });
    expect((await signRelease({ ...options, sign: true, key: k.key }, { ...input, git: tree('') })).success).toBe(true);
    expect(lines.filter((l) => l.includes('warning'))).toEqual([]);
    lines.length = 0;
    expect((await signRelease({ ...options, sign: true, key: k.key }, { ...input, git: tree('?? app/extra.go') })).success).toBe(true);
    expect(lines.filter((l) => l.includes('warning'))).toEqual([
      'release-sign: warning: signing a dirty release (v1.2.3-dirty): it was made from a tree with uncommitted changes or untracked files, so it cannot be rebuilt from the repository and whoever installs it cannot check that its binaries come from the source; commit the changes (or add the files to .gitignore) and release again',
    ]);
    expect(lines[lines.length - 2]).toMatch(/^signed /);
  }, 60_000);

  it('signs: checksums.txt.sig and DSSE attestations that verifyRelease accepts with the public key', async () => {
    expect((await makeRelease(options, input)).success).toBe(true);
    const unsigned = snapshot();
    const k = opensslKey('p256');
    const r = await signRelease({ ...options, sign: true, key: k.key }, input);
    expect(r.success).toBe(true);
    const after = snapshot();
    for (const [n, d] of unsigned) expect(after.get(n)).toEqual(d);
    expect([...after.keys()].filter((n) => !unsigned.has(n)).sort()).toEqual([
      'app_1.2.3_linux_amd64.tar.gz.provenance.intoto.jsonl',
      'app_1.2.3_linux_amd64.tar.gz.sbom.intoto.jsonl',
      'app_1.2.3_windows_amd64.zip.provenance.intoto.jsonl',
      'app_1.2.3_windows_amd64.zip.sbom.intoto.jsonl',
      'checksums.txt.sig',
    ]);
    const v = await verifyRelease(relDir(), { publicKeyPem: fs.readFileSync(k.pub, 'utf8'), requiredAttestations: ['sbom', 'provenance'] });
    expect(v.problems).toEqual([]);
    // The key from an environment variable works the same; signing again replaces the signatures.
    const byEnv = await signRelease({ ...options, sign: true, keyEnv: 'RELEASE_KEY' }, { ...input, env: { RELEASE_KEY: fs.readFileSync(k.key, 'utf8') } });
    expect(byEnv.success).toBe(true);
  }, 60_000);

  it('gocross verify: 0 for the signed release, 1 naming the file for a wrong subject, 2 for a bad key or directory', async () => {
    expect((await makeRelease(options, input)).success).toBe(true);
    const k = opensslKey('p256');
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), cwd: w.ws };
    expect(await runVerify('dist/release/app', { key: k.pub }, io)).toBe(1); // not signed yet
    expect(out.join('')).toContain('FAIL checksums.txt.sig: missing: not present');
    expect((await signRelease({ ...options, sign: true, key: k.key }, input)).success).toBe(true);
    out.length = 0;
    expect(await runVerify('dist/release/app', { key: k.pub }, io)).toBe(0);
    expect(out.join('')).toMatch(/ok app_1\.2\.3_linux_amd64\.tar\.gz\/app: \d+ binary checks for linux\/amd64/);
    // A plain SBOM copy naming another binary, listed and signed again with the same key: the subject check names it.
    const dir = relDir();
    const sbomFile = path.join(dir, 'app_1.2.3_linux_amd64.tar.gz.sbom.cdx.json');
    fs.writeFileSync(sbomFile, fs.readFileSync(sbomFile, 'utf8').replace(/("cdx:gomod:binary:hash:SHA-256",\s*"value": ")[0-9a-f]{64}/, `$1${'0'.repeat(64)}`));
    const listed = [...parseChecksums(fs.readFileSync(path.join(dir, 'checksums.txt'), 'utf8')).keys()];
    const sums = Buffer.from(formatChecksums(listed.map((n) => ({ name: n, data: fs.readFileSync(path.join(dir, n)) }))));
    fs.writeFileSync(path.join(dir, 'checksums.txt'), sums);
    fs.writeFileSync(path.join(dir, 'checksums.txt.sig'), `${signBlob(loadSigningKey({ path: k.key }), sums)}\n`);
    out.length = 0;
    expect(await runVerify('dist/release/app', { key: k.pub }, io)).toBe(1);
    expect(out.join('')).toContain(`FAIL app_1.2.3_linux_amd64.tar.gz.sbom.cdx.json: subject: binary sha256 ${'0'.repeat(64)} is not that of app in app_1.2.3_linux_amd64.tar.gz`);
    const p384 = opensslKey('p384');
    out.length = 0;
    expect(await runVerify('dist/release/app', { key: p384.pub }, io)).toBe(2);
    expect(out).toEqual([`gocross: verify: ${p384.pub}: public key is an EC key on curve P-384; an ECDSA P-256 key is required\n`]);
    out.length = 0;
    expect(await runVerify('dist/release/none', { key: k.pub }, io)).toBe(2);
    expect(out).toEqual(['gocross: verify: dist/release/none is not a directory\n']);
  }, 90_000);

  it('refuses a wrong key, a missing key and a changed release with one line each, and leaves the release as it was', async () => {
    expect((await makeRelease(options, input)).success).toBe(true);
    const before = snapshot();
    const p384 = opensslKey('p384');
    const cases: [object, string][] = [
      [{ key: p384.key }, `release-sign: signing key file ${p384.key} is an EC key on curve P-384; an ECDSA P-256 key is required`],
      [{ key: p384.pub }, `release-sign: signing key file ${p384.pub} holds a public key, not a private key`],
      [{ key: path.join(w.ws, 'none.pem') }, `release-sign: signing key file ${path.join(w.ws, 'none.pem')} does not exist`],
      [{}, 'release-sign: no signing key: pass --key <ECDSA P-256 private key PEM file> or --keyEnv <VARIABLE holding the PEM>'],
      [{ keyEnv: 'UNSET_KEY_VAR' }, 'release-sign: signing key in $UNSET_KEY_VAR: the variable is not set or empty'],
    ];
    for (const [o, msg] of cases) {
      lines = [];
      const r = await signRelease({ ...options, sign: true, ...o }, { ...input, env: {} });
      expect(r.success).toBe(false);
      expect(lines).toEqual([msg]);
      expect(snapshot()).toEqual(before);
    }
    // An archive changed after the release was made is not signed.
    const k = opensslKey('p256');
    const a = path.join(relDir(), 'app_1.2.3_windows_amd64.zip');
    fs.appendFileSync(a, 'x');
    lines = [];
    expect((await signRelease({ ...options, sign: true, key: k.key }, input)).success).toBe(false);
    expect(lines).toEqual(['release-sign: dist/release/app/app_1.2.3_windows_amd64.zip does not match checksums.txt: changed after the release was made; make it again with npx nx run app:release']);
    expect(fs.existsSync(path.join(relDir(), 'checksums.txt.sig'))).toBe(false);
  }, 60_000);

  it('does not release a binary changed after its build, nor one that fails validation', async () => {
    expect((await makeRelease(options, input)).success).toBe(true);
    const before = snapshot();
    const bin = w.bin('build-linux-amd64');
    const saved = fs.readFileSync(bin);
    try {
      fs.appendFileSync(bin, Buffer.from([0]));
      expect((await makeRelease(options, input)).success).toBe(false);
      expect(lines.filter((l) => l.startsWith('release: '))).toEqual([
        expect.stringMatching(/^release: dist\/app\/linux-amd64\/app: input: dist\/app\/linux-amd64\/app is not the file its build wrote: sha256 [0-9a-f]{16}… but the manifest app\.intoto\.json records [0-9a-f]{16}…/),
        'release: not released: 1 validation error(s); see nx run app:validate',
      ]);
      // An arm64 binary (with its manifest) in the linux/amd64 target's directory: binary-arch.
      lines = [];
      goBuild(path.join(w.ws, 'app'), { goos: 'linux', goarch: 'arm64' }, bin);
      const st = buildStatement({ products: [bin], target: 'app:build-linux-amd64', options: {}, parameters: params('linux', 'arm64'), pluginVersion: '0.0.0' }, (f) => ({ sha256: sha256File(f), size: fs.statSync(f).size }));
      writeManifestFile(`${bin}.intoto.json`, st);
      expect((await makeRelease(options, input)).success).toBe(false);
      expect(lines.some((l) => /^release: dist\/app\/linux-amd64\/app: binary-arch: /.test(l))).toBe(true);
      expect(snapshot()).toEqual(before);
    } finally {
      fs.writeFileSync(bin, saved);
      const st = buildStatement({ products: [bin], target: 'app:build-linux-amd64', options: {}, parameters: params('linux', 'amd64'), pluginVersion: '0.0.0' }, (f) => ({ sha256: sha256File(f), size: fs.statSync(f).size }));
      writeManifestFile(`${bin}.intoto.json`, st);
    }
  }, 60_000);

  it('smoke gate: runs what runs here, records the rest as not smoke-tested, stops on a failing binary', async () => {
    const r = await makeRelease({ ...options, smoke: { args: [] } }, input);
    expect(r.success).toBe(true);
    const smoke = JSON.parse(fs.readFileSync(path.join(relDir(), 'smoke.json'), 'utf8'));
    expect(smoke).toEqual({
      args: [],
      results: [
        { platform: 'linux/amd64', binary: 'app', result: 'passed', ran: 'native', exitCode: 0 },
        { platform: 'windows/amd64', binary: 'app.exe', result: 'not smoke-tested', reason: 'windows/amd64 binaries cannot run on this linux/amd64 machine (qemu-user runs Linux binaries on Linux only)' },
      ],
    });
    expect(lines).toContain('smoke: windows/amd64: not smoke-tested: windows/amd64 binaries cannot run on this linux/amd64 machine (qemu-user runs Linux binaries on Linux only)');
    const before = snapshot();
    lines = [];
    expect((await makeRelease({ ...options, smoke: { args: ['--fail'] } }, input)).success).toBe(false);
    expect(lines.filter((l) => l.startsWith('release: '))).toEqual(['release: smoke test of app for linux/amd64 failed: app --fail exited with code 3', 'release: not released: the smoke gate failed']);
    expect(snapshot()).toEqual(before);
  }, 60_000);

  it('says the release is unsigned until release-sign runs, and prints a verify command that runs from the workspace root', async () => {
    expect((await makeRelease(options, input)).success).toBe(true);
    // The same line when release runs as release-sign's dependency (or is replayed from the cache).
    expect(lines[lines.length - 1]).toBe('unsigned until app:release-sign runs (it takes --key <private key PEM> or --keyEnv <VARIABLE>)');
    expect(lines.join('\n')).not.toMatch(/sign it with/);
    const k = opensslKey('p256');
    lines = [];
    expect((await signRelease({ ...options, sign: true, key: k.key }, input)).success).toBe(true);
    // No local install in this workspace: npx is told which package has the command.
    expect(lines[lines.length - 1]).toBe('verify it with: npx -p @gocross/nx gocross verify dist/release/app --key <public key PEM>');
    const bin = path.join(w.ws, 'node_modules', '.bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'gocross'), '#!/bin/sh\n');
    try {
      lines = [];
      expect((await signRelease({ ...options, sign: true, key: k.key }, input)).success).toBe(true);
      expect(lines[lines.length - 1]).toBe('verify it with: npx gocross verify dist/release/app --key <public key PEM>');
    } finally {
      fs.rmSync(path.join(w.ws, 'node_modules'), { recursive: true, force: true });
    }
  }, 60_000);

  it('smoke: a linux platform without its qemu fails on CI and is not smoke-tested elsewhere; platforms filters', () => {
    const subjects = [{ file: '/x/app', binary: 'app', platform: { goos: 'linux', goarch: 's390x' } }];
    const spawn = () => ({ status: 0, signal: null, stderr: '' });
    const local = smokeTest({ args: ['-v'] }, subjects, { env: { PATH: '' }, hostGoos: 'linux', hostGoarch: 'amd64', spawn });
    expect(local.fatal).toEqual([]);
    expect(local.report.results[0]).toMatchObject({ result: 'not smoke-tested', reason: 'qemu-s390x is not installed' });
    const ci = smokeTest({ args: ['-v'] }, subjects, { env: { PATH: '', CI: 'true' }, hostGoos: 'linux', hostGoarch: 'amd64', spawn });
    expect(ci.fatal).toEqual(['smoke test of app for linux/s390x cannot run: qemu-s390x is not installed (fix: apt-get install -y qemu-user) (CI=true: not skipped)']);
    const filtered = smokeTest({ args: ['-v'], platforms: ['linux/amd64'] }, subjects, { env: { PATH: '', CI: 'true' }, hostGoos: 'linux', hostGoarch: 'amd64', spawn });
    expect(filtered.fatal).toEqual([]);
    expect(filtered.report.results[0]).toMatchObject({ result: 'not smoke-tested', reason: 'not in smoke.platforms' });
  });
});

describe('release of a module with several main packages', () => {
  const MAINS = ['cmd/decoder', 'cmd/tomlv'];
  let ws: string;
  let projects: ProjectsLike;
  let lines: string[];
  let input: ReleaseInput;
  const options = { buildTargets: ['build-linux-amd64'], releaseVersion: 'v1.0.0' };

  beforeAll(() => {
    ws = tempDir('mains');
    writeTree(ws, { 'libs/toml/go.mod': 'module example.com/toml\n\ngo 1.22\n', 'libs/toml/toml.go': 'package toml\n', 'libs/toml/COPYING': 'MIT\n', ...Object.fromEntries(MAINS.map((m) => [`libs/toml/${m}/main.go`, MAIN])) });
    projects = { projects: { toml: { root: 'libs/toml', targets: { 'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', main: MAINS.map((m) => `./${m}`) } } } } } };
    for (const m of MAINS) {
      const out = path.join(ws, 'dist', 'libs', 'toml', 'linux-amd64', path.basename(m));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      goBuild(path.join(ws, 'libs/toml'), { goos: 'linux', goarch: 'amd64' }, out, { pkg: `./${m}` });
      const st = buildStatement({ products: [out], target: 'toml:build-linux-amd64', options: {}, parameters: { ...params('linux', 'amd64'), main: `./${m}`, projectRoot: 'libs/toml' }, pluginVersion: '0.0.0' }, (f) => ({ sha256: sha256File(f), size: fs.statSync(f).size }));
      writeManifestFile(`${out}.intoto.json`, st);
    }
  }, 120_000);
  beforeEach(() => {
    lines = [];
    input = { workspaceRoot: ws, projectName: 'toml', projects, env: { ...process.env, SOURCE_DATE_EPOCH: EPOCH }, log: (l) => lines.push(l), error: (l) => lines.push(l), host: { goos: 'linux', goarch: 'amd64' } };
  });

  it('names the gocross.json to write and the JSON that chooses the main package', async () => {
    expect((await makeRelease(options, input)).success).toBe(false);
    expect(lines).toEqual([
      'release: dist/libs/toml/linux-amd64/decoder and dist/libs/toml/linux-amd64/tomlv would both go into toml_1.0.0_linux_amd64.tar.gz: a release archive holds one binary per platform',
      'release: choose the main package to release: create libs/toml/gocross.json with one of these:',
      'release:   {"mains": ["cmd/decoder"]}',
      'release:   {"mains": ["cmd/tomlv"]}',
      'release: then the inferred build targets build only that main package, and the release holds its binary',
    ]);
    expect(fs.existsSync(path.join(ws, 'dist', 'release'))).toBe(false);
  }, 60_000);

  it('with a gocross.json: add "mains" to it, or replace the "mains" it has', async () => {
    const file = path.join(ws, 'libs/toml/gocross.json');
    try {
      fs.writeFileSync(file, '{ "cgo": false }\n');
      await makeRelease(options, input);
      expect(lines[1]).toBe('release: choose the main package to release: add "mains" to the object in libs/toml/gocross.json, one of these:');
      lines = [];
      fs.writeFileSync(file, '{ "mains": ["cmd/*"] }\n');
      await makeRelease(options, input);
      expect(lines[1]).toBe('release: choose the main package to release: replace "mains" in libs/toml/gocross.json with one of these:');
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 60_000);

  it('one main package (the one the JSON names) is released, with the COPYING license', async () => {
    const one = { ...projects, projects: { toml: { ...projects.projects.toml, targets: { 'build-linux-amd64': { executor: '@gocross/nx:build', options: { goos: 'linux', goarch: 'amd64', main: './cmd/tomlv' } } } } } };
    const dir = path.join(ws, 'dist', 'libs', 'toml', 'linux-amd64');
    const decoder = path.join(dir, 'decoder');
    const keep = [fs.readFileSync(decoder), fs.readFileSync(`${decoder}.intoto.json`)] as const;
    fs.rmSync(decoder);
    fs.rmSync(`${decoder}.intoto.json`);
    try {
      const r = await makeRelease(options, { ...input, projects: one });
      expect(lines.filter((l) => l.startsWith('release: '))).toEqual([]);
      expect(r.success).toBe(true);
      expect(r.files).toContain('toml_1.0.0_linux_amd64.tar.gz');
      const a = 'toml_1.0.0_linux_amd64.tar.gz';
      const entries = await readArchive(fs.readFileSync(path.join(ws, 'dist', 'release', 'libs', 'toml', a)), archiveFormatOfName(a)!);
      expect(entries.map((e) => e.name).sort()).toEqual(['COPYING', 'tomlv']);
    } finally {
      fs.writeFileSync(decoder, keep[0]);
      fs.writeFileSync(`${decoder}.intoto.json`, keep[1]);
    }
  }, 60_000);

  it('extra files: LICENSE*, LICENCE*, COPYING* of the project root, else the workspace root, and README* of the project root', () => {
    const d = tempDir('extras');
    writeTree(d, { 'p/COPYING': 'gpl\n', 'p/LICENCE.txt': 'x\n', 'p/Readme.md': '# p\n', 'p/main.go': MAIN, 'COPYING.LESSER': 'lgpl\n' });
    expect(extraFiles({ buildTargets: [] }, d, 'p').map((f) => f.name)).toEqual(['COPYING', 'LICENCE.txt', 'Readme.md']);
    // The licence falls back to the workspace root, the README does not: the project's own README
    // does not drop the workspace's licence, and the workspace's README is not the project's.
    writeTree(d, { 'r/README.md': '# r\n', 'r/main.go': MAIN, 'README.md': '# ws\n' });
    const r = extraFiles({ buildTargets: [] }, d, 'r');
    expect(r.map((f) => f.name)).toEqual(['COPYING.LESSER', 'README.md']);
    expect(r.find((f) => f.name === 'README.md')?.data.toString()).toBe('# r\n');
    expect(extraFiles({ buildTargets: [] }, d, 'q').map((f) => f.name)).toEqual(['COPYING.LESSER']);
    // The workspace root as the project: its own files, once.
    expect(extraFiles({ buildTargets: [] }, d, '.').map((f) => f.name)).toEqual(['COPYING.LESSER', 'README.md']);
  });

  it('extra files of the option files: any file, packed at the root under its own name', () => {
    const d = tempDir('extras-option');
    writeTree(d, { 'docs/LICENSE-THIRD-PARTY': 'x\n', 'CHANGELOG.md': '# 1\n', 'NOTICE': 'n\n' });
    expect(extraFiles({ buildTargets: [], files: ['docs/LICENSE-THIRD-PARTY', 'CHANGELOG.md', 'NOTICE'] }, d, 'p').map((f) => [f.name, f.mode])).toEqual([
      ['CHANGELOG.md', 0o644],
      ['NOTICE', 0o644],
      ['LICENSE-THIRD-PARTY', 0o644],
    ]);
  });
});
