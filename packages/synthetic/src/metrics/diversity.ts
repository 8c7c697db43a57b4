import { gzipSync } from 'node:zlib';
import { NearDuplicateIndex, type NearDuplicateOptions } from '../dedup/near-duplicate-index.js';
import type { NgramCounts } from './corpus.js';

/** distinct-n: distinct n-grams / n-gram occurrences (0 for an empty set). Lower means more repetition. */
export function distinctRatio({ counts, total }: NgramCounts): number {
  if (total === 0) return 0;
  let distinct = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) distinct++;
  return distinct / total;
}

/** Shannon entropy in bits of the empirical n-gram distribution. */
export function entropyBits({ counts, total }: NgramCounts): number {
  if (total === 0) return 0;
  let entropy = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count > 0) {
      const p = count / total;
      entropy -= p * Math.log2(p);
    }
  }
  return entropy;
}

export const DEFAULT_MATTR_WINDOW = 50;

/**
 * Moving-average type-token ratio (Covington & McFall 2010): the mean type/token ratio over every
 * window of `window` consecutive tokens of the set's token stream (texts laid end to end, since
 * records are often shorter than a window). Unlike plain TTR it does not fall as the set grows.
 * A stream shorter than the window gets its plain TTR.
 */
export function mattr(tokens: Int32Array, vocabularySize: number, window = DEFAULT_MATTR_WINDOW): number {
  if (tokens.length === 0) return 0;
  const counts = new Int32Array(vocabularySize);
  const width = Math.min(window, tokens.length);
  let types = 0;
  for (let i = 0; i < width; i++) if (counts[tokens[i]!]!++ === 0) types++;
  let sum = types;
  for (let i = width; i < tokens.length; i++) {
    if (counts[tokens[i]!]!++ === 0) types++;
    if (--counts[tokens[i - width]!]! === 0) types--;
    sum += types;
  }
  return sum / (tokens.length - width + 1) / width;
}

/**
 * Raw UTF-8 bytes / gzip bytes of the texts (tokens joined by spaces, one text per line). Repetitive
 * text compresses better, so a higher ratio means less diversity. gzip's 32 KiB window makes this a
 * measure of local redundancy; both sets are measured the same way at the same token budget.
 */
export function compressionRatio(texts: readonly (readonly string[])[]): number {
  const raw = Buffer.from(texts.map((text) => text.join(' ')).join('\n'), 'utf8');
  if (raw.length === 0) return 0;
  return raw.length / gzipSync(raw).length;
}

/** Share of (tokenised) texts that are near-duplicates (MinHash + LSH) of an earlier text in the same list. */
export function nearDuplicateRate(texts: readonly (readonly string[])[], options: NearDuplicateOptions = {}): number {
  if (texts.length === 0) return 0;
  const index = new NearDuplicateIndex(options);
  let duplicates = 0;
  texts.forEach((tokens, i) => {
    if (index.addTokens(String(i), tokens) !== null) duplicates++;
  });
  return duplicates / texts.length;
}
