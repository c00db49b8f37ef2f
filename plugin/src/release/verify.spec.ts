import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createArchive, createReleaseArchive } from './archive';
import { assembleRelease, type ReleaseBinary } from './assemble';
import { formatChecksums, sha256Hex } from './checksums';
import { attestationFileName, CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE, parseAttestationFileName } from './layout';
import { loadSigningKey, signBlob, signStatement, type SigningKey } from './sign';
import { goBuild, HELLO_MAIN, run, tempDir, writeTree } from './test-utils/go';
import { opensslKey, type KeyFiles } from './test-utils/keys';
import * as unpack from './unpack';
import { verifyRelease, type VerifyResult } from './verify';

const MTIME = 1709212455;
let keyFiles: KeyFiles;
let key: SigningKey;
let pub: string;
let binaries: ReleaseBinary[];
let template: string;

beforeAll(async () => {
  keyFiles = opensslKey('p256');
  key = loadSigningKey({ path: keyFiles.key });
  pub = fs.readFileSync(keyFiles.pub, 'utf8');
  const mod = writeTree(tempDir('vmod'), { 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': HELLO_MAIN });
  const lin = goBuild(mod, { goos: 'linux', goarch: 'arm64' }, path.join(mod, 'app-linux'));
  const win = goBuild(mod, { goos: 'windows', goarch: 'amd64', env: { GOAMD64: 'v1' } }, path.join(mod, 'app.exe'));
  binaries = [
    { name: 'app', data: fs.readFileSync(lin), target: { goos: 'linux', goarch: 'arm64' } },
    { name: 'app.exe', data: fs.readFileSync(win), target: { goos: 'windows', goarch: 'amd64', goamd64: 'v1' } },
  ];
  template = tempDir('vtemplate');
  await assembleRelease(template, {
    project: 'app',
    version: 'v1.0.0',
    mtime: MTIME,
    binaries,
    extraFiles: [{ name: 'LICENSE', data: Buffer.from('MIT\n') }],
    key,
    tool: { name: 'gocross', version: '0.1.0' },
  });
}, 300_000); // two go builds on a shared machine

/** A fresh copy of the good release. */
function release(): string {
  const dir = tempDir('vrel');
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

/** Rewrites checksums.txt over the files present and signs it again with `k` (a key holder's re-release). */
function resign(dir: string, k: SigningKey = key): void {
  const names = fs.readdirSync(dir).filter((n) => n !== CHECKSUMS_FILE && n !== CHECKSUMS_SIGNATURE_FILE && !parseAttestationFileName(n));
  const sums = formatChecksums(names.map((n) => ({ name: n, data: fs.readFileSync(path.join(dir, n)) })));
  fs.writeFileSync(path.join(dir, CHECKSUMS_FILE), sums);
  fs.writeFileSync(path.join(dir, CHECKSUMS_SIGNATURE_FILE), `${signBlob(k, Buffer.from(sums))}\n`);
}

const brief = (r: VerifyResult) => r.problems.map((p) => `${p.kind} ${p.file}: ${p.message}`);

describe('assembleRelease output', () => {
  it('has the documented files, passes sha256sum -c and openssl verifies the checksums signature', () => {
    const dir = release();
    expect(fs.readdirSync(dir).sort()).toEqual([
      'app_1.0.0_linux_arm64.tar.gz',
      'app_1.0.0_linux_arm64.tar.gz.sbom.intoto.jsonl',
      'app_1.0.0_windows_amd64.zip',
      'app_1.0.0_windows_amd64.zip.sbom.intoto.jsonl',
      'checksums.txt',
      'checksums.txt.sig',
    ]);
    expect(run('sha256sum', ['--strict', '-c', 'checksums.txt'], { cwd: dir }).trim().split('\n')).toEqual(['app_1.0.0_linux_arm64.tar.gz: OK', 'app_1.0.0_windows_amd64.zip: OK']);
    fs.writeFileSync(path.join(dir, 'sig.der'), Buffer.from(fs.readFileSync(path.join(dir, 'checksums.txt.sig'), 'utf8'), 'base64'));
    expect(run('openssl', ['dgst', '-sha256', '-verify', keyFiles.pub, '-signature', 'sig.der', 'checksums.txt'], { cwd: dir })).toBe('Verified OK\n');
  });

  it('is reproducible: the same inputs give the same files', async () => {
    const again = tempDir('vagain');
    await assembleRelease(again, { project: 'app', version: 'v1.0.0', mtime: MTIME, binaries, extraFiles: [{ name: 'LICENSE', data: Buffer.from('MIT\n') }], key, tool: { name: 'gocross', version: '0.1.0' } });
    // ECDSA signatures are randomized, so the envelopes differ; their payloads and all else do not.
    for (const n of ['app_1.0.0_linux_arm64.tar.gz', 'app_1.0.0_windows_amd64.zip', 'checksums.txt']) {
      expect(fs.readFileSync(path.join(again, n)).equals(fs.readFileSync(path.join(template, n)))).toBe(true);
    }
    const payload = (d: string) => JSON.parse(fs.readFileSync(path.join(d, 'app_1.0.0_linux_arm64.tar.gz.sbom.intoto.jsonl'), 'utf8')).payload;
    expect(payload(again)).toBe(payload(template));
  });
});

describe('verifyRelease', () => {
  it('accepts the good release and hands out the verified binaries', async () => {
    const r = await verifyRelease(release(), { publicKeyPem: pub });
    expect(brief(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.binaries.map((b) => [b.archive, b.name, b.kind, b.mode.toString(8), b.attestedBy])).toEqual([
      ['app_1.0.0_linux_arm64.tar.gz', 'app', 'elf', '755', ['https://cyclonedx.org/bom']],
      ['app_1.0.0_windows_amd64.zip', 'app.exe', 'pe', '755', ['https://cyclonedx.org/bom']],
    ]);
    expect(r.binaries[0].data.equals(binaries[0].data)).toBe(true);
    expect(r.binaries[1].data.equals(binaries[1].data)).toBe(true);
    expect(r.archives[0].entries.map((e) => e.name)).toEqual(['LICENSE', 'app']);
  });

  it('checks the checksums signature first and reads nothing else when it fails', async () => {
    const dir = release();
    fs.appendFileSync(path.join(dir, CHECKSUMS_FILE), `${'0'.repeat(64)}  extra\n`);
    const spy = jest.spyOn(unpack, 'readArchive');
    try {
      const r = await verifyRelease(dir, { publicKeyPem: pub });
      expect(brief(r)).toEqual(['signature checksums.txt: signature checksums.txt.sig does not verify with the given public key']);
      expect(spy).not.toHaveBeenCalled();
      expect(r.binaries).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a release signed with another key, and a missing signature', async () => {
    const dir = release();
    resign(dir, loadSigningKey({ path: opensslKey('p256').key }));
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual(['signature checksums.txt: signature checksums.txt.sig does not verify with the given public key']);
    fs.rmSync(path.join(dir, CHECKSUMS_SIGNATURE_FILE));
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual(['missing checksums.txt.sig: not present (or not a regular file)']);
  });

  it('finds a changed archive, a missing file, an unlisted file and a symlink', async () => {
    const dir = release();
    fs.writeFileSync(path.join(dir, 'README.txt'), 'listed, then lost');
    resign(dir);
    fs.rmSync(path.join(dir, 'README.txt'));
    const tgz = path.join(dir, 'app_1.0.0_linux_arm64.tar.gz');
    const b = fs.readFileSync(tgz);
    b[b.length - 10] ^= 0xff;
    fs.writeFileSync(tgz, b);
    fs.rmSync(path.join(dir, 'app_1.0.0_windows_amd64.zip.sbom.intoto.jsonl'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'unlisted');
    const r = await verifyRelease(dir, { publicKeyPem: pub });
    expect(brief(r)).toEqual([
      'unlisted notes.txt: present but not listed in checksums.txt',
      'missing README.txt: listed in checksums.txt but not present',
      `checksum app_1.0.0_linux_arm64.tar.gz: sha256 ${sha256Hex(b)} does not match checksums.txt (${sha256Hex(fs.readFileSync(path.join(template, 'app_1.0.0_linux_arm64.tar.gz')))})`,
      'attestation app_1.0.0_windows_amd64.zip: no verified sbom attestation (app_1.0.0_windows_amd64.zip.sbom.intoto.jsonl)',
    ]);
    // Only the zip was read; the tampered tar.gz was not opened.
    expect(r.binaries.map((x) => x.name)).toEqual(['app.exe']);

    const dir2 = release();
    const zip = path.join(dir2, 'app_1.0.0_windows_amd64.zip');
    fs.renameSync(zip, `${zip}.real`);
    fs.symlinkSync(`${zip}.real`, zip);
    expect(brief(await verifyRelease(dir2, { publicKeyPem: pub }))).toContain('checksum app_1.0.0_windows_amd64.zip: is not a regular file (symbolic link)');
  });

  it('finds an attestation whose subject is not the binary in its archive (re-released with the key)', async () => {
    const dir = release();
    // Swap the linux binary for another one; checksums are re-made and re-signed with the real key.
    const other = Buffer.concat([binaries[0].data, Buffer.from('appended')]);
    const a = await createReleaseArchive({ project: 'app', version: '1.0.0', target: binaries[0].target, binary: { name: 'app', data: other }, mtime: MTIME });
    fs.writeFileSync(path.join(dir, a.fileName), a.data);
    resign(dir);
    const r = await verifyRelease(dir, { publicKeyPem: pub });
    expect(brief(r)).toEqual([
      `subject app_1.0.0_linux_arm64.tar.gz.sbom.intoto.jsonl: subject app sha256 ${sha256Hex(binaries[0].data)} matches no binary in app_1.0.0_linux_arm64.tar.gz`,
      'attestation app_1.0.0_linux_arm64.tar.gz: no verified sbom attestation (app_1.0.0_linux_arm64.tar.gz.sbom.intoto.jsonl)',
    ]);
  });

  it('refuses an archive entry that is neither its binary nor an extra file: an executable, a nested file (re-released with the key)', async () => {
    const dir = release();
    const name = 'app_1.0.0_linux_arm64.tar.gz';
    const evil = await createArchive(
      [
        { name: 'LICENSE', data: Buffer.from('MIT\n'), mode: 0o644 },
        { name: 'app', data: binaries[0].data, mode: 0o755 },
        { name: 'evil.sh', data: Buffer.from('#!/bin/sh\nrm -rf ~\n'), mode: 0o755 },
        { name: 'docs/README', data: Buffer.from('x\n'), mode: 0o644 },
        // an extra file of the release's files option: any name, at the root, not executable
        { name: 'NOTICE', data: Buffer.from('n\n'), mode: 0o644 },
      ],
      { format: 'tar.gz', mtime: MTIME },
    );
    fs.writeFileSync(path.join(dir, name), evil);
    resign(dir);
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([
      `content ${name}: entry "docs/README" is not at the root, where a release puts its binary and extra files; a release archive holds nothing else`,
      `content ${name}: entry "evil.sh" is an executable file (mode 0755) that is not its binary; extra files are not executable; a release archive holds nothing else`,
    ]);
  });

  it('refuses a signed SBOM whose modules are not those of its binary\'s build info (re-signed with the key)', async () => {
    const dir = release();
    const att = attestationFileName('app_1.0.0_linux_arm64.tar.gz', 'sbom');
    const st = JSON.parse(Buffer.from(JSON.parse(fs.readFileSync(path.join(dir, att), 'utf8')).payload, 'base64').toString());
    expect(st.predicate.components ?? []).toEqual([]);
    st.predicate.components = [{ type: 'library', name: 'github.com/spf13/pflag', version: 'v1.0.5', 'bom-ref': 'pkg:golang/github.com/spf13/pflag@v1.0.5' }];
    st.predicate.metadata.component.name = 'example.com/other';
    fs.writeFileSync(path.join(dir, att), `${JSON.stringify(signStatement(key, st))}\n`);
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([
      `sbom ${att}: app: main module "example.com/other", the binary's build info says example.com/app`,
      `sbom ${att}: app: lists github.com/spf13/pflag@v1.0.5, not in the binary's build info`,
    ]);
  });

  it('refuses attestations signed with another key or of the wrong predicate type', async () => {
    const dir = release();
    const other = loadSigningKey({ path: opensslKey('p256').key });
    const att = attestationFileName('app_1.0.0_linux_arm64.tar.gz', 'sbom');
    const env = JSON.parse(fs.readFileSync(path.join(dir, att), 'utf8'));
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString());
    fs.writeFileSync(path.join(dir, att), `${JSON.stringify(signStatement(other, statement))}\n`);
    const att2 = attestationFileName('app_1.0.0_windows_amd64.zip', 'sbom');
    const st2 = JSON.parse(Buffer.from(JSON.parse(fs.readFileSync(path.join(dir, att2), 'utf8')).payload, 'base64').toString());
    fs.writeFileSync(path.join(dir, att2), `${JSON.stringify(signStatement(key, { ...st2, predicateType: 'https://slsa.dev/provenance/v1' }))}\n`);
    resign(dir);
    const r = await verifyRelease(dir, { publicKeyPem: pub });
    expect(brief(r)).toEqual([
      `signature ${att}: DSSE envelope: no signature verifies with the public key`,
      `attestation ${att2}: predicateType "https://slsa.dev/provenance/v1", expected https://cyclonedx.org/bom for a sbom attestation`,
      'attestation app_1.0.0_linux_arm64.tar.gz: no verified sbom attestation (app_1.0.0_linux_arm64.tar.gz.sbom.intoto.jsonl)',
      'attestation app_1.0.0_windows_amd64.zip: no verified sbom attestation (app_1.0.0_windows_amd64.zip.sbom.intoto.jsonl)',
    ]);
  });

  it('checks a listed attestation\'s checksum, and refuses attestations for archives not in the release', async () => {
    const dir = release();
    const att = attestationFileName('app_1.0.0_linux_arm64.tar.gz', 'sbom');
    const names = [...fs.readdirSync(dir).filter((n) => n.endsWith('.zip') || n.endsWith('.tar.gz')), att];
    const sums = formatChecksums(names.map((n) => ({ name: n, data: fs.readFileSync(path.join(dir, n)) })));
    fs.writeFileSync(path.join(dir, CHECKSUMS_FILE), sums);
    fs.writeFileSync(path.join(dir, CHECKSUMS_SIGNATURE_FILE), `${signBlob(key, Buffer.from(sums))}\n`);
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([]);
    fs.appendFileSync(path.join(dir, att), '\n');
    fs.copyFileSync(path.join(dir, attestationFileName('app_1.0.0_windows_amd64.zip', 'sbom')), path.join(dir, attestationFileName('app_9.zip', 'sbom')));
    const r = await verifyRelease(dir, { publicKeyPem: pub });
    expect(brief(r)).toEqual([
      expect.stringMatching(new RegExp(`^checksum ${att.replace(/\./g, '\\.')}: sha256 [0-9a-f]{64} does not match checksums.txt`)),
      'attestation app_9.zip.sbom.intoto.jsonl: names archive app_9.zip, which is not in the release',
      'attestation app_1.0.0_linux_arm64.tar.gz: no verified sbom attestation (app_1.0.0_linux_arm64.tar.gz.sbom.intoto.jsonl)',
    ]);
  });

  it('hashes other listed files in chunks, and refuses an oversized checksums file unread', async () => {
    const dir = release();
    const big = Buffer.alloc(3 * (1 << 20) + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    fs.writeFileSync(path.join(dir, 'source.tar'), big);
    resign(dir);
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([]);
    big[2 * (1 << 20) + 5] ^= 1; // a byte in the third chunk
    fs.writeFileSync(path.join(dir, 'source.tar'), big);
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([expect.stringMatching(/^checksum source\.tar: sha256 [0-9a-f]{64} does not match/)]);
    fs.writeFileSync(path.join(dir, CHECKSUMS_FILE), Buffer.alloc(5 << 20, 0x41));
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([`signature checksums.txt: larger than ${4 << 20} bytes; not read`]);
  });

  it('reports a signed but unsafe archive (symlink, bomb) instead of unpacking it', async () => {
    const dir = release();
    const name = 'app_1.0.0_linux_arm64.tar.gz';
    const craft = path.join(tempDir('vcraft'), 'x.tar.gz');
    const py = [
      'import io, sys, tarfile',
      'z = tarfile.open(sys.argv[1], "w:gz")',
      'i = tarfile.TarInfo("app"); i.type = tarfile.SYMTYPE; i.linkname = "/bin/sh"; z.addfile(i)',
      'z.close()',
    ].join('\n');
    run('python3', ['-c', py, craft]);
    fs.copyFileSync(craft, path.join(dir, name));
    resign(dir);
    expect(brief(await verifyRelease(dir, { publicKeyPem: pub }))).toEqual([
      `archive ${name}: refused: entry "app": symbolic link to "/bin/sh" refused`,
    ]);
    const bomb = await createArchive([{ name: 'app', data: Buffer.alloc(8 << 20) }], { format: 'tar.gz', mtime: MTIME });
    fs.writeFileSync(path.join(dir, name), bomb);
    resign(dir);
    const r = await verifyRelease(dir, { publicKeyPem: pub, limits: { maxTotalBytes: 1 << 20, maxEntries: 16 } });
    expect(brief(r)).toEqual([
      // The windows zip (about 1.4 MB compressed) is over the same limit before it is even read.
      expect.stringMatching(/^archive app_1\.0\.0_windows_amd64\.zip: \d+ bytes, over the limit of 1048576; not read$/),
      expect.stringMatching(new RegExp(`^archive ${name.replace(/\./g, '\\.')}: refused: gzip stream inflates to more than \\d+ bytes`)),
    ]);
  });

  it('the signature check is the one cosign and openssl share: a tampered .sig fails', async () => {
    const dir = release();
    const sig = Buffer.from(fs.readFileSync(path.join(dir, CHECKSUMS_SIGNATURE_FILE), 'utf8'), 'base64');
    sig[sig.length - 1] ^= 1;
    fs.writeFileSync(path.join(dir, CHECKSUMS_SIGNATURE_FILE), `${sig.toString('base64')}\n`);
    fs.writeFileSync(path.join(dir, 'sig.der'), sig);
    const o = spawnSync('openssl', ['dgst', '-sha256', '-verify', keyFiles.pub, '-signature', 'sig.der', 'checksums.txt'], { cwd: dir });
    expect(o.status).not.toBe(0);
    fs.rmSync(path.join(dir, 'sig.der'));
    expect((await verifyRelease(dir, { publicKeyPem: pub })).problems.map((p) => p.kind)).toEqual(['signature']);
  });
});
