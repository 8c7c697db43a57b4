import type { NgramData } from './ngram.js';
import type { TrieLevel } from './ngram-trie.js';

/**
 * The binary form of a trained model: a small header, the vocabulary as JSON, then the trie's
 * typed arrays verbatim, 4-byte aligned, so loading is a few views over one buffer.
 *
 *   magic "SWNGRAM\0" | u32 byte-order mark | u32 format | u32 order | u32 vocabulary bytes
 *   | f64 discount (NaN: modified KN) | u32 node count per level | vocabulary JSON, padded
 *   | i32 unigram counts | per level: i32 words, i32 counts, i32 childStart (not at the top)
 */
const MAGIC = 'SWNGRAM\0';
const BYTE_ORDER_MARK = 0x01020304;
export const FORMAT_VERSION = 1;

export function encodeModel(data: NgramData): Uint8Array {
  const vocabulary = new TextEncoder().encode(JSON.stringify(data.vocabulary));
  const arrays: Int32Array[] = [data.unigramCounts];
  for (const level of data.levels) {
    arrays.push(level.words, level.counts);
    if (level.childStart) arrays.push(level.childStart);
  }
  const headerBytes = 8 + 4 * 4 + 8 + 4 * data.order;
  const vocabularyEnd = align4(headerBytes + vocabulary.byteLength);
  const totalBytes = vocabularyEnd + arrays.reduce((sum, array) => sum + array.byteLength, 0);

  const bytes = new Uint8Array(totalBytes);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new Uint32Array(bytes.buffer, 8, 1)[0] = BYTE_ORDER_MARK;
  view.setUint32(12, FORMAT_VERSION, true);
  view.setUint32(16, data.order, true);
  view.setUint32(20, vocabulary.byteLength, true);
  view.setFloat64(24, data.discount ?? Number.NaN, true);
  for (const [k, level] of data.levels.entries()) view.setUint32(32 + 4 * k, level.words.length, true);
  bytes.set(vocabulary, headerBytes);
  let offset = vocabularyEnd;
  for (const array of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    offset += array.byteLength;
  }
  return bytes;
}

export function decodeModel(input: Uint8Array): NgramData {
  // Typed-array views need 4-byte alignment within their buffer.
  const bytes = input.byteOffset % 4 === 0 ? input : input.slice();
  if (bytes.byteLength < 32 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('not an n-gram model file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new Uint32Array(bytes.buffer, bytes.byteOffset + 8, 1)[0] !== BYTE_ORDER_MARK) {
    throw new Error('n-gram model file was written on a machine of another byte order');
  }
  const format = view.getUint32(12, true);
  if (format !== FORMAT_VERSION) throw new Error(`n-gram model file format ${format}, expected ${FORMAT_VERSION}`);
  const order = view.getUint32(16, true);
  const vocabularyBytes = view.getUint32(20, true);
  const discount = view.getFloat64(24, true);
  const headerBytes = 8 + 4 * 4 + 8 + 4 * order;
  if (headerBytes + vocabularyBytes > bytes.byteLength) throw new Error('n-gram model file is truncated');
  const sizes = Array.from({ length: order }, (_, k) => view.getUint32(32 + 4 * k, true));
  const vocabulary = JSON.parse(
    new TextDecoder().decode(bytes.subarray(headerBytes, headerBytes + vocabularyBytes)),
  ) as string[];

  let offset = bytes.byteOffset + align4(headerBytes + vocabularyBytes);
  const end = bytes.byteOffset + bytes.byteLength;
  const take = (length: number): Int32Array => {
    if (offset + 4 * length > end) throw new Error('n-gram model file is truncated');
    const array = new Int32Array(bytes.buffer, offset, length);
    offset += 4 * length;
    return array;
  };
  const unigramCounts = take(vocabulary.length);
  const levels: TrieLevel[] = sizes.map((size, k) => {
    const words = take(size);
    const counts = take(size);
    const childStart = k < order - 1 ? take(size + 1) : null;
    return { words, counts, childStart };
  });
  if (offset !== end) throw new Error('n-gram model file has trailing bytes');
  return { order, vocabulary, levels, unigramCounts, discount: Number.isNaN(discount) ? null : discount };
}

function align4(value: number): number {
  return (value + 3) & ~3;
}
