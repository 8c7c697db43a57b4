import { tokenize } from '../text.js';
import { type Banding, chooseBanding } from './lsh.js';
import { estimateJaccard, MinHasher, type MinHashOptions } from './minhash.js';

export interface NearDuplicateOptions extends MinHashOptions {
  /** Estimated Jaccard similarity at or above which two texts are near-duplicates. Default 0.8. */
  threshold?: number;
  /** Override the banding; by default it is chosen for the threshold (see `chooseBanding`). */
  banding?: Banding;
}

export interface NearDuplicateMatch {
  id: string;
  /** Estimated Jaccard similarity of the two shingle sets. */
  similarity: number;
}

/** Something a job can check candidates against without adding to it (e.g. earlier jobs' records). */
export interface DuplicateLookup {
  query(text: string): NearDuplicateMatch | null;
}

export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;

const INITIAL_CAPACITY = 1024;
/** Band keys are folded to 30 bits so V8 keeps them as small integers (no boxed doubles in the Maps). */
const BAND_KEY_MASK = 0x3fffffff;

const bandingCache = new Map<string, Banding>();

/**
 * An incremental MinHash + LSH index. `add` answers "is this a near-duplicate of anything indexed so
 * far?" and indexes the text only when it is not, so the index holds one representative per cluster.
 * Memory is a typed array of signatures plus one Map entry per band per indexed text.
 */
export class NearDuplicateIndex implements DuplicateLookup {
  readonly threshold: number;
  readonly banding: Banding;
  private readonly hasher: MinHasher;
  private readonly ids: string[] = [];
  private readonly idSet = new Set<string>();
  private signatures: Int32Array;
  /** Per band: bucket key → the most recently indexed text in that bucket. */
  private readonly buckets: Map<number, number>[];
  /** chain[text · bands + band] → the previous text in the same bucket, or −1. */
  private chain: Int32Array;

  constructor(options: NearDuplicateOptions = {}) {
    this.hasher = new MinHasher(options);
    this.threshold = options.threshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD;
    this.banding = options.banding ?? cachedBanding(this.threshold, this.hasher.numPerm);
    if (this.banding.bands * this.banding.rows > this.hasher.numPerm) {
      throw new RangeError('bands × rows must not exceed numPerm');
    }
    this.signatures = new Int32Array(INITIAL_CAPACITY * this.hasher.numPerm);
    this.chain = new Int32Array(INITIAL_CAPACITY * this.banding.bands);
    this.buckets = Array.from({ length: this.banding.bands }, () => new Map<number, number>());
  }

  /** Words per shingle. */
  get shingleSize(): number {
    return this.hasher.shingleSize;
  }

  /** Number of indexed texts. */
  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.idSet.has(id);
  }

  /** The indexed near-duplicate of `text` with the highest similarity, or null. */
  query(text: string): NearDuplicateMatch | null {
    return this.queryTokens(tokenize(text));
  }

  /** `query` for text already split by `tokenize`. */
  queryTokens(tokens: readonly string[]): NearDuplicateMatch | null {
    const signature = this.hasher.signatureOfTokens(tokens);
    return signature ? this.querySignature(signature) : null;
  }

  /**
   * Returns the id `text` duplicates, or indexes it under `id` and returns null. Texts without word
   * tokens are never near-duplicates (exact de-duplication covers them) and are not indexed.
   */
  add(id: string, text: string): string | null {
    return this.addTokens(id, tokenize(text));
  }

  /** `add` for text already split by `tokenize`. */
  addTokens(id: string, tokens: readonly string[]): string | null {
    if (this.idSet.has(id)) throw new Error(`id ${id} is already indexed`);
    const signature = this.hasher.signatureOfTokens(tokens);
    if (!signature) return null;
    const match = this.querySignature(signature);
    if (match) return match.id;
    this.insert(id, signature);
    return null;
  }

  private querySignature(signature: Int32Array): NearDuplicateMatch | null {
    const { bands, rows } = this.banding;
    const numPerm = this.hasher.numPerm;
    const checked = new Set<number>();
    let best: NearDuplicateMatch | null = null;
    for (let band = 0; band < bands; band++) {
      let doc = this.buckets[band]!.get(bandKey(signature, band, rows));
      while (doc !== undefined && doc >= 0) {
        if (!checked.has(doc)) {
          checked.add(doc);
          const stored = this.signatures.subarray(doc * numPerm, (doc + 1) * numPerm);
          const similarity = estimateJaccard(signature, stored);
          if (similarity >= this.threshold && (best === null || similarity > best.similarity)) {
            best = { id: this.ids[doc]!, similarity };
          }
        }
        doc = this.chain[doc * bands + band];
      }
    }
    return best;
  }

  private insert(id: string, signature: Int32Array): void {
    const doc = this.ids.length;
    this.ensureCapacity(doc + 1);
    const { bands, rows } = this.banding;
    this.signatures.set(signature, doc * this.hasher.numPerm);
    for (let band = 0; band < bands; band++) {
      const bucket = this.buckets[band]!;
      const key = bandKey(signature, band, rows);
      this.chain[doc * bands + band] = bucket.get(key) ?? -1;
      bucket.set(key, doc);
    }
    this.ids.push(id);
    this.idSet.add(id);
  }

  private ensureCapacity(texts: number): void {
    const numPerm = this.hasher.numPerm;
    if (texts * numPerm <= this.signatures.length) return;
    const capacity = Math.max(texts, (this.signatures.length / numPerm) * 2);
    const signatures = new Int32Array(capacity * numPerm);
    signatures.set(this.signatures);
    this.signatures = signatures;
    const chain = new Int32Array(capacity * this.banding.bands);
    chain.set(this.chain);
    this.chain = chain;
  }
}

function bandKey(signature: Int32Array, band: number, rows: number): number {
  let h = Math.imul(band + 1, 0x9e3779b1);
  const start = band * rows;
  for (let i = start; i < start + rows; i++) {
    h = Math.imul(h ^ signature[i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) & BAND_KEY_MASK;
}

function cachedBanding(threshold: number, numPerm: number): Banding {
  const key = `${threshold}/${numPerm}`;
  let banding = bandingCache.get(key);
  if (!banding) {
    banding = chooseBanding(threshold, numPerm);
    bandingCache.set(key, banding);
  }
  return banding;
}
