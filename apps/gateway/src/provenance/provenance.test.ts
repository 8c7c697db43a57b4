import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@synthwell/providers';
import { ConfigError } from '@synthwell/server';
import { embedProvenance, generateSigningKey, keyRing, verifyImage } from '@synthwell/synthetic/signing';
import { describe, expect, it } from 'vitest';
import { formatSigningKey, loadOrCreateKey, parseSigningKeys } from './keys.js';

const origin = {
  generator: 'sw-canvas',
  requestId: 'req_test000001',
  accountSha256: 'a'.repeat(64),
  promptSha256: 'b'.repeat(64),
  created: new Date('2026-11-01T12:00:00Z'),
};

const png = () => encodePng({ width: 4, height: 3, pixels: new Uint8Array(4 * 3 * 3).fill(90) });

describe('signing keys', () => {
  it('stops start-up on a malformed PROVENANCE_SIGNING_KEYS, naming the variable', () => {
    for (const value of [
      '',
      'no-colon',
      'k1:bm90IGEga2V5',
      `a:${formatSigningKey(generateSigningKey()).split(':')[1]},a:x`,
    ]) {
      expect(() => parseSigningKeys(value)).toThrow(ConfigError);
      expect(() => parseSigningKeys(value)).toThrow(/PROVENANCE_SIGNING_KEYS/);
    }
  });

  it('rotates through the variable: the first key signs, earlier images keep verifying', () => {
    const old = generateSigningKey();
    const next = generateSigningKey();
    const signedBefore = embedProvenance(png(), origin, old);
    const rotated = keyRing(parseSigningKeys(`${formatSigningKey(next)},${formatSigningKey(old)}`));
    expect(rotated.signer.kid).toBe(next.kid);
    expect(verifyImage(signedBefore, rotated.verifiers).valid).toBe(true);
    expect(verifyImage(embedProvenance(png(), origin, rotated.signer), rotated.verifiers).record?.kid).toBe(next.kid);
  });

  it('generates the embedded default key once and reuses it after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synthwell-keys-'));
    try {
      const first = loadOrCreateKey(join(dir, 'keys'));
      const second = loadOrCreateKey(join(dir, 'keys'));
      expect(second.kid).toBe(first.kid);
      const signed = embedProvenance(png(), origin, first);
      expect(verifyImage(signed, keyRing([second]).verifiers).valid).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
