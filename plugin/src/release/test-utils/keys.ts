/** Keys made by openssl for the signing tests (an independent producer of keys and signatures). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, tempDir } from './go';

export interface KeyFiles {
  dir: string;
  /** Private key PEM file (mode 0600). */
  key: string;
  /** SPKI public key PEM file. */
  pub: string;
}

/**
 * An openssl key pair. `kind`: 'p256' (SEC1 "EC PRIVATE KEY"), 'p256-pkcs8', 'p384', 'secp256k1',
 * 'ed25519', 'rsa'.
 */
export function opensslKey(kind: 'p256' | 'p256-pkcs8' | 'p384' | 'secp256k1' | 'ed25519' | 'rsa', dir = tempDir('key')): KeyFiles {
  const key = path.join(dir, `${kind}.key.pem`);
  const pub = path.join(dir, `${kind}.pub.pem`);
  const gen: Record<typeof kind, string[]> = {
    p256: ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key],
    'p256-pkcs8': ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key],
    p384: ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', key],
    secp256k1: ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-out', key],
    ed25519: ['genpkey', '-algorithm', 'ed25519', '-out', key],
    rsa: ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key],
  };
  run('openssl', gen[kind]);
  fs.chmodSync(key, 0o600);
  run('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
  return { dir, key, pub };
}
