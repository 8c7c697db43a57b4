import { hashString32 } from '../hash.js';
import { SeededRandom } from '../random.js';
import { tokenize } from '../text.js';

export interface MinHashOptions {
  /** Number of hash permutations (signature length). Default 128. */
  numPerm?: number;
  /** Words per shingle. Default 3: records are short, and 3-word shingles still ignore word order noise. */
  shingleSize?: number;
  /** Seed of the permutation family; indexes compared with each other must share it. Default 1. */
  seed?: number;
}

export const DEFAULT_NUM_PERM = 128;
export const DEFAULT_SHINGLE_SIZE = 3;

const TOKEN_SEED_1 = 0x2545f491;
const TOKEN_SEED_2 = 0x6c8e9cf5;
/** Adding 2^31 maps unsigned order onto signed order, so minima stay in int32 arithmetic. */
const SIGN_FLIP = -2147483648;
const INT32_MAX = 2147483647;

/**
 * MinHash signatures over word shingles. Each shingle gets two independent 32-bit hashes (h1, h2);
 * permutation i maps it to (a_i·h1 + b_i·h2 + c_i) mod 2^32 with random odd a_i, b_i. Everything
 * stays in 32-bit integer arithmetic (Math.imul), so no BigInt and no floating point in the hot loop.
 */
export class MinHasher {
  readonly numPerm: number;
  readonly shingleSize: number;
  private readonly mulA: Int32Array;
  private readonly mulB: Int32Array;
  private readonly add: Int32Array;

  constructor(options: MinHashOptions = {}) {
    this.numPerm = options.numPerm ?? DEFAULT_NUM_PERM;
    this.shingleSize = options.shingleSize ?? DEFAULT_SHINGLE_SIZE;
    if (!Number.isInteger(this.numPerm) || this.numPerm < 1) throw new RangeError('numPerm must be a positive integer');
    if (!Number.isInteger(this.shingleSize) || this.shingleSize < 1) {
      throw new RangeError('shingleSize must be a positive integer');
    }
    const random = new SeededRandom(options.seed ?? 1);
    this.mulA = new Int32Array(this.numPerm);
    this.mulB = new Int32Array(this.numPerm);
    this.add = new Int32Array(this.numPerm);
    for (let i = 0; i < this.numPerm; i++) {
      this.mulA[i] = random.nextUint32() | 1;
      this.mulB[i] = random.nextUint32() | 1;
      this.add[i] = (random.nextUint32() | 0) ^ SIGN_FLIP;
    }
  }

  /** The signature of a text, or null when it has no word tokens. */
  signature(text: string): Int32Array | null {
    return this.signatureOfTokens(tokenize(text));
  }

  /**
   * The signature of a token sequence, or null when it is empty. A text shorter than one shingle
   * is hashed as a single shingle of all its tokens.
   */
  signatureOfTokens(tokens: readonly string[]): Int32Array | null {
    if (tokens.length === 0) return null;
    const [h1, h2] = this.shingleHashes(tokens);
    const count = h1.length;
    const signature = new Int32Array(this.numPerm);
    const { mulA, mulB, add } = this;
    // Four permutations per pass over the shingles: each shingle hash is loaded once for four
    // multiply-adds, which makes this loop about a third faster than one permutation per pass.
    let i = 0;
    for (; i + 4 <= this.numPerm; i += 4) {
      const a0 = mulA[i]!;
      const a1 = mulA[i + 1]!;
      const a2 = mulA[i + 2]!;
      const a3 = mulA[i + 3]!;
      const b0 = mulB[i]!;
      const b1 = mulB[i + 1]!;
      const b2 = mulB[i + 2]!;
      const b3 = mulB[i + 3]!;
      const c0 = add[i]!;
      const c1 = add[i + 1]!;
      const c2 = add[i + 2]!;
      const c3 = add[i + 3]!;
      let m0 = INT32_MAX;
      let m1 = INT32_MAX;
      let m2 = INT32_MAX;
      let m3 = INT32_MAX;
      for (let j = 0; j < count; j++) {
        const x = h1[j]!;
        const y = h2[j]!;
        const v0 = (((Math.imul(a0, x) + Math.imul(b0, y)) | 0) + c0) | 0;
        if (v0 < m0) m0 = v0;
        const v1 = (((Math.imul(a1, x) + Math.imul(b1, y)) | 0) + c1) | 0;
        if (v1 < m1) m1 = v1;
        const v2 = (((Math.imul(a2, x) + Math.imul(b2, y)) | 0) + c2) | 0;
        if (v2 < m2) m2 = v2;
        const v3 = (((Math.imul(a3, x) + Math.imul(b3, y)) | 0) + c3) | 0;
        if (v3 < m3) m3 = v3;
      }
      signature[i] = m0;
      signature[i + 1] = m1;
      signature[i + 2] = m2;
      signature[i + 3] = m3;
    }
    for (; i < this.numPerm; i++) {
      const a = mulA[i]!;
      const b = mulB[i]!;
      const c = add[i]!;
      let min = INT32_MAX;
      for (let j = 0; j < count; j++) {
        const value = (((Math.imul(a, h1[j]!) + Math.imul(b, h2[j]!)) | 0) + c) | 0;
        if (value < min) min = value;
      }
      signature[i] = min;
    }
    return signature;
  }

  private shingleHashes(tokens: readonly string[]): [Int32Array, Int32Array] {
    const k = Math.min(this.shingleSize, tokens.length);
    const t1 = new Int32Array(tokens.length);
    const t2 = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      t1[i] = hashString32(tokens[i]!, TOKEN_SEED_1);
      t2[i] = hashString32(tokens[i]!, TOKEN_SEED_2);
    }
    const count = tokens.length - k + 1;
    const h1 = new Int32Array(count);
    const h2 = new Int32Array(count);
    for (let start = 0; start < count; start++) {
      let x = k;
      let y = k;
      for (let offset = 0; offset < k; offset++) {
        x = mixInto(x, t1[start + offset]!);
        y = mixInto(y, t2[start + offset]!);
      }
      h1[start] = x;
      h2[start] = y;
    }
    return [h1, h2];
  }
}

/** One step of an order-sensitive hash combine ("a b c" ≠ "c b a"), finished with an avalanche. */
function mixInto(state: number, value: number): number {
  let h = Math.imul(state ^ value, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

/** The share of equal positions: an unbiased estimate of the Jaccard similarity of the shingle sets. */
export function estimateJaccard(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) throw new RangeError('signatures have different lengths');
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal / a.length;
}

/** Exact Jaccard similarity |A ∩ B| / |A ∪ B| of two sets (1 for two empty sets). */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return shared / (a.size + b.size - shared);
}
