import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { IN_TOTO_PAYLOAD_TYPE, loadPublicKey, loadSigningKey, pae, SigningKeyError, signBlob, signDsse, signStatement, verifyBlob, verifyDsse } from './sign';
import { run, tempDir } from './test-utils/go';
import { opensslKey } from './test-utils/keys';

function opensslVerify(pub: string, sigDer: Buffer, data: Buffer): { ok: boolean; out: string } {
  const dir = tempDir('ossl');
  fs.writeFileSync(path.join(dir, 'sig.der'), sigDer);
  fs.writeFileSync(path.join(dir, 'data'), data);
  const r = spawnSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', 'sig.der', 'data'], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

function opensslSign(key: string, data: Buffer): Buffer {
  const dir = tempDir('ossl');
  fs.writeFileSync(path.join(dir, 'data'), data);
  run('openssl', ['dgst', '-sha256', '-sign', key, '-out', 'sig.der', 'data'], { cwd: dir });
  return fs.readFileSync(path.join(dir, 'sig.der'));
}

/** The body lines of a PEM file: what must never show up in output. */
function pemBodyLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'));
}

describe('blob signatures (cosign sign-blob format)', () => {
  const p256 = opensslKey('p256');

  it('openssl verifies what we sign, and rejects it for another blob', () => {
    const key = loadSigningKey({ path: p256.key });
    const blob = Buffer.from('checksums text\n');
    const sig = signBlob(key, blob);
    expect(sig).toMatch(/^[A-Za-z0-9+/]+=*$/); // one line of standard base64
    const der = Buffer.from(sig, 'base64');
    expect(der[0]).toBe(0x30); // ASN.1 SEQUENCE
    const good = opensslVerify(p256.pub, der, blob);
    expect(good).toEqual({ ok: true, out: 'Verified OK\n' });
    expect(opensslVerify(p256.pub, der, Buffer.from('checksums text!\n')).ok).toBe(false);
  });

  it('verifies what openssl signs (PKCS#8 and SEC1 keys), base64 wrapped or not', () => {
    for (const kind of ['p256', 'p256-pkcs8'] as const) {
      const k = kind === 'p256' ? p256 : opensslKey(kind);
      const blob = Buffer.from(`blob for ${kind}`);
      const der = opensslSign(k.key, blob);
      const pem = fs.readFileSync(k.pub, 'utf8');
      expect(verifyBlob(pem, blob, der.toString('base64') + '\n')).toBe(true);
      expect(verifyBlob(pem, blob, der.toString('base64').replace(/(.{20})/g, '$1\n'))).toBe(true);
      expect(verifyBlob(pem, Buffer.from('other'), der.toString('base64'))).toBe(false);
      expect(verifyBlob(pem, blob, 'not base64 !')).toBe(false);
    }
    const other = opensslKey('p256');
    expect(verifyBlob(fs.readFileSync(other.pub, 'utf8'), Buffer.from('x'), opensslSign(p256.key, Buffer.from('x')).toString('base64'))).toBe(false);
  });

  it('derives the same public key PEM as openssl', () => {
    expect(loadSigningKey({ path: p256.key }).publicKeyPem).toBe(fs.readFileSync(p256.pub, 'utf8'));
  });

  it('reads the key from an environment variable value', () => {
    const key = loadSigningKey({ env: 'GOCROSS_TEST_KEY' }, { GOCROSS_TEST_KEY: fs.readFileSync(p256.key, 'utf8') });
    const blob = Buffer.from('env');
    expect(opensslVerify(p256.pub, Buffer.from(signBlob(key, blob), 'base64'), blob).ok).toBe(true);
    expect(key.warnings).toEqual([]);
  });
});

describe('key refusals and warnings', () => {
  const p256 = opensslKey('p256');

  function refusal(f: () => unknown): string {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SigningKeyError);
      const msg = (e as Error).message;
      expect(msg).not.toContain('\n');
      return msg;
    }
    throw new Error('expected a refusal');
  }

  it('missing file, unset variable, directory, garbage', () => {
    const dir = tempDir('refuse');
    expect(refusal(() => loadSigningKey({ path: path.join(dir, 'nope.pem') }))).toBe(`signing key file ${path.join(dir, 'nope.pem')} does not exist`);
    expect(refusal(() => loadSigningKey({ env: 'NO_SUCH_KEY_VAR' }, {}))).toBe('signing key in $NO_SUCH_KEY_VAR: the variable is not set or empty');
    expect(refusal(() => loadSigningKey({ env: 'K' }, { K: '  ' }))).toMatch(/not set or empty/);
    expect(refusal(() => loadSigningKey({ path: dir }))).toMatch(/is not a regular file$/);
    fs.writeFileSync(path.join(dir, 'junk.pem'), 'hello');
    expect(refusal(() => loadSigningKey({ path: path.join(dir, 'junk.pem') }))).toMatch(/is not a PEM key/);
    // A PEM whose body was damaged: the message names the type but quotes nothing of the body.
    const damaged = fs.readFileSync(p256.key, 'utf8').replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    fs.writeFileSync(path.join(dir, 'damaged.pem'), damaged);
    const msg = refusal(() => loadSigningKey({ path: path.join(dir, 'damaged.pem') }));
    expect(msg).toMatch(/could not be parsed as a private key \(PEM type EC PRIVATE KEY\)$/);
    for (const line of pemBodyLines(path.join(dir, 'damaged.pem'))) expect(msg).not.toContain(line.slice(0, 12));
  });

  it.each([
    ['p384', /is an EC key on curve P-384; an ECDSA P-256 key is required$/],
    ['secp256k1', /is an EC key on curve secp256k1; an ECDSA P-256 key is required$/],
    ['ed25519', /is an ed25519 key; an ECDSA P-256 key is required$/],
    ['rsa', /is an RSA key; an ECDSA P-256 key is required$/],
  ] as const)('wrong key type: %s', (kind, re) => {
    const k = opensslKey(kind);
    const msg = refusal(() => loadSigningKey({ path: k.key }));
    expect(msg).toMatch(re);
    for (const line of pemBodyLines(k.key)) expect(msg).not.toContain(line);
    expect(refusal(() => loadPublicKey(fs.readFileSync(k.pub)))).toMatch(/^public key is /);
  });

  it('public keys, certificates and encrypted keys are not signing keys', () => {
    const dir = tempDir('refuse');
    expect(refusal(() => loadSigningKey({ path: p256.pub }))).toMatch(/holds a public key, not a private key$/);
    // The armour of a cosign.key file (cosign generate-key-pair); its body is not parsed.
    fs.writeFileSync(path.join(dir, 'cosign.key'), '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n');
    expect(refusal(() => loadSigningKey({ path: path.join(dir, 'cosign.key') }))).toMatch(/is an encrypted cosign key/);
    run('openssl', ['pkcs8', '-topk8', '-in', p256.key, '-out', path.join(dir, 'enc.pem'), '-passout', 'pass:secret']);
    expect(refusal(() => loadSigningKey({ path: path.join(dir, 'enc.pem') }))).toMatch(/is an encrypted PKCS#8 key; give it unencrypted$/);
    expect(refusal(() => loadPublicKey(fs.readFileSync(p256.key)))).toMatch(/expected a "PUBLIC KEY" PEM, found EC PRIVATE KEY$/);
  });

  it('warns (without printing) when group or others may read the key file', () => {
    const k = opensslKey('p256');
    fs.chmodSync(k.key, 0o640);
    const key = loadSigningKey({ path: k.key });
    expect(key.warnings).toEqual([`signing key file ${k.key} is readable by group or others (mode 0640); restrict it with chmod 600`]);
    fs.chmodSync(k.key, 0o600);
    expect(loadSigningKey({ path: k.key }).warnings).toEqual([]);
  });

  it('never shows the private key in what it returns', () => {
    const key = loadSigningKey({ path: p256.key });
    const shown = [JSON.stringify(key), String(key), inspect(key, { showHidden: true, depth: 5 }), JSON.stringify(signDsse(key, Buffer.from('x')))].join('\n');
    // The first body line of a SEC1 PEM holds the private scalar (the last ones hold the public key).
    expect(shown).not.toContain(pemBodyLines(p256.key)[0]);
    expect(shown).not.toMatch(/PRIVATE/);
    // The private scalar as openssl prints it, without separators.
    const priv = run('openssl', ['ec', '-in', p256.key, '-noout', '-text']).split('pub:')[0].split('priv:')[1].replace(/[\s:]/g, '');
    expect(priv.length).toBeGreaterThanOrEqual(60);
    expect(shown.replace(/[\s:]/g, '')).not.toContain(priv.slice(-40));
    expect(Buffer.from(shown).toString('hex')).not.toContain(priv.slice(-40));
  });
});

describe('DSSE', () => {
  // DSSE protocol.md test vector (secure-systems-lab/dsse): key, PAE text and envelope.
  const toB64url = (dec: string) => Buffer.from(BigInt(dec).toString(16).padStart(64, '0'), 'hex').toString('base64url');
  const specKey = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: toB64url('46950820868899156662930047687818585632848591499744589407958293238635476079160'),
      y: toB64url('5640078356564379163099075877009565129882514886557779369047442380624545832820'),
    },
  });
  const specEnvelope = {
    payload: 'aGVsbG8gd29ybGQ=',
    payloadType: 'http://example.com/HelloWorld',
    signatures: [{ sig: 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==' }],
  };

  it('PAE matches the spec test vector, lengths in bytes', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    expect(pae('t/é', Buffer.from('ü')).toString('utf8')).toBe('DSSEv1 4 t/é 2 ü');
  });

  it('verifies the spec envelope (raw r‖s signature) and rejects it altered', () => {
    expect(verifyDsse(specKey, specEnvelope, { sigEncoding: 'ieee-p1363' })).toEqual({ ok: true, body: Buffer.from('hello world'), payloadType: 'http://example.com/HelloWorld' });
    expect(verifyDsse(specKey, { ...specEnvelope, payload: Buffer.from('hello world!').toString('base64') }, { sigEncoding: 'ieee-p1363' }).ok).toBe(false);
    expect(verifyDsse(specKey, { ...specEnvelope, payloadType: 'http://example.com/HelloWorlD' }, { sigEncoding: 'ieee-p1363' }).ok).toBe(false);
    // URL-safe base64 must be accepted as well (DSSE protocol).
    const urlSafe = { ...specEnvelope, signatures: [{ sig: Buffer.from(specEnvelope.signatures[0].sig, 'base64').toString('base64url') }] };
    expect(verifyDsse(specKey, urlSafe, { sigEncoding: 'ieee-p1363' }).ok).toBe(true);
  });

  it('openssl verifies our envelope signature over the PAE it spells out', () => {
    const k = opensslKey('p256');
    const key = loadSigningKey({ path: k.key });
    const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'app', digest: { sha256: 'ab'.repeat(32) } }], predicateType: 'https://cyclonedx.org/bom', predicate: { note: 'ünïcode' } };
    const env = signStatement(key, statement);
    expect(env.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(env.signatures).toEqual([{ keyid: key.keyid, sig: expect.any(String) }]);
    const body = Buffer.from(env.payload, 'base64');
    expect(JSON.parse(body.toString())).toEqual(statement);
    const spelled = Buffer.concat([Buffer.from(`DSSEv1 28 application/vnd.in-toto+json ${body.length} `), body]);
    expect(opensslVerify(k.pub, Buffer.from(env.signatures[0].sig, 'base64'), spelled).ok).toBe(true);
    expect(verifyDsse(fs.readFileSync(k.pub, 'utf8'), JSON.stringify(env), { payloadType: IN_TOTO_PAYLOAD_TYPE })).toEqual({ ok: true, body, payloadType: IN_TOTO_PAYLOAD_TYPE });
  });

  it('verifies an envelope openssl signed, and refuses other keys, types and tampering', () => {
    const k = opensslKey('p256');
    const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const sig = opensslSign(k.key, Buffer.concat([Buffer.from(`DSSEv1 28 ${IN_TOTO_PAYLOAD_TYPE} ${body.length} `), body]));
    const env = { payload: body.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ keyid: '', sig: sig.toString('base64') }] };
    const pub = fs.readFileSync(k.pub, 'utf8');
    expect(verifyDsse(pub, env).ok).toBe(true);
    expect(verifyDsse(fs.readFileSync(opensslKey('p256').pub), env)).toEqual({ ok: false, reason: 'no signature verifies with the public key' });
    expect(verifyDsse(pub, env, { payloadType: 'application/json' })).toEqual({ ok: false, reason: 'payloadType "application/vnd.in-toto+json", expected "application/json"' });
    expect(verifyDsse(pub, { ...env, payload: Buffer.from('{"_type":"x"}').toString('base64') }).ok).toBe(false);
    expect(verifyDsse(pub, { ...env, signatures: [] })).toEqual({ ok: false, reason: 'envelope has no signatures' });
    expect(verifyDsse(pub, '{not json')).toEqual({ ok: false, reason: 'envelope is not JSON' });
    expect(verifyDsse(pub, { payload: 1 })).toEqual({ ok: false, reason: 'envelope lacks payload, payloadType or signatures' });
  });
});
