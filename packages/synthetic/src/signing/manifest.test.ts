import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../hash.js';
import { generateSigningKey, keyRing } from './keys.js';
import { digestJsonl, JsonlDigest, signManifest, verifyDataset, verifyManifest } from './manifest.js';

describe('JSONL digests', () => {
  const jsonl = '{"text":"naïve"}\n{"text":"b"}\n\n{"text":"c"}\n';

  it('counts non-blank lines and hashes the exact bytes', () => {
    expect(digestJsonl(jsonl)).toEqual({ records: 3, jsonl_sha256: sha256Hex(jsonl) });
    expect(digestJsonl('{"a":1}\n{"a":2}').records).toBe(2);
    expect(digestJsonl(' \r\n\t\n').records).toBe(0);
  });

  it('gives the same digest however the export is split into pieces, even inside a character', () => {
    const bytes = Buffer.from(jsonl, 'utf8');
    const whole = digestJsonl(bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const pieces = new JsonlDigest().update(bytes.subarray(0, cut)).update(bytes.subarray(cut));
      expect(pieces.digest()).toEqual(whole);
    }
  });
});

describe('dataset manifests', () => {
  const key = generateSigningKey();
  const { verifiers } = keyRing([key]);
  const jsonl = '{"text":"a"}\n{"text":"b"}\n{"text":"c"}\n';
  const manifest = signManifest({ jobId: 'job_1', digest: digestJsonl(jsonl), created: new Date(0) }, key);

  it('verifies the export it was signed for, and nothing else', () => {
    expect(manifest).toMatchObject({
      v: 1,
      job_id: 'job_1',
      records: 3,
      kid: key.kid,
      created: '1970-01-01T00:00:00.000Z',
    });
    expect(verifyDataset(manifest, jsonl, verifiers)).toEqual({ valid: true, reason: 'valid', manifest });
    expect(verifyDataset(manifest, Buffer.from(jsonl), verifiers).valid).toBe(true);
    expect(verifyManifest(manifest, sha256Hex(jsonl), verifiers).valid).toBe(true);
    expect(verifyDataset(manifest, jsonl.replace('"b"', '"B"'), verifiers).reason).toBe('digest_mismatch');
    expect(verifyDataset(manifest, `${jsonl}{"text":"d"}\n`, verifiers).reason).toBe('digest_mismatch');
  });

  it('refuses an altered, unsigned or foreign manifest, saying which', () => {
    expect(verifyDataset({ ...manifest, records: 2 }, jsonl, verifiers).reason).toBe('bad_signature');
    expect(verifyDataset({ ...manifest, job_id: 'job_2' }, jsonl, verifiers).reason).toBe('bad_signature');
    expect(verifyDataset({ ...manifest, sig: 'AAAA' }, jsonl, verifiers).reason).toBe('bad_signature');
    expect(verifyDataset({ ...manifest, sig: undefined }, jsonl, verifiers)).toEqual({
      valid: false,
      reason: 'malformed_manifest',
      manifest: null,
    });
    expect(verifyDataset({ ...manifest, extra: 1 }, jsonl, verifiers).reason).toBe('malformed_manifest');
    expect(verifyDataset('not a manifest', jsonl, verifiers).reason).toBe('malformed_manifest');
    expect(verifyDataset(manifest, jsonl, keyRing([generateSigningKey()]).verifiers)).toMatchObject({
      valid: false,
      reason: 'unknown_key',
      manifest: { kid: key.kid },
    });
  });

  it('signs deterministically: the same export and time give the same manifest', () => {
    expect(signManifest({ jobId: 'job_1', digest: digestJsonl(jsonl), created: new Date(0) }, key)).toEqual(manifest);
  });
});
