import { createPrivateKey, createPublicKey } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@synthwell/server';
import { generateSigningKey, type SigningKey } from '@synthwell/synthetic/signing';

const KID = /^[A-Za-z0-9_.-]{1,64}$/;
const DEFAULT_KEY_FILE = 'provenance-ed25519.json';

function fromPkcs8(kid: string, pkcs8: Buffer): SigningKey {
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
  return { kid, privateKey, publicKey: createPublicKey(privateKey) };
}

/** Parses `kid:base64 PKCS8,kid:base64 PKCS8`; a malformed entry stops start-up with a message naming the variable. */
export function parseSigningKeys(value: string, variable = 'PROVENANCE_SIGNING_KEYS'): SigningKey[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new ConfigError([`${variable} must list at least one kid:key`]);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const kid = entry.slice(0, colon);
    if (colon < 0 || !KID.test(kid))
      throw new ConfigError([`${variable} entry ${i + 1} must be kid:base64 (kid of A-Z a-z 0-9 _ . -)`]);
    if (seen.has(kid)) throw new ConfigError([`${variable} lists key id '${kid}' twice`]);
    seen.add(kid);
    try {
      return fromPkcs8(kid, Buffer.from(entry.slice(colon + 1), 'base64'));
    } catch {
      throw new ConfigError([`${variable} key '${kid}' is not a base64 PKCS8 Ed25519 private key`]);
    }
  });
}

/** `kid:base64` for PROVENANCE_SIGNING_KEYS. */
export function formatSigningKey(key: SigningKey): string {
  return `${key.kid}:${key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`;
}

/**
 * The embedded default: the key stored in `dir`, generated and stored (mode 0600) on first start.
 * Replicas starting together agree on one key: the file appears whole (written aside, then linked)
 * and only the first link succeeds; the others read it.
 */
export function loadOrCreateKey(dir: string): SigningKey {
  const file = join(dir, DEFAULT_KEY_FILE);
  const read = (): SigningKey => {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { kid: string; pkcs8: string };
    return fromPkcs8(stored.kid, Buffer.from(stored.pkcs8, 'base64'));
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = generateSigningKey();
  const pkcs8 = key.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, JSON.stringify({ kid: key.kid, pkcs8 }), { mode: 0o600 });
  try {
    linkSync(aside, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw error;
  } finally {
    unlinkSync(aside);
  }
}
