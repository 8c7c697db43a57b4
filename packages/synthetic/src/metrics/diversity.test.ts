import { describe, expect, it } from 'vitest';
import { tokenize } from '../text.js';
import { countIds, encodeSet, type NgramCounts, NgramSpace, truncateTexts, Vocabulary } from './corpus.js';
import { jensenShannon, tailCoverage } from './divergence.js';
import { compressionRatio, distinctRatio, entropyBits, mattr, nearDuplicateRate } from './diversity.js';

/** N-gram counts of several sets in one shared id space. */
function counts(sets: readonly (readonly string[])[], order: number): NgramCounts[] {
  const vocabulary = new Vocabulary();
  const encoded = sets.map((texts) => encodeSet(texts.map(tokenize), vocabulary));
  const space = new NgramSpace(vocabulary, 3);
  const ids = encoded.map((set) => space.encode(set));
  return ids.map((byOrder) => countIds(byOrder[order - 1]!, space.distinct(order)));
}

const one = (texts: readonly string[], order: number) => counts([texts], order)[0]!;

describe('distinct-n', () => {
  it('is distinct n-grams over n-gram occurrences', () => {
    expect(distinctRatio(one(['a b a b'], 1))).toBe(2 / 4);
    expect(distinctRatio(one(['a b a b'], 2))).toBe(2 / 3);
    expect(distinctRatio(one(['a b a b'], 3))).toBe(1);
  });

  it('does not count n-grams across text boundaries', () => {
    expect(distinctRatio(one(['a b', 'a b'], 2))).toBe(1 / 2);
    expect(one(['a', 'b'], 2).total).toBe(0);
  });

  it('is 0 for an empty set', () => {
    expect(distinctRatio(one([], 1))).toBe(0);
  });
});

describe('entropyBits', () => {
  it('is the Shannon entropy of the n-gram distribution', () => {
    expect(entropyBits(one(['a b a b'], 1))).toBe(1);
    expect(entropyBits(one(['a a a b'], 1))).toBeCloseTo(-(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)), 12);
    expect(entropyBits(one(['a a a a'], 1))).toBe(0);
  });
});

describe('mattr', () => {
  const ids = (text: string) => {
    const vocabulary = new Vocabulary();
    const set = encodeSet([tokenize(text)], vocabulary);
    return { tokens: set.tokens, size: vocabulary.size };
  };

  it('averages the type-token ratio over sliding windows', () => {
    const { tokens, size } = ids('a b a c');
    expect(mattr(tokens, size, 2)).toBe(1);
    expect(mattr(tokens, size, 3)).toBeCloseTo((2 / 3 + 3 / 3) / 2, 12);
  });

  it('falls back to the plain type-token ratio below one window', () => {
    const { tokens, size } = ids('a a b');
    expect(mattr(tokens, size, 50)).toBeCloseTo(2 / 3, 12);
    expect(mattr(new Int32Array(0), 0, 50)).toBe(0);
  });
});

describe('compressionRatio', () => {
  it('is higher for repetitive text than for varied text', () => {
    const repetitive = Array.from({ length: 200 }, () => ['the', 'same', 'line', 'again']);
    const varied = Array.from({ length: 200 }, (_, i) => [`w${i * 7}`, `x${i * 13}`, `y${i * 31}`, `z${i}`]);
    expect(compressionRatio(repetitive)).toBeGreaterThan(20);
    expect(compressionRatio(varied)).toBeLessThan(compressionRatio(repetitive) / 4);
    expect(compressionRatio([])).toBe(0);
  });
});

describe('jensenShannon', () => {
  it('is 0 for identical and 1 for disjoint distributions', () => {
    const [p, q] = counts([['a b c'], ['c b a']], 1);
    expect(jensenShannon(p!, q!)).toBe(0);
    const [r, s] = counts([['a b'], ['c d']], 1);
    expect(jensenShannon(r!, s!)).toBe(1);
  });

  it('matches a hand computation', () => {
    // P = {a: 1}, Q = {a: ½, b: ½}, M = {a: ¾, b: ¼}:
    // ½·log2(4/3) + ½·(½·log2(2/3) + ½·log2(2)) = 0.311278
    const [p, q] = counts([['a a'], ['a b']], 1);
    expect(jensenShannon(p!, q!)).toBeCloseTo(0.5 * Math.log2(4 / 3) + 0.25 * Math.log2(2 / 3) + 0.25, 12);
  });

  it('is symmetric', () => {
    const [p, q] = counts([['a a b c'], ['a b b d']], 2);
    expect(jensenShannon(p!, q!)).toBeCloseTo(jensenShannon(q!, p!), 12);
  });
});

describe('tailCoverage', () => {
  // Anchor counts: a 6, b 2, c 1, d 1 (10 tokens).
  const anchorText = 'a a a a a a b b c d';

  it('takes hapaxes as the tail when they already exceed the tail mass', () => {
    const [anchor, candidate] = counts([[anchorText], ['c x']], 1);
    expect(tailCoverage(anchor!, candidate!, 0.1)).toEqual({ coverage: 1 / 2, tailSize: 2, maxCount: 1 });
  });

  it('grows the tail by count while it holds at most the tail mass', () => {
    // count ≤ 2 holds 4 of 10 tokens (≤ 50%); count ≤ 6 would hold all.
    const [anchor, candidate] = counts([[anchorText], ['c x b']], 1);
    expect(tailCoverage(anchor!, candidate!, 0.5)).toEqual({ coverage: 2 / 3, tailSize: 3, maxCount: 2 });
  });
});

describe('nearDuplicateRate', () => {
  it('is the share of texts that repeat an earlier one', () => {
    const text =
      'a long enough sentence about the weather in the mountains during the winter months, when the roads ' +
      'close and the villages are cut off from the valley for weeks';
    const texts = [text, text.replace('weeks', 'months'), 'something else entirely'].map(tokenize);
    expect(nearDuplicateRate(texts)).toBeCloseTo(1 / 3);
    expect(nearDuplicateRate([])).toBe(0);
  });
});

describe('truncateTexts', () => {
  it('keeps whole texts in order and cuts the last one', () => {
    expect(truncateTexts([['a', 'b'], [], ['c', 'd', 'e']], 3)).toEqual([['a', 'b'], ['c']]);
  });
});
