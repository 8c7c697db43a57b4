import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** API keys are `sk-sw-` + 32 random bytes in base64url. */
export const API_KEY_PREFIX = 'sk-sw-';
const API_KEY_SHAPE = /^sk-sw-[A-Za-z0-9_-]{43}$/;
/** How much of a key is kept in the clear so users can tell their keys apart. */
const VISIBLE_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;

export interface NewApiKey {
  key: string;
  hash: string;
  prefix: string;
}

export function generateApiKey(): NewApiKey {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, VISIBLE_PREFIX_LENGTH) };
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_SHAPE.test(key);
}

/**
 * Keys are long random strings, so one SHA-256 is enough; they are never stored themselves. The
 * one-shot `hash` costs less than half of a Hash object's setup on every authenticated request.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, VISIBLE_PREFIX_LENGTH);
}

// scrypt with N=2^15, r=8, p=1: about 50 ms and 32 MiB per hash here.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: SCRYPT.maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash`, so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
