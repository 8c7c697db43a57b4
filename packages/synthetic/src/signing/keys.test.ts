import { describe, expect, it } from 'vitest';
import { gradient } from '../../test/support/png.js';
import { embedProvenance, verifyImage } from './image.js';
import { generateSigningKey, KeySetError, keyRing, publicKeySet, verifiersFromKeySet } from './keys.js';

const origin = {
  generator: 'sw-canvas',
  requestId: 'req_1',
  accountSha256: 'a'.repeat(64),
  promptSha256: 'b'.repeat(64),
  created: new Date(0),
};

describe('public key sets', () => {
  it('publish the public half of every key, in order, and verify from JSON alone', () => {
    const current = generateSigningKey();
    const old = generateSigningKey();
    const set = publicKeySet(keyRing([current, old]).verifiers);
    expect(set.keys.map((key) => key.kid)).toEqual([current.kid, old.kid]);
    expect(set.keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      kid: current.kid,
      x: expect.any(String),
    });
    expect(JSON.stringify(set)).not.toMatch(/"d"/);
    const verifiers = verifiersFromKeySet(JSON.parse(JSON.stringify(set)));
    expect(verifyImage(embedProvenance(gradient().png, origin, old), verifiers).valid).toBe(true);
  });

  it('gives a key the same id every time, derived from its public key', () => {
    const key = generateSigningKey();
    const [published] = publicKeySet(keyRing([key]).verifiers).keys;
    const reread = verifiersFromKeySet({ keys: [{ ...published, kid: 'other' }] }).get('other');
    expect(reread?.equals(key.publicKey)).toBe(true);
    expect(key.kid).toMatch(/^sw-[0-9a-f]{12}$/);
  });

  it('refuses a key set it cannot use, saying why', () => {
    const [key] = publicKeySet(keyRing([generateSigningKey()]).verifiers).keys;
    expect(() => verifiersFromKeySet({ keys: [{ ...key, kty: 'RSA' }] })).toThrow(KeySetError);
    expect(() => verifiersFromKeySet({ keys: [{ ...key, x: 'short' }] })).toThrow(/keys\.0\.x/);
    expect(() => verifiersFromKeySet({ keys: [key, key] })).toThrow(/appears twice/);
    expect(() => verifiersFromKeySet([key])).toThrow(KeySetError);
  });
});
