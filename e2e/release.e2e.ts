/**
 * The release trust chain through the real `nx` CLI on the example CLI `apps/hello` (default
 * matrix) and the packed `gocross verify`: a release signed with a fresh openssl P-256 key, checked
 * with independent tools (sha256sum, openssl, the CycloneDX validator, go version -m, tar, unzip),
 * byte-identical when made twice, and refused when a binary, a signature or the key is wrong.
 */
import * as CDX from '@cyclonedx/cyclonedx-library';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectSuccess, goVersionM, goWorkUse, IN_CI, nx, nxTaskFromCache, REPO_ROOT, run, uniqueName, which, workspaceRoot, writeFile } from './utils';
import { describeIf, haveTools } from '../plugin/src/test-utils/gates';
import { loadSigningKey, signStatement } from '../plugin/src/release/sign';

const VERSION_TAG = 'v1.2.3';
/** The commit date of the test repository: every archive entry carries it. */
const COMMIT_DATE = '2024-02-29T13:14:15Z';
const COMMIT_EPOCH = String(Date.parse(COMMIT_DATE) / 1000);
const PLATFORMS = ['darwin_arm64', 'linux_amd64', 'linux_arm64', 'linux_armv7', 'linux_riscv64', 'windows_amd64'];
const archiveName = (p: string) => `hello_1.2.3_${p}.${p.startsWith('windows') ? 'zip' : 'tar.gz'}`;

const sha256 = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

// openssl makes and checks the signing key, git the commit a release is made from.
describeIf(haveTools('openssl', 'git'))('release (nx release / release-sign, gocross verify)', () => {
  let ws: string;
  let tmp: string;
  let relDir: string;
  let gocross: string;
  let key: string;
  let pub: string;
  const created: string[] = [];
  let madeRepo = false;
  let signRun: ReturnType<typeof nx>;

  const git = (args: string[]) =>
    expectSuccess(
      `git ${args.join(' ')}`,
      run('git', args, {
        cwd: ws,
        env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_AUTHOR_DATE: COMMIT_DATE, GIT_COMMITTER_DATE: COMMIT_DATE },
      }),
    );
  const openssl = (args: string[], cwd = tmp) => run('openssl', args, { cwd });
  const verify = (dir: string, pubKey = pub) => run(gocross, ['verify', dir, '--key', pubKey], { cwd: ws });

  beforeAll(() => {
    ws = workspaceRoot();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gocross-release-e2e-'));
    relDir = path.join(ws, 'dist', 'release', 'apps', 'hello');
    gocross = path.join(ws, 'node_modules', '.bin', 'gocross');
    // The extra files every archive carries, and the smoke gate, on the example project itself.
    const files: Record<string, string> = {
      'apps/hello/LICENSE': 'MIT\n',
      'apps/hello/README.md': '# hello\n',
      'apps/hello/project.json': JSON.stringify({ name: 'hello', targets: { release: { options: { smoke: { args: ['-sum', '1', '2'] } } } } }, null, 2) + '\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      if (fs.existsSync(path.join(ws, rel))) throw new Error(`${rel} already exists in the shared workspace`);
      writeFile(path.join(ws, rel), text);
      created.push(path.join(ws, rel));
    }
    // Version and commit time come from git: a repository with one tagged commit.
    if (!fs.existsSync(path.join(ws, '.git'))) {
      madeRepo = true;
      git(['init', '-q', '-b', 'main']);
      git(['add', '-A']);
      git(['commit', '-qm', 'release test']);
      git(['tag', VERSION_TAG]);
    }
    // The key made exactly as docs/release.md says, its lines run by sh with HOME in a scratch directory.
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'release.md'), 'utf8');
    const block = /Make a key and its public half with openssl[\s\S]*?```\n([\s\S]*?)```/.exec(docs)?.[1];
    if (!block) throw new Error('docs/release.md has no key-making block');
    expectSuccess('the key lines of docs/release.md', run('sh', ['-ec', block], { cwd: tmp, env: { HOME: tmp } }));
    key = path.join(tmp, '.config', 'gocross', 'release.key');
    pub = path.join(tmp, 'release.pub');
    // What the docs promise: a private key only its owner can read, outside the workspace.
    expect(fs.statSync(key).mode & 0o077).toBe(0);
    expect(key.startsWith(ws)).toBe(false);
    signRun = nx(['run', 'hello:release-sign', `--key=${key}`], { env: { SOURCE_DATE_EPOCH: undefined } });
  }, 900_000);

  afterAll(() => {
    for (const f of created) fs.rmSync(f, { force: true });
    if (madeRepo && ws) fs.rmSync(path.join(ws, '.git'), { recursive: true, force: true });
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('makes and signs a release of every platform with the goreleaser names', () => {
    expectSuccess('nx run hello:release-sign', signRun);
    expect(signRun.output).toMatch(/release 1\.2\.3|release v1\.2\.3/);
    const names = fs.readdirSync(relDir).sort();
    const expected = [
      ...PLATFORMS.flatMap((p) => {
        const a = archiveName(p);
        return [a, `${a}.provenance.intoto.json`, `${a}.provenance.intoto.jsonl`, `${a}.sbom.cdx.json`, `${a}.sbom.intoto.jsonl`];
      }),
      'checksums.txt',
      'checksums.txt.sig',
      'smoke.json',
    ].sort();
    expect(names).toEqual(expected);
  });

  it('checksums.txt: sha256sum -c accepts it and openssl verifies its signature with the public key', () => {
    const sums = run('sha256sum', ['-c', 'checksums.txt'], { cwd: relDir });
    expect(sums.code).toBe(0);
    for (const p of PLATFORMS) expect(sums.stdout).toContain(`${archiveName(p)}: OK`);
    const der = path.join(tmp, 'checksums.sig.der');
    fs.writeFileSync(der, Buffer.from(fs.readFileSync(path.join(relDir, 'checksums.txt.sig'), 'utf8').trim(), 'base64'));
    const v = openssl(['dgst', '-sha256', '-verify', pub, '-signature', der, path.join(relDir, 'checksums.txt')]);
    expect(v.stdout.trim()).toBe('Verified OK');
  });

  it('every SBOM (plain and signed) is valid CycloneDX 1.6 and lists the modules go version -m reads', async () => {
    const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
    const x = path.join(tmp, 'x');
    for (const p of PLATFORMS) {
      const a = archiveName(p);
      const plain = fs.readFileSync(path.join(relDir, `${a}.sbom.cdx.json`), 'utf8');
      expect(await validator.validate(plain)).toBeNull();
      const env = JSON.parse(fs.readFileSync(path.join(relDir, `${a}.sbom.intoto.jsonl`), 'utf8')) as { payload: string };
      const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { predicate: unknown; subject: { name: string; digest: { sha256: string } }[] };
      expect(await validator.validate(JSON.stringify(st.predicate))).toBeNull();
      // The binary taken out of the archive by tar / unzip, read by go itself.
      const out = path.join(x, p);
      fs.mkdirSync(out, { recursive: true });
      if (a.endsWith('.zip')) expectSuccess('unzip', run('unzip', ['-q', path.join(relDir, a), '-d', out]));
      else expectSuccess('tar -xzf', run('tar', ['-xzf', path.join(relDir, a), '-C', out]));
      const bin = path.join(out, p.startsWith('windows') ? 'hello.exe' : 'hello');
      expect(st.subject).toEqual([{ name: path.basename(bin), digest: { sha256: sha256(bin) } }]);
      const m = goVersionM(bin);
      const bom = JSON.parse(plain) as { metadata: { component: { name: string } }; components: { name: string; version?: string }[] };
      expect(bom.metadata.component.name).toBe(m.mod!.split('\t')[0]);
      const fromGo = m.deps.map((d) => d.split('\t')[0]).sort();
      expect(bom.components.map((c) => c.name).sort()).toEqual(fromGo);
      expect(fromGo).toContain('gocross.example/libs/mathx');
    }
  });

  it('archives: owner 0/0 and the commit time on every entry (tar -tzvf, unzip -l)', () => {
    for (const p of PLATFORMS) {
      const a = path.join(relDir, archiveName(p));
      if (a.endsWith('.zip')) {
        const l = expectSuccess('unzip -l', run('unzip', ['-l', a], { env: { TZ: 'UTC' } }));
        const entries = l.stdout.split('\n').filter((s) => /\s(LICENSE|README\.md|hello\.exe)$/.test(s));
        expect(entries).toHaveLength(3);
        for (const e of entries) expect(e).toMatch(/(02-29-2024|2024-02-29) 13:14/);
      } else {
        const l = expectSuccess('tar -tzvf', run('tar', ['--numeric-owner', '--full-time', '-tzvf', a], { env: { TZ: 'UTC' } }));
        const entries = l.stdout.trim().split('\n');
        expect(entries.map((e) => e.split(/\s+/).pop()).sort()).toEqual(['LICENSE', 'README.md', 'hello']);
        for (const e of entries) {
          expect(e.split(/\s+/)[1]).toBe('0/0');
          expect(e).toContain('2024-02-29 13:14:15');
        }
        expect(entries.find((e) => e.endsWith(' hello'))).toMatch(/^-rwxr-xr-x /);
      }
    }
  });

  it('smoke.json: linux binaries ran (natively or under qemu-user), darwin and windows are not smoke-tested', () => {
    const smoke = JSON.parse(fs.readFileSync(path.join(relDir, 'smoke.json'), 'utf8')) as { args: string[]; results: { platform: string; result: string; ran?: string }[] };
    expect(smoke.args).toEqual(['-sum', '1', '2']);
    const by = Object.fromEntries(smoke.results.map((r) => [r.platform, r]));
    expect(by['darwin/arm64'].result).toBe('not smoke-tested');
    expect(by['windows/amd64'].result).toBe('not smoke-tested');
    expect(by['linux/amd64']).toMatchObject({ result: 'passed', ran: 'native' });
    for (const [p, q] of [['linux/arm64', 'aarch64'], ['linux/arm/7', 'arm'], ['linux/riscv64', 'riscv64']]) {
      // Without the emulator the release reports the platform as not smoke-tested (asserted, not
      // skipped); CI installs every emulator, so there it is a failure.
      if (!which(`qemu-${q}`)) {
        if (IN_CI) throw new Error(`qemu-${q} not found on PATH (needed to smoke-test ${p}); install it (Debian: see .ci/run)`);
        expect(by[p].result).toBe('not smoke-tested');
        continue;
      }
      expect(by[p]).toMatchObject({ result: 'passed', ran: `qemu-${q}` });
    }
    expect(signRun.output).toMatch(/smoke: darwin\/arm64: not smoke-tested/);
  });

  it('release says the directory is unsigned until release-sign runs, without telling the user of release-sign to run it', () => {
    expect(signRun.output).toContain('unsigned until hello:release-sign runs (it takes --key <private key PEM> or --keyEnv <VARIABLE>)');
    expect(signRun.output).not.toMatch(/sign it with/);
  });

  it('the verify command release-sign prints runs as printed from the workspace root (the key path put in)', () => {
    const printed = /^verify it with: (.+)$/m.exec(signRun.output)?.[1];
    expect(printed).toBe('npx gocross verify dist/release/apps/hello --key <public key PEM>');
    const r = run('sh', ['-c', printed!.replace('<public key PEM>', pub)], { cwd: ws });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/verified: 6 archive\(s\), 6 binaries checked/);
  });

  it('gocross verify accepts the release', () => {
    const r = verify(relDir);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/ok checksums\.txt: signature verified, 6 archive\(s\)/);
    expect(r.output).toMatch(/verified: 6 archive\(s\), 6 binaries checked/);
  });

  it('a second release of the same commit is byte-identical (archives, SBOMs, checksums)', () => {
    const before = new Map(fs.readdirSync(relDir).filter((n) => !n.endsWith('.jsonl') && !n.endsWith('.sig')).map((n) => [n, sha256(path.join(relDir, n))]));
    const again = nx(['run', 'hello:release', '--skip-nx-cache']);
    expectSuccess('nx run hello:release --skip-nx-cache', again);
    const after = new Map(fs.readdirSync(relDir).map((n) => [n, sha256(path.join(relDir, n))]));
    expect(after).toEqual(before);
  });

  it('gocross verify names the archive whose binary was changed (repacked) and the attestation whose signature was changed', () => {
    expectSuccess('re-sign', nx(['run', 'hello:release-sign', `--key=${key}`]));
    const copy = (name: string) => {
      const d = path.join(tmp, name);
      fs.cpSync(relDir, d, { recursive: true });
      return d;
    };
    // One byte of the linux/amd64 binary, repacked the way the archive was made.
    const tampered = copy('tampered-binary');
    const a = archiveName('linux_amd64');
    const x = path.join(tmp, 'repack');
    fs.mkdirSync(x);
    expectSuccess('tar -xzf', run('tar', ['-xzf', path.join(tampered, a), '-C', x]));
    const bin = path.join(x, 'hello');
    const bytes = fs.readFileSync(bin);
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(bin, bytes);
    expectSuccess('tar -czf', run('tar', ['--owner=0', '--group=0', '--numeric-owner', `--mtime=@${COMMIT_EPOCH}`, '-czf', path.join(tampered, a), '-C', x, 'LICENSE', 'README.md', 'hello']));
    const r1 = verify(tampered);
    expect(r1.code).toBe(1);
    expect(r1.output).toContain(`FAIL ${a}: checksum: sha256`);

    // One character of one signature.
    const badSig = copy('tampered-signature');
    const att = path.join(badSig, `${archiveName('linux_arm64')}.sbom.intoto.jsonl`);
    const envl = JSON.parse(fs.readFileSync(att, 'utf8')) as { signatures: { sig: string }[] };
    const s = envl.signatures[0].sig;
    envl.signatures[0].sig = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
    fs.writeFileSync(att, JSON.stringify(envl) + '\n');
    const r2 = verify(badSig);
    expect(r2.code).toBe(1);
    expect(r2.output).toContain(`FAIL ${archiveName('linux_arm64')}.sbom.intoto.jsonl: signature`);

    // checksums.txt.sig of another key.
    const other = copy('other-key');
    expectSuccess('openssl ecparam', openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'other.key']));
    const otherSig = openssl(['dgst', '-sha256', '-sign', 'other.key', '-out', 'other.der', path.join(other, 'checksums.txt')]);
    expectSuccess('openssl dgst -sign', otherSig);
    fs.writeFileSync(path.join(other, 'checksums.txt.sig'), fs.readFileSync(path.join(tmp, 'other.der')).toString('base64') + '\n');
    const r3 = verify(other);
    expect(r3.code).toBe(1);
    expect(r3.output).toContain('FAIL checksums.txt: signature');
  });

  // Tampering by a holder of the release key: each must still fail, naming the file and the reason.
  const copy = (name: string) => {
    const d = path.join(tmp, name);
    fs.cpSync(relDir, d, { recursive: true });
    return d;
  };
  /** checksums.txt of the files present, signed again with the real key (what a key holder can do). */
  const resign = (d: string) => {
    const names = fs.readdirSync(d).filter((n) => !n.startsWith('checksums.txt') && !n.endsWith('.intoto.jsonl')).sort();
    fs.writeFileSync(path.join(d, 'checksums.txt'), names.map((n) => `${sha256(path.join(d, n))}  ${n}\n`).join(''));
    const der = path.join(tmp, 'resign.der');
    expectSuccess('openssl dgst -sign', openssl(['dgst', '-sha256', '-sign', key, '-out', der, path.join(d, 'checksums.txt')]));
    fs.writeFileSync(path.join(d, 'checksums.txt.sig'), fs.readFileSync(der).toString('base64') + '\n');
  };
  const amd64 = archiveName('linux_amd64');
  const arm64 = archiveName('linux_arm64');

  it('gocross verify: a provenance of another binary (signed with the key) fails as such, and the binary is not judged against its target', () => {
    // The amd64 provenance over the arm64 one: the arm64 binary's checks run against what its
    // archive name and build info say.
    const swapped = copy('swapped-provenance');
    fs.copyFileSync(path.join(swapped, `${amd64}.provenance.intoto.jsonl`), path.join(swapped, `${arm64}.provenance.intoto.jsonl`));
    const r1 = verify(swapped);
    expect(r1.code).toBe(1);
    expect(r1.output).toMatch(new RegExp(`^FAIL ${arm64.replace(/\./g, '\\.')}\.provenance\.intoto\.jsonl: subject: subject hello sha256 [0-9a-f]{64} matches no binary in ${arm64.replace(/\./g, '\\.')}$`, 'm'));
    expect(r1.output).toContain(`FAIL ${arm64}: attestation: no verified provenance attestation (${arm64}.provenance.intoto.jsonl)`);
    expect(r1.output).toContain(`note ${arm64}/hello: no verified provenance names this binary; checked against linux/arm64/v8.0, the target its archive name and Go build info say`);
    expect(r1.output).toContain(`ok ${arm64}/hello: `);
    expect(r1.output).not.toMatch(/FAIL .*(binary-arch|buildinfo):/);
    expect(r1.output).toMatch(/does NOT verify: 2 problem\(s\)/);
  });

  it('gocross verify: an archive with an extra executable, listed and signed with the key, fails naming the entry', () => {
    const extra = copy('extra-file');
    const x = path.join(tmp, 'extra-x');
    fs.mkdirSync(x);
    expectSuccess('tar -xzf', run('tar', ['-xzf', path.join(extra, amd64), '-C', x]));
    fs.writeFileSync(path.join(x, 'evil.sh'), '#!/bin/sh\necho owned\n', { mode: 0o755 });
    expectSuccess('tar -czf', run('tar', ['--owner=0', '--group=0', '--numeric-owner', `--mtime=@${COMMIT_EPOCH}`, '-czf', path.join(extra, amd64), '-C', x, 'LICENSE', 'README.md', 'evil.sh', 'hello']));
    resign(extra);
    const r2 = verify(extra);
    expect(r2.code).toBe(1);
    expect(r2.output).toContain(`FAIL ${amd64}: content: entry "evil.sh" is an executable file (mode 0755) that is not its binary; extra files are not executable; a release archive holds nothing else`);
  });

  it('gocross verify: an SBOM with a module taken out (the signed one signed again, the plain copy listed again) fails naming the module', () => {
    const sbom = copy('sbom-module');
    const att = path.join(sbom, `${arm64}.sbom.intoto.jsonl`);
    const st = JSON.parse(Buffer.from((JSON.parse(fs.readFileSync(att, 'utf8')) as { payload: string }).payload, 'base64').toString('utf8')) as { predicate: { components: { name: string; version?: string }[] } };
    const mathx = st.predicate.components.find((c) => c.name === 'gocross.example/libs/mathx')!;
    expect(mathx.version).toBe('(devel)');
    st.predicate.components = st.predicate.components.filter((c) => c !== mathx);
    fs.writeFileSync(att, JSON.stringify(signStatement(loadSigningKey({ path: key }), st)) + '\n');
    const plain = path.join(sbom, `${arm64}.sbom.cdx.json`);
    const bom = JSON.parse(fs.readFileSync(plain, 'utf8')) as { components: { name: string }[] };
    bom.components = bom.components.filter((c) => c.name !== 'gocross.example/libs/mathx');
    fs.writeFileSync(plain, JSON.stringify(bom, null, 2) + '\n');
    resign(sbom);
    const r3 = verify(sbom);
    expect(r3.code).toBe(1);
    const missing = "lists no component for gocross.example/libs/mathx@(devel) (in the binary's build info)";
    expect(r3.output).toContain(`FAIL ${arm64}.sbom.intoto.jsonl: sbom: hello: ${missing}`);
    expect(r3.output).toContain(`FAIL ${arm64}.sbom.cdx.json: sbom: hello: ${missing}`);
  });

  it('a key of another curve: release-sign and gocross verify refuse it with one clear line', () => {
    expectSuccess('openssl genpkey P-384', openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'p384.key']));
    fs.chmodSync(path.join(tmp, 'p384.key'), 0o600);
    expectSuccess('openssl pkey -pubout', openssl(['pkey', '-in', 'p384.key', '-pubout', '-out', 'p384.pub']));
    const r = nx(['run', 'hello:release-sign', `--key=${path.join(tmp, 'p384.key')}`]);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`release-sign: signing key file ${path.join(tmp, 'p384.key')} is an EC key on curve P-384; an ECDSA P-256 key is required`);
    const v = verify(relDir, path.join(tmp, 'p384.pub'));
    expect(v.code).toBe(2);
    expect(v.stderr.trim()).toBe(`gocross: verify: ${path.join(tmp, 'p384.pub')}: public key is an EC key on curve P-384; an ECDSA P-256 key is required`);
    const missing = nx(['run', 'hello:release-sign', `--key=${path.join(tmp, 'nope.key')}`]);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain(`release-sign: signing key file ${path.join(tmp, 'nope.key')} does not exist`);
  });

  it('a binary changed after its build and validation is not released', () => {
    const bin = path.join(ws, 'dist', 'apps', 'hello', 'linux-amd64', 'hello');
    const saved = fs.readFileSync(bin);
    const before = new Map(fs.readdirSync(relDir).map((n) => [n, sha256(path.join(relDir, n))]));
    try {
      fs.appendFileSync(bin, Buffer.from([0]));
      const r = nx(['run', 'hello:release', '--exclude-task-dependencies', '--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/release: dist\/apps\/hello\/linux-amd64\/hello: input: .*is not the file its build wrote/);
      expect(r.output).toContain('not released: 1 validation error(s)');
      // The release made before is still there, whole.
      expect(new Map(fs.readdirSync(relDir).map((n) => [n, sha256(path.join(relDir, n))]))).toEqual(before);
    } finally {
      fs.writeFileSync(bin, saved);
    }
  });

  it('a project whose validation fails is not released: nx stops at validate, and release checks again on its own', () => {
    const policy = path.join(ws, 'apps', 'hello', 'gocross.policy.json');
    const before = new Map(fs.readdirSync(relDir).map((n) => [n, sha256(path.join(relDir, n))]));
    try {
      writeFile(policy, JSON.stringify({ checks: { buildinfo: ['error', { minGoVersion: '1.99' }] } }) + '\n');
      const r = nx(['run', 'hello:release']);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/hello:validate/);
      expect(r.output).not.toMatch(/^> nx run hello:release$/m);
      const direct = nx(['run', 'hello:release', '--exclude-task-dependencies', '--skip-nx-cache']);
      expect(direct.code).not.toBe(0);
      expect(direct.output).toMatch(/^release: dist\/apps\/hello\/linux-amd64\/hello: buildinfo: .*1\.99/m);
      expect(direct.output).toMatch(/^release: not released: \d+ validation error\(s\); see nx run hello:validate$/m);
      expect(new Map(fs.readdirSync(relDir).map((n) => [n, sha256(path.join(relDir, n))]))).toEqual(before);
    } finally {
      fs.rmSync(policy, { force: true });
    }
  });

  it('the smoke gate stops a release whose binary fails', () => {
    const pj = path.join(ws, 'apps', 'hello', 'project.json');
    const saved = fs.readFileSync(pj, 'utf8');
    try {
      writeFile(pj, JSON.stringify({ name: 'hello', targets: { release: { options: { smoke: { args: ['--version'], platforms: ['linux/amd64'] } } } } }) + '\n');
      const r = nx(['run', 'hello:release', '--skip-nx-cache']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('release: smoke test of hello for linux/amd64 failed: hello --version exited with code 2');
      expect(r.output).toContain('not released: the smoke gate failed');
    } finally {
      writeFile(pj, saved);
    }
  });
  it('an untracked file makes release a cache miss labelled -dirty; without it the clean release is replayed from the cache', () => {
    expect(expectSuccess('nx run hello:release', nx(['run', 'hello:release'])).output).toContain('release v1.2.3 of hello');
    const notes = path.join(ws, 'apps', 'hello', 'NOTES.txt');
    try {
      writeFile(notes, 'not committed\n');
      const dirty = expectSuccess('nx run hello:release (untracked NOTES.txt)', nx(['run', 'hello:release']));
      expect(nxTaskFromCache(dirty.output, 'hello:release')).toBe(false);
      expect(dirty.output).toContain('release v1.2.3-dirty of hello');
    } finally {
      fs.rmSync(notes, { force: true });
    }
    const clean = expectSuccess('nx run hello:release (clean again)', nx(['run', 'hello:release']));
    expect(nxTaskFromCache(clean.output, 'hello:release')).toBe(true);
    expect(clean.output).toContain('release v1.2.3 of hello');
  });

  // Last: it adds a module to go.work (restored after), which makes the tree dirty.
  it('a module with two main packages: release names the gocross.json and the JSON to write; written as printed, the release works', () => {
    const project = uniqueName('twomains');
    const root = `apps/${project}`;
    const goWork = path.join(ws, 'go.work');
    const savedWork = fs.readFileSync(goWork, 'utf8');
    const main = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n';
    writeFile(path.join(ws, root, 'go.mod'), `module gocross.example/${root}\n\ngo 1.22\n`);
    writeFile(path.join(ws, root, 'cmd', 'decoder', 'main.go'), main);
    writeFile(path.join(ws, root, 'cmd', 'tomlv', 'main.go'), main);
    writeFile(path.join(ws, root, 'COPYING'), 'MIT\n');
    writeFile(path.join(ws, root, 'project.json'), JSON.stringify({ name: project, root }) + '\n');
    writeFile(path.join(ws, root, 'gocross.json'), JSON.stringify({ platforms: ['linux/amd64'] }) + '\n');
    try {
      goWorkUse(root, ws);
      const r = nx(['run', `${project}:release`]);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(new RegExp(`^release: dist/${root}/linux-amd64/decoder and dist/${root}/linux-amd64/tomlv would both go into ${project}_\\S+_linux_amd64\\.tar\\.gz: a release archive holds one binary per platform$`, 'm'));
      expect(r.output).toContain(`release: choose the main package to release: add "mains" to the object in ${root}/gocross.json, one of these:`);
      const choice = /^release: {3}(\{"mains": \["cmd\/tomlv"\]\})$/m.exec(r.output)?.[1];
      expect(choice).toBe('{"mains": ["cmd/tomlv"]}');
      // Done as the line says: "mains" added to the object in that file.
      const file = path.join(ws, root, 'gocross.json');
      writeFile(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...JSON.parse(choice!) }) + '\n');
      const again = nx(['run', `${project}:release`]);
      expectSuccess(`nx run ${project}:release with ${choice}`, again);
      const dir = path.join(ws, 'dist', 'release', root);
      const archive = fs.readdirSync(dir).find((n) => n.endsWith('_linux_amd64.tar.gz'))!;
      const l = expectSuccess('tar -tzf', run('tar', ['-tzf', path.join(dir, archive)]));
      expect(l.stdout.trim().split('\n').sort()).toEqual(['COPYING', 'tomlv']);
    } finally {
      fs.writeFileSync(goWork, savedWork);
      fs.rmSync(path.join(ws, root), { recursive: true, force: true });
      fs.rmSync(path.join(ws, 'dist', root), { recursive: true, force: true });
      fs.rmSync(path.join(ws, 'dist', 'release', root), { recursive: true, force: true });
    }
  });
});
