import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random.js';
import { ngrams, tokenize } from '../text.js';
import { estimateJaccard, jaccard, MinHasher } from './minhash.js';

const shingles = (text: string, k = 3) => new Set(ngrams(tokenize(text), k));

describe('MinHasher', () => {
  it('gives identical texts identical signatures and ignores case and punctuation', () => {
    const hasher = new MinHasher();
    const a = hasher.signature('The quick brown fox jumps over the lazy dog')!;
    const b = hasher.signature('the QUICK brown fox, jumps over the lazy dog!')!;
    expect(estimateJaccard(a, b)).toBe(1);
  });

  it('estimates the Jaccard similarity of 3-word shingle sets within sampling error', () => {
    const hasher = new MinHasher();
    const random = new SeededRandom(5);
    const vocabulary = Array.from({ length: 500 }, (_, i) => `w${i}`);
    const errors: number[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const words = Array.from({ length: 60 }, () => random.pick(vocabulary));
      const edited = words.slice();
      const edits = 1 + random.int(8);
      for (let e = 0; e < edits; e++) edited[random.int(edited.length)] = random.pick(vocabulary);
      const truth = jaccard(shingles(words.join(' ')), shingles(edited.join(' ')));
      const estimate = estimateJaccard(hasher.signature(words.join(' '))!, hasher.signature(edited.join(' '))!);
      errors.push(estimate - truth);
    }
    const bias = errors.reduce((a, b) => a + b, 0) / errors.length;
    const rmse = Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / errors.length);
    // A perfect min-wise family has standard error √(J(1 − J)/128) ≤ 0.044.
    expect(Math.abs(bias)).toBeLessThan(0.01);
    expect(rmse).toBeLessThan(0.05);
  });

  it('hashes shingles in order, so a reordered text is not a duplicate', () => {
    const hasher = new MinHasher();
    const text = 'one two three four five six seven eight nine ten';
    const reversed = text.split(' ').reverse().join(' ');
    expect(estimateJaccard(hasher.signature(text)!, hasher.signature(reversed)!)).toBeLessThan(0.1);
  });

  it('signs a text shorter than a shingle, and returns null for no words', () => {
    const hasher = new MinHasher({ shingleSize: 5 });
    expect(hasher.signature('two words')).toHaveLength(128);
    expect(hasher.signature('?!')).toBeNull();
  });

  it('needs the same seed for comparable signatures', () => {
    const text = 'alpha beta gamma delta epsilon zeta';
    const a = new MinHasher({ seed: 1 }).signature(text)!;
    const b = new MinHasher({ seed: 2 }).signature(text)!;
    expect(estimateJaccard(a, b)).toBeLessThan(0.1);
  });
});

describe('jaccard', () => {
  it('is |A ∩ B| / |A ∪ B|', () => {
    expect(jaccard(new Set([1, 2, 3]), new Set([2, 3, 4]))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(1);
  });
});
