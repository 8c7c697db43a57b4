import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, hashPassword, isWellFormedApiKey, verifyPassword } from './secrets.js';

describe('API keys', () => {
  it('are sk-sw- plus 32 random bytes, stored as a SHA-256 hash with a short visible prefix', () => {
    const { key, hash, prefix } = generateApiKey();
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(key.startsWith(prefix)).toBe(true);
    expect(prefix.length).toBeLessThan(16);
    expect(generateApiKey().key).not.toBe(key);
  });

  it('malformed keys are told apart before any lookup', () => {
    expect(isWellFormedApiKey('sk-sw-short')).toBe(false);
    expect(isWellFormedApiKey(`sk-xx-${'a'.repeat(43)}`)).toBe(false);
  });
});

describe('passwords', () => {
  it('hash with a salt and verify only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });
});
