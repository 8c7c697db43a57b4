import { PROVENANCE_CHUNK_KEYWORD } from '@synthwell/contracts';
import { describe, expect, it } from 'vitest';
import { gradient, rgbPng } from '../../test/support/png.js';
import { embedProvenance, type ImageOrigin, verifyImage } from './image.js';
import { generateSigningKey, keyRing } from './keys.js';
import { decodePixels, findText, itxtChunk, readChunks, writeChunks } from './png.js';

const origin: ImageOrigin = {
  generator: 'sw-canvas',
  requestId: 'req_test000001',
  accountSha256: 'a'.repeat(64),
  promptSha256: 'b'.repeat(64),
  created: new Date('2026-11-01T12:00:00Z'),
};

/** Re-encodes `pixels` and carries the original provenance chunk over, as a careful editor would. */
function reencode(signed: Uint8Array, width: number, height: number, pixels: Uint8Array): Uint8Array {
  const record = findText(readChunks(signed), PROVENANCE_CHUNK_KEYWORD) as string;
  return rgbPng(width, height, pixels, [itxtChunk(PROVENANCE_CHUNK_KEYWORD, record)]);
}

describe('PNG decoding', () => {
  it('recovers the exact pixels the encoder was given, through every row filter', () => {
    const { pixels, png } = gradient();
    const decoded = decodePixels(readChunks(png));
    expect(decoded).toMatchObject({ width: 16, height: 12, bitDepth: 8, colorType: 2 });
    expect(Buffer.from(decoded.pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  it('rejects bytes that are not a PNG or whose chunks are corrupt', () => {
    const verifiers = keyRing([generateSigningKey()]).verifiers;
    expect(verifyImage(Buffer.from('GIF89a...'), verifiers).reason).toBe('not_png');
    const corrupt = Uint8Array.from(gradient().png);
    corrupt[40] = (corrupt[40]! + 1) & 0xff;
    expect(verifyImage(corrupt, verifiers).reason).toBe('not_png');
  });

  it('refuses interlaced images as unsupported rather than misreading them', () => {
    const [header, ...rest] = readChunks(gradient().png);
    const interlaced = Uint8Array.from(header!.data);
    interlaced[12] = 1;
    const png = writeChunks([{ type: 'IHDR', data: interlaced }, ...rest]);
    expect(() => decodePixels(readChunks(png))).toThrow(/interlaced/);
  });
});

describe('image provenance', () => {
  const key = generateSigningKey();
  const { verifiers } = keyRing([key]);

  it('verifies a freshly signed image and returns its record', () => {
    const signed = embedProvenance(gradient().png, origin, key);
    const result = verifyImage(signed, verifiers);
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
    const signed = embedProvenance(png, origin, key);
    expect(Buffer.from(decodePixels(readChunks(signed)).pixels).equals(Buffer.from(pixels))).toBe(true);
  });

  it('refuses a copy re-encoded by a tool that drops the record', () => {
    const { pixels } = gradient();
    expect(verifyImage(rgbPng(16, 12, pixels), verifiers)).toEqual({
      valid: false,
      reason: 'missing_record',
      record: null,
    });
  });

  it('refuses a re-encoded copy with altered pixels even when the record is carried over', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, key);
    const edited = Uint8Array.from(pixels);
    edited[0] = (edited[0]! + 1) & 0xff;
    expect(verifyImage(reencode(signed, 16, 12, edited), verifiers).reason).toBe('pixels_modified');
  });

  it('refuses a cropped copy', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, key);
    const cropped = pixels.slice(0, 16 * 11 * 3);
    expect(verifyImage(reencode(signed, 16, 11, cropped), verifiers).reason).toBe('pixels_modified');
  });

  it('accepts a lossless re-encode that keeps the record: the signature covers pixels, not bytes', () => {
    const { pixels, png } = gradient();
    const signed = embedProvenance(png, origin, key);
    expect(verifyImage(reencode(signed, 16, 12, pixels), verifiers).valid).toBe(true);
  });

  it('refuses a forged record and one signed by an unknown key', () => {
    const signed = embedProvenance(gradient().png, origin, key);
    const record = JSON.parse(findText(readChunks(signed), PROVENANCE_CHUNK_KEYWORD) as string);
    const forge = (changed: object) => {
      const [header, , ...rest] = readChunks(signed);
      return writeChunks([
        header!,
        itxtChunk(PROVENANCE_CHUNK_KEYWORD, JSON.stringify({ ...record, ...changed })),
        ...rest,
      ]);
    };
    expect(verifyImage(forge({ generator: 'gpt-image-1' }), verifiers).reason).toBe('bad_signature');
    expect(verifyImage(forge({ kid: 'someone-else' }), verifiers).reason).toBe('unknown_key');
    expect(verifyImage(forge({ sig: 'not-a-signature' }), verifiers).reason).toBe('bad_signature');
    expect(verifyImage(forge({ extra: true }), verifiers).reason).toBe('malformed_record');
    expect(verifyImage(embedProvenance(gradient().png, origin, generateSigningKey()), verifiers).reason).toBe(
      'unknown_key',
    );
  });

  it('keeps old signatures valid after rotation, as long as the old key stays in the ring', () => {
    const old = generateSigningKey();
    const next = generateSigningKey();
    const signedBefore = embedProvenance(gradient().png, origin, old);
    const rotated = keyRing([next, old]);
    expect(verifyImage(signedBefore, rotated.verifiers).valid).toBe(true);
    expect(verifyImage(embedProvenance(gradient().png, origin, rotated.signer), rotated.verifiers).record?.kid).toBe(
      next.kid,
    );
    expect(verifyImage(signedBefore, keyRing([next]).verifiers).reason).toBe('unknown_key');
  });
});
