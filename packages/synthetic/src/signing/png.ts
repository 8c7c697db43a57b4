import { crc32, inflateSync } from 'node:zlib';

/** Errors reading a PNG: `not_png` for bytes that are not one, `unsupported_png` for features this reader lacks. */
export class PngError extends Error {
  constructor(
    readonly reason: 'not_png' | 'unsupported_png',
    message: string,
  ) {
    super(message);
    this.name = 'PngError';
  }
}

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** The unfiltered scanlines, without their filter bytes: the image's pixels in its own format. */
  pixels: Uint8Array;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** Samples per pixel by PNG colour type: grey, -, RGB, palette, grey+alpha, -, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Refuse images larger than 4096 x 4096 RGBA once decoded, so a small compressed body cannot exhaust memory. */
const MAX_PIXEL_BYTES = 64 * 1024 * 1024;

/** Splits a PNG into its chunks, checking the signature, lengths and every CRC. */
export function readChunks(png: Uint8Array): PngChunk[] {
  if (png.length < SIGNATURE.length || SIGNATURE.some((byte, i) => png[i] !== byte)) {
    throw new PngError('not_png', 'not a PNG file');
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let offset = SIGNATURE.length;
  while (offset + 12 <= png.length) {
    const length = view.getUint32(offset);
    if (offset + 12 + length > png.length) throw new PngError('not_png', 'truncated chunk');
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    if (crc32(typeAndData) !== view.getUint32(offset + 8 + length)) throw new PngError('not_png', 'chunk CRC mismatch');
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    chunks.push({ type, data: typeAndData.subarray(4) });
    offset += 12 + length;
    if (type === 'IEND') return chunks;
  }
  throw new PngError('not_png', 'no IEND chunk');
}

/** Serialises chunks back into a PNG file. */
export function writeChunks(chunks: readonly PngChunk[]): Uint8Array {
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((sum, chunk) => sum + 12 + chunk.data.length, 0));
  const view = new DataView(out.buffer);
  out.set(SIGNATURE);
  let offset = SIGNATURE.length;
  for (const { type, data } of chunks) {
    view.setUint32(offset, data.length);
    for (let i = 0; i < 4; i++) out[offset + 4 + i] = type.charCodeAt(i);
    out.set(data, offset + 8);
    view.setUint32(offset + 8 + data.length, crc32(out.subarray(offset + 4, offset + 8 + data.length)));
    offset += 12 + data.length;
  }
  return out;
}

/** Decodes a non-interlaced PNG of any colour type and bit depth to its unfiltered pixel bytes. */
export function decodePixels(chunks: readonly PngChunk[]): DecodedPng {
  const header = chunks[0];
  if (header?.type !== 'IHDR' || header.data.length !== 13) throw new PngError('not_png', 'IHDR must come first');
  const view = new DataView(header.data.buffer, header.data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, , , interlace] = header.data.subarray(8);
  const channels = CHANNELS[colorType!];
  if (!channels || width === 0 || height === 0) throw new PngError('not_png', 'invalid IHDR');
  if (interlace !== 0) throw new PngError('unsupported_png', 'interlaced PNGs are not supported');
  const bitsPerPixel = channels * bitDepth!;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  if (stride * height > MAX_PIXEL_BYTES) throw new PngError('unsupported_png', 'image too large');
  const idat = chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data);
  if (idat.length === 0) throw new PngError('not_png', 'no IDAT chunk');
  let filtered: Uint8Array;
  try {
    filtered = inflateSync(Buffer.concat(idat), { maxOutputLength: (stride + 1) * height + 1 });
  } catch {
    throw new PngError('not_png', 'corrupt image data');
  }
  if (filtered.length !== (stride + 1) * height) throw new PngError('not_png', 'image data has the wrong length');
  return {
    width,
    height,
    bitDepth: bitDepth!,
    colorType: colorType!,
    pixels: unfilter(filtered, stride, height, Math.max(1, bitsPerPixel >> 3)),
  };
}

/** Reverses PNG's per-row filters (None, Sub, Up, Average, Paeth). `bpp` is bytes per complete pixel, at least 1. */
function unfilter(filtered: Uint8Array, stride: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = filtered[y * (stride + 1)];
    const source = filtered.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    // The row above; all zeros for the first row, as the PNG specification says.
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    switch (filter) {
      case 0:
        row.set(source);
        break;
      case 1:
        for (let i = 0; i < stride; i++) row[i] = (source[i]! + (i >= bpp ? row[i - bpp]! : 0)) & 0xff;
        break;
      case 2:
        for (let i = 0; i < stride; i++) row[i] = (source[i]! + up[i]!) & 0xff;
        break;
      case 3:
        for (let i = 0; i < stride; i++)
          row[i] = (source[i]! + (((i >= bpp ? row[i - bpp]! : 0) + up[i]!) >> 1)) & 0xff;
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? row[i - bpp]! : 0;
          const upLeft = i >= bpp ? up[i - bpp]! : 0;
          row[i] = (source[i]! + paeth(left, up[i]!, upLeft)) & 0xff;
        }
        break;
      default:
        throw new PngError('not_png', `unknown filter type ${filter}`);
    }
  }
  return out;
}

/** The Paeth predictor (PNG filter type 4): whichever neighbour is closest to left + up - upLeft. */
export function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const dLeft = Math.abs(estimate - left);
  const dUp = Math.abs(estimate - up);
  const dUpLeft = Math.abs(estimate - upLeft);
  if (dLeft <= dUp && dLeft <= dUpLeft) return left;
  return dUp <= dUpLeft ? up : upLeft;
}

/** An uncompressed iTXt chunk: keyword, no language tag, UTF-8 text. */
export function itxtChunk(keyword: string, text: string): PngChunk {
  const encoder = new TextEncoder();
  const key = encoder.encode(keyword);
  const body = encoder.encode(text);
  // keyword \0, compression flag 0, method 0, empty language tag \0, empty translated keyword \0, text
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key);
  data.set(body, key.length + 5);
  return { type: 'iTXt', data };
}

/** The text of the first iTXt or tEXt chunk with `keyword`, or null. Compressed iTXt is not read. */
export function findText(chunks: readonly PngChunk[], keyword: string): string | null {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (const { type, data } of chunks) {
    if (type !== 'iTXt' && type !== 'tEXt') continue;
    const end = data.indexOf(0);
    if (end < 0 || decoder.decode(data.subarray(0, end)) !== keyword) continue;
    if (type === 'tEXt') return decoder.decode(data.subarray(end + 1));
    if (data[end + 1] !== 0) continue;
    const language = data.indexOf(0, end + 3);
    const translated = language < 0 ? -1 : data.indexOf(0, language + 1);
    if (translated < 0) continue;
    return decoder.decode(data.subarray(translated + 1));
  }
  return null;
}
