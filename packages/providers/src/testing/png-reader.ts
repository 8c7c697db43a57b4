import { inflateSync } from 'node:zlib';
import type { RgbImage } from '../local/png.js';

export interface PngChunk {
  type: string;
  data: Uint8Array;
  crc: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Splits a PNG into its chunks; throws when the signature or the chunk framing is wrong. */
export function readPngChunks(png: Uint8Array): PngChunk[] {
  if (png.length < 8 || SIGNATURE.some((byte, i) => png[i] !== byte)) throw new Error('not a PNG: bad signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  for (let offset = 8; offset < png.length; ) {
    if (offset + 12 > png.length) throw new Error('PNG chunk header runs past the end');
    const length = view.getUint32(offset);
    if (offset + 12 + length > png.length) throw new Error('PNG chunk runs past the end');
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    chunks.push({
      type,
      data: png.subarray(offset + 8, offset + 8 + length),
      crc: view.getUint32(offset + 8 + length),
    });
    offset += 12 + length;
  }
  return chunks;
}

/**
 * Decodes an 8-bit, non-interlaced RGB PNG (what the local image models produce): inflates the
 * IDAT data and undoes each row's filter. For tests that check images end to end.
 */
export function decodeRgbPng(png: Uint8Array): RgbImage {
  const chunks = readPngChunks(png);
  const header = chunks[0];
  if (header?.type !== 'IHDR') throw new Error('PNG does not start with IHDR');
  const fields = new DataView(header.data.buffer, header.data.byteOffset, header.data.byteLength);
  const width = fields.getUint32(0);
  const height = fields.getUint32(4);
  if (header.data[8] !== 8 || header.data[9] !== 2 || header.data[12] !== 0) {
    throw new Error('only 8-bit, non-interlaced RGB PNGs are supported');
  }
  const raw = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  const stride = width * 3;
  if (raw.length !== height * (stride + 1)) throw new Error('PNG image data has the wrong length');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const a = i >= 3 ? pixels[y * stride + i - 3]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= 3 ? pixels[(y - 1) * stride + i - 3]! : 0;
      pixels[y * stride + i] = (raw[y * (stride + 1) + 1 + i]! + predict(filter, a, b, c)) & 0xff;
    }
  }
  return { width, height, pixels };
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const p = left + up - upLeft;
      const [dLeft, dUp, dUpLeft] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
      if (dLeft <= dUp && dLeft <= dUpLeft) return left;
      return dUp <= dUpLeft ? up : upLeft;
    }
    default:
      throw new Error(`unknown PNG filter type ${filter}`);
  }
}
