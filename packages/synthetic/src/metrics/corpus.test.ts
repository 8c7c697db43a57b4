import { describe, expect, it } from 'vitest';
import { ZipfCorpus } from '../../test/support/zipf-corpus.js';
import { ngrams } from '../text.js';
import { countIds, encodeSet, NgramSpace, Vocabulary } from './corpus.js';

describe('NgramSpace', () => {
  it('counts the same n-grams as string keys would, across sets and past table growth', () => {
    const corpus = new ZipfCorpus({ seed: 8, vocabularySize: 3000 });
    const sets = [0, 1].map(() => Array.from({ length: 800 }, () => corpus.sentence(12)));
    const vocabulary = new Vocabulary();
    const encoded = sets.map((texts) => encodeSet(texts, vocabulary));
    const space = new NgramSpace(vocabulary, 3);
    const ids = encoded.map((set) => space.encode(set));

    for (const order of [1, 2, 3]) {
      const byString = new Map<string, number[]>();
      sets.forEach((texts, side) => {
        for (const gram of texts.flatMap((text) => ngrams(text, order))) {
          const counts = byString.get(gram) ?? [0, 0];
          counts[side]!++;
          byString.set(gram, counts);
        }
      });
      expect(space.distinct(order)).toBe(byString.size);
      // The same n-gram must have the same id in both sets: compare the (count in 0, count in 1) pairs.
      const counts = ids.map((byOrder) => countIds(byOrder[order - 1]!, space.distinct(order)).counts);
      const pairs = Array.from({ length: space.distinct(order) }, (_, id) => `${counts[0]![id]},${counts[1]![id]}`);
      const expected = [...byString.values()].map(([a, b]) => `${a},${b}`);
      expect(pairs.sort()).toEqual(expected.sort());
    }
  });
});
