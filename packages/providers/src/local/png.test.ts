import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRgbPng, readPngChunks } from '../testing/png-reader.js';
import { encodePng, type RgbImage } from './png.js';
import { seededRandom } from './random.js';

describe('encodePng', () => {
  const random = seededRandom(5);
  const image: RgbImage = {
    width: 37,
    height: 23,
    pixels: Uint8Array.from({ length: 37 * 23 * 3 }, () => Math.floor(random() * 256)),
  };
  const png = encodePng(image);

  it('writes the signature and IHDR, tEXt, IDAT and IEND chunks with valid CRCs', () => {
    const chunks = readPngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'tEXt', 'IDAT', 'IEND']);
    for (const chunk of chunks) {
      const typed = Buffer.concat([Buffer.from(chunk.type, 'latin1'), chunk.data]);
      expect(chunk.crc).toBe(zlibCrc32(typed));
    }
    const header = Buffer.from(chunks[0]!.data);
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([37, 23, 8, 2]);
  });

  it('writes the header, text and end chunks with the CRCs every PNG reader expects', () => {
    // Known values, independent of how the encoder computes them: IEND's CRC is the same in every PNG.
    const tiny = readPngChunks(encodePng({ width: 2, height: 2, pixels: new Uint8Array(12) }));
    expect(tiny.map((c) => [c.type, c.crc.toString(16)])).toEqual([
      ['IHDR', 'fdd49a73'],
      ['tEXt', 'd5446565'],
      ['IDAT', expect.any(String)],
      ['IEND', 'ae426082'],
    ]);
  });

  it('decodes back to the exact pixels', () => {
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(decodeRgbPng(png)).toEqual(image);
  });

  it('rejects pixel data of the wrong length', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(11) })).toThrow(RangeError);
  });
});
