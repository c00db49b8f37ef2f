/**
 * Signatures with a local ECDSA P-256 key, in the formats cosign uses offline:
 *
 * - blob signature (`cosign sign-blob --key`): standard base64 of the ASN.1 DER ECDSA-Sig-Value
 *   over SHA-256 of the blob; `cosign verify-blob --key pub.pem --signature f.sig
 *   --insecure-ignore-tlog f` and `openssl dgst -sha256 -verify pub.pem -signature <decoded> f`
 *   both accept it.
 * - DSSE envelope for in-toto statements: the signature is DER ECDSA over SHA-256 of
 *   PAE(payloadType, body), as `cosign attest-blob` writes and `cosign verify-blob-attestation`
 *   reads.
 *
 * The private key is read from a PEM file or from an environment variable's value (PKCS#8
 * "PRIVATE KEY" or SEC1 "EC PRIVATE KEY", unencrypted). It stays inside a KeyObject held in a
 * private field: no returned string, object or error message contains it.
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** Where the private key comes from: a PEM file, or an environment variable holding the PEM text. */
export type KeySource = { path: string } | { env: string };

/** A signing failure the caller can show as it is: one line, never any key material. */
export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

function describe(src: KeySource): string {
  return 'path' in src ? `signing key file ${src.path}` : `signing key in $${src.env}`;
}

/** Checks that a KeyObject is EC on P-256; throws a one-line error naming what it is otherwise. */
function requireP256(key: KeyObject, what: string): void {
  const t = key.asymmetricKeyType;
  if (t !== 'ec') {
    const kind = t === 'rsa' || t === 'rsa-pss' ? 'an RSA key' : t === 'ed25519' || t === 'ed448' ? `an ${t} key` : `a ${t ?? 'non-asymmetric'} key`;
    throw new SigningKeyError(`${what} is ${kind}; an ECDSA P-256 key is required`);
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve !== 'prime256v1') {
    const named: Record<string, string> = { secp384r1: 'P-384', secp521r1: 'P-521', secp256k1: 'secp256k1' };
    throw new SigningKeyError(`${what} is an EC key on curve ${named[curve ?? ''] ?? curve ?? 'unknown'}; an ECDSA P-256 key is required`);
  }
}

/** The PEM block type(s) in a text, e.g. ['EC PRIVATE KEY']; no other part of the text. */
function pemTypes(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]);
}

/** A loaded P-256 private key. The key itself is not enumerable and never serialized. */
export class SigningKey {
  readonly #key: KeyObject;
  /** PEM (SPKI) of the public half, as `cosign.pub` / `openssl ec -pubout` write it. */
  readonly publicKeyPem: string;
  /** Hex SHA-256 of the public key's SPKI DER: an unauthenticated hint for DSSE `keyid`. */
  readonly keyid: string;
  /** Warnings about how the key is stored (e.g. file permissions); for the caller to show. */
  readonly warnings: readonly string[];

  constructor(key: KeyObject, warnings: string[] = []) {
    if (key.type !== 'private') throw new SigningKeyError('signing key must be a private key');
    requireP256(key, 'signing key');
    this.#key = key;
    const pub = createPublicKey(key);
    this.publicKeyPem = pub.export({ type: 'spki', format: 'pem' }).toString();
    this.keyid = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
    this.warnings = Object.freeze([...warnings]);
  }

  /** DER ECDSA signature over SHA-256 of `data`. */
  signDer(data: Buffer): Buffer {
    return cryptoSign('sha256', data, { key: this.#key, dsaEncoding: 'der' });
  }

  toJSON(): object {
    return { publicKeyPem: this.publicKeyPem, keyid: this.keyid, warnings: this.warnings };
  }

  toString(): string {
    return `SigningKey(P-256, keyid ${this.keyid.slice(0, 16)})`;
  }
}

/**
 * Loads the private key. Refuses, with one line each: a missing file or unset variable, an
 * unreadable file, text that is not an unencrypted private key PEM (an encrypted cosign key, a
 * public key, a certificate), and keys that are not ECDSA P-256 (P-384, ed25519, RSA…).
 * A key file that group or others may read gives a warning in `warnings`.
 */
export function loadSigningKey(src: KeySource, env: NodeJS.ProcessEnv = process.env): SigningKey {
  const what = describe(src);
  let text: string;
  const warnings: string[] = [];
  if ('path' in src) {
    let st: fs.Stats;
    try {
      st = fs.statSync(src.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SigningKeyError(code === 'ENOENT' ? `${what} does not exist` : `${what} cannot be read (${code ?? 'error'})`);
    }
    if (!st.isFile()) throw new SigningKeyError(`${what} is not a regular file`);
    try {
      text = fs.readFileSync(src.path, 'utf8');
    } catch (e) {
      throw new SigningKeyError(`${what} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if ((st.mode & 0o044) !== 0) {
      warnings.push(`${what} is readable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); restrict it with chmod 600`);
    }
  } else {
    const v = env[src.env];
    if (v === undefined || v.trim() === '') throw new SigningKeyError(`${what}: the variable is not set or empty`);
    text = v;
  }
  const types = pemTypes(text);
  if (types.length === 0) throw new SigningKeyError(`${what} is not a PEM key (no "-----BEGIN" line)`);
  const t = types[0];
  if (/ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY/.test(t)) {
    throw new SigningKeyError(`${what} is an encrypted cosign key; give the unencrypted PKCS#8 or EC PEM of the P-256 key`);
  }
  if (t === 'ENCRYPTED PRIVATE KEY') throw new SigningKeyError(`${what} is an encrypted PKCS#8 key; give it unencrypted`);
  if (t === 'PUBLIC KEY' || t === 'CERTIFICATE') throw new SigningKeyError(`${what} holds a ${t.toLowerCase()}, not a private key`);
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    // Node's message may quote parts of the input; say only what failed.
    throw new SigningKeyError(`${what} could not be parsed as a private key (PEM type ${t})`);
  }
  requireP256(key, what);
  return new SigningKey(key, warnings);
}

/** Loads a public key PEM (SPKI "PUBLIC KEY", as cosign.pub) and checks it is P-256; any other PEM type is refused. */
export function loadPublicKey(pem: string | Buffer): KeyObject {
  const text = pem.toString();
  const types = pemTypes(text);
  if (!types.includes('PUBLIC KEY')) throw new SigningKeyError(`public key: expected a "PUBLIC KEY" PEM, found ${types.length ? types.join(', ') : 'no PEM block'}`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new SigningKeyError('public key: the "PUBLIC KEY" PEM could not be parsed');
  }
  requireP256(key, 'public key');
  return key;
}

/** Standard base64 of the DER signature over SHA-256(blob): the text of a cosign `.sig` file (without its final newline). */
export function signBlob(key: SigningKey, blob: Buffer): string {
  return key.signDer(blob).toString('base64');
}

/** Decodes standard or URL-safe base64 strictly; undefined when the text is not base64. */
export function decodeBase64(text: string): Buffer | undefined {
  const t = text.replace(/\s+/g, '');
  if (t === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return undefined;
  const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  // Round-trip check: reject texts with stray bits or wrong padding.
  if (b.toString('base64').replace(/=+$/, '') !== t.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')) return undefined;
  return b;
}

/** Verifies a cosign-style blob signature (base64 DER, whitespace and newlines allowed) with a P-256 public key. */
export function verifyBlob(publicKey: string | Buffer | KeyObject, blob: Buffer, signatureText: string): boolean {
  const key = typeof publicKey === 'string' || Buffer.isBuffer(publicKey) ? loadPublicKey(publicKey) : publicKey;
  const sig = decodeBase64(signatureText);
  if (!sig) return false;
  try {
    return cryptoVerify('sha256', blob, { key, dsaEncoding: 'der' }, sig);
  } catch {
    return false;
  }
}

/** DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${body.length} `, 'ascii'), body]);
}

export interface DsseSignature {
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: DsseSignature[];
}

/** Signs `body` (the exact bytes that will be carried) into a DSSE envelope. */
export function signDsse(key: SigningKey, body: Buffer, payloadType: string = IN_TOTO_PAYLOAD_TYPE): DsseEnvelope {
  return {
    payload: body.toString('base64'),
    payloadType,
    signatures: [{ keyid: key.keyid, sig: key.signDer(pae(payloadType, body)).toString('base64') }],
  };
}

/** Serializes an in-toto statement once and signs those bytes. */
export function signStatement(key: SigningKey, statement: object): DsseEnvelope {
  return signDsse(key, Buffer.from(JSON.stringify(statement), 'utf8'), IN_TOTO_PAYLOAD_TYPE);
}

export type DsseVerification = { ok: true; body: Buffer; payloadType: string } | { ok: false; reason: string };

/**
 * Verifies a DSSE envelope (object or JSON text) against one public key: accepted when any
 * signature verifies over PAE(payloadType, decoded payload). `keyid` is ignored, as the spec
 * requires. `sigEncoding` 'ieee-p1363' accepts raw r‖s signatures (the DSSE spec's test vector)
 * instead of DER. The payload is returned only after a signature verified.
 */
export function verifyDsse(
  publicKey: string | Buffer | KeyObject,
  envelope: unknown,
  opts: { payloadType?: string; sigEncoding?: 'der' | 'ieee-p1363' } = {},
): DsseVerification {
  const key = typeof publicKey === 'string' || Buffer.isBuffer(publicKey) ? loadPublicKey(publicKey) : publicKey;
  let env: unknown = envelope;
  if (typeof envelope === 'string' || Buffer.isBuffer(envelope)) {
    try {
      env = JSON.parse(envelope.toString());
    } catch {
      return { ok: false, reason: 'envelope is not JSON' };
    }
  }
  const e = env as Partial<DsseEnvelope> | null;
  if (!e || typeof e !== 'object' || typeof e.payload !== 'string' || typeof e.payloadType !== 'string' || !Array.isArray(e.signatures)) {
    return { ok: false, reason: 'envelope lacks payload, payloadType or signatures' };
  }
  const body = e.payload === '' ? Buffer.alloc(0) : decodeBase64(e.payload);
  if (!body) return { ok: false, reason: 'envelope payload is not base64' };
  const message = pae(e.payloadType, body);
  const verified = e.signatures.some((s) => {
    const sig = s && typeof s.sig === 'string' ? decodeBase64(s.sig) : undefined;
    if (!sig) return false;
    try {
      return cryptoVerify('sha256', message, { key, dsaEncoding: opts.sigEncoding ?? 'der' }, sig);
    } catch {
      return false;
    }
  });
  if (!verified) return { ok: false, reason: e.signatures.length ? 'no signature verifies with the public key' : 'envelope has no signatures' };
  if (opts.payloadType !== undefined && e.payloadType !== opts.payloadType) {
    return { ok: false, reason: `payloadType ${JSON.stringify(e.payloadType)}, expected ${JSON.stringify(opts.payloadType)}` };
  }
  return { ok: true, body, payloadType: e.payloadType };
}
