import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVENANCE_CHUNK_KEYWORD } from '@synthwell/contracts';
import { encodePng } from '@synthwell/providers';
import { ConfigError } from '@synthwell/server';
import { describe, expect, it } from 'vitest';
import { embedProvenance, type ImageOrigin, verifyImage } from './image.js';
import { formatSigningKey, generateSigningKey, keyRing, loadOrCreateKey, parseSigningKeys } from './keys.js';
import { signManifest, verifyManifest } from './manifest.js';
import { decodePixels, findText, itxtChunk, readChunks, writeChunks } from './png.js';

const origin: ImageOrigin = {
  generator: 'sw-canvas',
  requestId: 'req_test000001',
  accountSha256: 'a'.repeat(64),
  promptSha256: 'b'.repeat(64),
  created: new Date('2026-11-01T12:00:00Z'),
};

/** A 16 x 12 RGB gradient, encoded by the offline image provider's encoder. */
function gradient(width = 16, height = 12): { pixels: Uint8Array; png: Uint8Array } {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256;
  return { pixels, png: encodePng({ width, height, pixels }) };
}

/** Re-encodes `pixels` and carries the original provenance chunk over, as a careful editor would. */
function reencode(signed: Uint8Array, width: number, height: number, pixels: Uint8Array): Uint8Array {
  const record = findText(readChunks(signed), PROVENANCE_CHUNK_KEYWORD) as string;
  const [header, ...rest] = readChunks(encodePng({ width, height, pixels }, 'Some Editor'));
  return writeChunks([header!, itxtChunk(PROVENANCE_CHUNK_KEYWORD, record), ...rest]);
}

describe('PNG decoding', () => {
  it('recovers the exact pixels the encoder was given', () => {
    const { pixels, png } = gradient();
    const decoded = decodePixels(readChunks(png));
    expect(decoded).toMatchObject({ width: 16, height: 12, bitDepth: 8, colorType: 2 });
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  it('rejects bytes that are not a PNG or whose chunks are corrupt', () => {
    const { png } = gradient();
    expect(verifyImage(Buffer.from('GIF89a...'), keyRing([generateSigningKey()])).reason).toBe('not_png');
    const corrupt = Uint8Array.from(png);
    corrupt[40] = (corrupt[40]! + 1) & 0xff;
    expect(verifyImage(corrupt, keyRing([generateSigningKey()])).reason).toBe('not_png');
  });
});

describe('image provenance', () => {
  const key = generateSigningKey();
  const keys = keyRing([key]);

  it('verifies a freshly signed image and returns its record', () => {
    const signed = embedProvenance(gradient().png, origin, keys);
    const result = verifyImage(signed, keys);
    expect(result).toMatchObject({ valid: true, reason: 'valid' });
    expect(result.record).toMatchObject({
      generator: 'sw-canvas',
      request_id: 'req_test000001',
      account_sha256: 'a'.repeat(64),
      prompt_sha256: 'b'.repeat(64),
      created: '2026-11-01T12:00:00.000Z',
      width: 16,
      height: 12,
      kid: key.kid,
    });
  });

  it('keeps the pixels: the signed file decodes to the same image', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, keys);
    expect(Buffer.from(decodePixels(readChunks(signed)).pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  it('refuses a copy re-encoded by a tool that drops the record', () => {
    const { pixels } = gradient();
    const copy = encodePng({ width: 16, height: 12, pixels });
    expect(verifyImage(copy, keys)).toEqual({ valid: false, reason: 'missing_record', record: null });
  });

  it('refuses a re-encoded copy with altered pixels even when the record is carried over', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, keys);
    const edited = Uint8Array.from(pixels);
    edited[0] = (edited[0]! + 1) & 0xff;
    expect(verifyImage(reencode(signed, 16, 12, edited), keys).reason).toBe('pixels_modified');
  });

  it('refuses a cropped copy', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, keys);
    const cropped = new Uint8Array(16 * 11 * 3);
    cropped.set(pixels.subarray(0, cropped.length));
    expect(verifyImage(reencode(signed, 16, 11, cropped), keys).reason).toBe('pixels_modified');
  });

  it('accepts a lossless re-encode that keeps the record: the signature covers pixels, not bytes', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, keys);
    expect(verifyImage(reencode(signed, 16, 12, pixels), keys).valid).toBe(true);
  });

  it('refuses a forged record and one signed by an unknown key', () => {
    const signed = embedProvenance(gradient().png, origin, keys);
    const record = JSON.parse(findText(readChunks(signed), PROVENANCE_CHUNK_KEYWORD) as string);
    const forge = (changed: object) => {
      const [header, , ...rest] = readChunks(signed);
      return writeChunks([
        header!,
        itxtChunk(PROVENANCE_CHUNK_KEYWORD, JSON.stringify({ ...record, ...changed })),
        ...rest,
      ]);
    };
    expect(verifyImage(forge({ generator: 'gpt-image-1' }), keys).reason).toBe('bad_signature');
    expect(verifyImage(forge({ kid: 'someone-else' }), keys).reason).toBe('unknown_key');
    expect(verifyImage(forge({ sig: 'not-a-signature' }), keys).reason).toBe('bad_signature');
    expect(verifyImage(forge({ extra: true }), keys).reason).toBe('malformed_record');
    expect(verifyImage(embedProvenance(gradient().png, origin, keyRing([generateSigningKey()])), keys).reason).toBe(
      'unknown_key',
    );
  });

  it('keeps old signatures valid after rotation, as long as the old key stays in the list', () => {
    const old = generateSigningKey();
    const next = generateSigningKey();
    const signedBefore = embedProvenance(gradient().png, origin, keyRing([old]));
    const rotated = keyRing(parseSigningKeys(`${formatSigningKey(next)},${formatSigningKey(old)}`));
    expect(rotated.signer.kid).toBe(next.kid);
    expect(verifyImage(signedBefore, rotated).valid).toBe(true);
    expect(verifyImage(embedProvenance(gradient().png, origin, rotated), rotated).record?.kid).toBe(next.kid);
    expect(verifyImage(signedBefore, keyRing([next])).reason).toBe('unknown_key');
  });
});

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

  it('generates the embedded default key once and reuses it after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'synthwell-keys-'));
    try {
      const first = loadOrCreateKey(join(dir, 'keys'));
      const second = loadOrCreateKey(join(dir, 'keys'));
      expect(second.kid).toBe(first.kid);
      const signed = embedProvenance(gradient().png, origin, keyRing([first]));
      expect(verifyImage(signed, keyRing([second])).valid).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dataset manifests', () => {
  const keys = keyRing([generateSigningKey()]);
  const jsonl = '{"text":"a"}\n{"text":"b"}\n{"text":"c"}\n';

  it('verifies the export it was signed for, and nothing else', () => {
    const manifest = signManifest({ jobId: 'job_1', jsonl }, keys);
    expect(manifest).toMatchObject({ job_id: 'job_1', records: 3 });
    expect(verifyManifest(manifest, jsonl, keys)).toEqual({ valid: true, reason: 'valid' });
    expect(verifyManifest(manifest, jsonl.replace('"b"', '"B"'), keys).reason).toBe('digest_mismatch');
    expect(verifyManifest({ ...manifest, records: 2 }, jsonl, keys).reason).toBe('bad_signature');
    expect(verifyManifest({ ...manifest, job_id: 'job_2' }, jsonl, keys).reason).toBe('bad_signature');
    expect(verifyManifest({ ...manifest, sig: undefined }, jsonl, keys).reason).toBe('malformed_manifest');
    expect(verifyManifest(manifest, jsonl, keyRing([generateSigningKey()])).reason).toBe('unknown_key');
  });
});
