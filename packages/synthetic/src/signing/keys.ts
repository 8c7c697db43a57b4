import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { type ProvenanceKeys, ProvenanceKeys as ProvenanceKeysSchema } from '@synthwell/contracts';
import { sha256Hex } from '../hash.js';

/** An Ed25519 key pair with its id. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Public keys by id: what verification needs, and all a verifier outside the deployment has. */
export type Verifiers = ReadonlyMap<string, KeyObject>;

/** The keys of a deployment: the first signs, every one verifies (so rotated-out keys keep old signatures valid). */
export interface KeyRing {
  signer: SigningKey;
  verifiers: Verifiers;
}

/** Thrown for a key set that cannot be read; the message says what is wrong with it. */
export class KeySetError extends Error {
  override readonly name = 'KeySetError';
}

export function keyRing(keys: readonly SigningKey[]): KeyRing {
  const [signer] = keys;
  if (!signer) throw new Error('a key ring needs at least one key');
  return { signer, verifiers: new Map(keys.map((key) => [key.kid, key.publicKey])) };
}

/** A key id derived from the public key, so the same key always has the same id. */
export function keyIdOf(publicKey: KeyObject): string {
  return `sw-${sha256Hex(publicKey.export({ format: 'der', type: 'spki' })).slice(0, 12)}`;
}

/** A fresh key, with an id derived from its public key. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { kid: keyIdOf(publicKey), privateKey, publicKey };
}

/** The public half of every key, as the JWK Set `GET /v1/provenance/keys` serves, in the ring's order. */
export function publicKeySet(verifiers: Verifiers): ProvenanceKeys {
  return {
    keys: [...verifiers].map(([kid, key]) => {
      const { x } = key.export({ format: 'jwk' });
      if (key.asymmetricKeyType !== 'ed25519' || typeof x !== 'string') throw new Error(`key '${kid}' is not Ed25519`);
      return { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid, x };
    }),
  };
}

/** Reads a JWK Set of Ed25519 public keys (the JSON of `GET /v1/provenance/keys`) into verifiers. */
export function verifiersFromKeySet(value: unknown): Verifiers {
  const parsed = ProvenanceKeysSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new KeySetError(`not a key set of Ed25519 public keys${where}: ${issue?.message ?? 'invalid'}`);
  }
  const verifiers = new Map<string, KeyObject>();
  for (const { kid, x } of parsed.data.keys) {
    if (verifiers.has(kid)) throw new KeySetError(`key id '${kid}' appears twice`);
    try {
      verifiers.set(kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }));
    } catch {
      throw new KeySetError(`key '${kid}' is not a valid Ed25519 public key`);
    }
  }
  return verifiers;
}
