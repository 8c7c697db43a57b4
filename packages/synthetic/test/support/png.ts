import { deflateSync } from 'node:zlib';
import { paeth, writeChunks } from '../../src/signing/png.js';

/**
 * Encodes 8-bit RGB pixels as a PNG, row y filtered with filter type y % 5 (None, Sub, Up, Average,
 * Paeth), so decoding exercises every filter.
 */
export function rgbPng(
  width: number,
  height: number,
  pixels: Uint8Array,
  extra: { type: string; data: Uint8Array }[] = [],
) {
  const stride = width * 3;
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const up = (i: number) => (y > 0 ? pixels[(y - 1) * stride + i]! : 0);
    const left = (i: number) => (i >= 3 ? row[i - 3]! : 0);
    const upLeft = (i: number) => (i >= 3 && y > 0 ? pixels[(y - 1) * stride + i - 3]! : 0);
    filtered[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const predictor = [0, left(i), up(i), (left(i) + up(i)) >> 1, paeth(left(i), up(i), upLeft(i))][filter]!;
      filtered[y * (stride + 1) + 1 + i] = (row[i]! - predictor) & 0xff;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8);
  return writeChunks([
    { type: 'IHDR', data: header },
    ...extra,
    { type: 'IDAT', data: deflateSync(filtered) },
    { type: 'IEND', data: new Uint8Array(0) },
  ]);
}

/** A width x height RGB gradient that differs from pixel to pixel. */
export function gradient(width = 16, height = 12): { pixels: Uint8Array; png: Uint8Array } {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 256;
  return { pixels, png: rgbPng(width, height, pixels) };
}
