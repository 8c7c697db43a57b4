import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBrownSentences } from './corpus.js';
import { estimateDiscounts } from './kneser-ney.js';
import { loadOrTrain } from './model-cache.js';
import { NgramModel, SENTENCE_END, trainNgram } from './ngram.js';
import { seededRandom } from './random.js';

const TOY = [
  ['a', 'b'],
  ['a', 'c'],
  ['b', 'c'],
];

function totalProbability(model: NgramModel, context: string[]): number {
  return model.vocabulary.reduce((sum, word) => sum + Math.exp(model.logProb(context, word)), 0);
}

describe('trainNgram: interpolated Kneser–Ney', () => {
  it('matches hand-computed probabilities on a toy corpus (fixed discount 0.5)', () => {
    // Continuation counts: a 1, b 2, c 2, </s> 2 (total 7, backoff mass 4 × 0.5 = 2, spread over 5 tokens),
    // so P1(c) = (2 − 0.5 + 2/5) / 7 = 19/70 and P1(a) = 9/70.
    const bigram = trainNgram(TOY, { order: 2, discount: 0.5 });
    expect(Math.exp(bigram.logProb([], 'a'))).toBeCloseTo(19 / 35, 12); // (2 − 0.5 + 1 · 9/70) / 3
    expect(Math.exp(bigram.logProb(['a'], 'b'))).toBeCloseTo(27 / 70, 12); // (1 − 0.5 + 1 · 19/70) / 2
    expect(Math.exp(bigram.logProb(['a'], 'a'))).toBeCloseTo(9 / 140, 12); // (0 + 1 · 9/70) / 2

    // In the trigram model, bigram counts are continuation counts, except after <s> (raw).
    const trigram = trainNgram(TOY, { order: 3, discount: 0.5 });
    expect(Math.exp(trigram.logProb(['a'], 'c'))).toBeCloseTo(31 / 70, 12); // (1 − 0.5 + 1 · 27/70) / 2
    expect(Math.exp(trigram.logProb(['a', 'c'], SENTENCE_END))).toBeCloseTo(509 / 560, 12);
  });

  it('estimates the modified Kneser–Ney discounts from count-of-counts', () => {
    // n1 = 4, n2 = 2, n3 = 1, n4 = 1, so Y = 0.5.
    const [d1, d2, d3] = estimateDiscounts(Int32Array.of(1, 1, 1, 1, 2, 2, 3, 4));
    expect(d1).toBeCloseTo(0.5, 12);
    expect(d2).toBeCloseTo(1.25, 12);
    expect(d3).toBeCloseTo(1, 12);
  });

  it('gives probabilities that sum to 1 over the vocabulary, in any context', () => {
    const sentences = [
      ['the', 'cat', 'sat', 'on', 'the', 'mat'],
      ['the', 'dog', 'sat', 'on', 'the', 'log'],
      ['a', 'cat', 'saw', 'the', 'dog'],
      ['the', 'cat', 'sat'],
    ];
    const contexts = [[], ['the'], ['the', 'cat'], ['on', 'the', 'cat'], ['zebra'], ['cat', 'zebra', 'the'], ['mat']];
    for (const order of [1, 2, 3, 4]) {
      for (const discount of [undefined, 0.75]) {
        const model = trainNgram(sentences, { order, discount });
        for (const context of contexts) expect(totalProbability(model, context)).toBeCloseTo(1, 10);
      }
    }
  });

  it('scores words outside a given vocabulary as <unk>', () => {
    const model = trainNgram([['red', 'fish', 'blue', 'fish']], { order: 2, vocabulary: ['fish'] });
    expect(model.vocabulary).toEqual([SENTENCE_END, '<unk>', 'fish']);
    expect(model.logProb([], 'red')).toBe(model.logProb([], 'blue'));
    expect(totalProbability(model, ['red'])).toBeCloseTo(1, 10);
  });
});

describe('NgramModel.sample', () => {
  const model = trainNgram(
    [
      ['the', 'cat', 'sat', 'on', 'the', 'mat'],
      ['the', 'cat', 'ran'],
      ['the', 'cat', 'ate', 'the', 'fish'],
      ['the', 'dog', 'sat', 'on', 'the', 'log'],
    ],
    { order: 3 },
  );

  it('gives the same words for the same seed, and other words for other seeds', () => {
    const draw = (seed: number) => {
      const rng = seededRandom(seed);
      return Array.from({ length: 8 }, () => model.sample({ rng }).join(' '));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('picks the most probable word at temperature 0, and so does a tiny top-p', () => {
    expect(model.sample({ rng: seededRandom(1), temperature: 0, context: ['the'], maxTokens: 1 })).toEqual(['cat']);
    for (let seed = 0; seed < 20; seed++) {
      expect(model.sample({ rng: seededRandom(seed), topP: 0.01, context: ['the'], maxTokens: 1 })).toEqual(['cat']);
    }
  });

  it('ends at a stop word, without it', () => {
    for (let seed = 0; seed < 20; seed++) {
      const words = model.sample({ rng: seededRandom(seed), stop: ['sat', 'ran', 'ate'] });
      expect(words).not.toContain('sat');
      expect(words).not.toContain('ran');
      expect(words).not.toContain('ate');
    }
    expect(model.sample({ rng: seededRandom(3), temperature: 0, stop: ['cat'] })).toEqual(['the']);
  });

  it('draws words as often as the model predicts them, after temperature and top-p', () => {
    const brown = trainNgram(loadBrownSentences({ split: 'train', files: 2 }), { order: 3 });
    const context = ['of', 'the'];
    /** The reference: the whole distribution without <unk> (never sampled), tempered, cut to the nucleus. */
    const reference = (temperature: number, topP: number): Map<string, number> => {
      const words = brown.vocabulary.filter((word) => word !== '<unk>');
      const weighted = words
        .map((word) => [word, Math.exp(brown.logProb(context, word)) ** (1 / temperature)] as const)
        .sort((a, b) => b[1] - a[1]);
      const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
      let mass = 0;
      let threshold = 0;
      for (const [, weight] of weighted) {
        if (mass >= topP * total) break;
        mass += weight;
        threshold = weight;
      }
      // Words tied with the last one in the nucleus are in it too.
      const nucleus = weighted.filter(([, weight]) => weight >= threshold * (1 - 1e-9));
      const nucleusMass = nucleus.reduce((sum, [, weight]) => sum + weight, 0);
      return new Map(nucleus.map(([word, weight]) => [word, weight / nucleusMass]));
    };
    for (const [temperature, topP] of [
      [1, 1],
      [0.6, 1],
      [1.5, 0.5],
    ] as const) {
      const expected = reference(temperature, topP);
      // Compare the 30 likeliest words one by one and the rest as one bucket, so sampling noise stays small.
      const head = [...expected.keys()].slice(0, 30);
      const bucket = (word: string) => (head.includes(word) ? word : '(rest)');
      const expectedBuckets = new Map<string, number>();
      for (const [word, p] of expected) expectedBuckets.set(bucket(word), (expectedBuckets.get(bucket(word)) ?? 0) + p);
      const rng = seededRandom(17);
      const draws = 20_000;
      const observed = new Map<string, number>();
      let outsideNucleus = 0;
      for (let i = 0; i < draws; i++) {
        const word = brown.sample({ rng, context, temperature, topP, maxTokens: 1 })[0] ?? SENTENCE_END;
        if (!expected.has(word)) outsideNucleus++;
        observed.set(bucket(word), (observed.get(bucket(word)) ?? 0) + 1 / draws);
      }
      let distance = 0;
      for (const key of expectedBuckets.keys())
        distance += Math.abs(expectedBuckets.get(key)! - (observed.get(key) ?? 0)) / 2;
      expect(outsideNucleus).toBe(0);
      expect(distance).toBeLessThan(0.025);
    }
  });

  it('generates at most maxTokens words', () => {
    const looping = trainNgram([Array.from({ length: 50 }, () => 'x')], { order: 2 });
    expect(looping.sample({ rng: seededRandom(1), temperature: 0, maxTokens: 7 })).toEqual(Array(7).fill('x'));
  });
});

describe('the Brown corpus models', () => {
  const train = loadBrownSentences({ split: 'train', files: 60 });
  const heldOut = loadBrownSentences({ split: 'heldout', files: 10 });
  const trigram = trainNgram(train, { order: 3 });
  const fourgram = trainNgram(train, { order: 4 });
  const cacheDir = mkdtempSync(join(tmpdir(), 'ngram-cache-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('has a lower held-out perplexity at order 4 than at order 3', () => {
    const p3 = trigram.perplexity(heldOut);
    const p4 = fourgram.perplexity(heldOut);
    expect(p4).toBeLessThan(p3);
    expect(p3).toBeLessThan(trainNgram(train, { order: 2 }).perplexity(heldOut));
  });

  it('round-trips through its binary form and the disk cache with identical probabilities', () => {
    const loaded = NgramModel.deserialize(fourgram.serialize());
    expect(loaded.crossEntropy(heldOut)).toBe(fourgram.crossEntropy(heldOut));
    expect(loaded.sample({ rng: seededRandom(9), maxTokens: 30 })).toEqual(
      fourgram.sample({ rng: seededRandom(9), maxTokens: 30 }),
    );

    const first = loadOrTrain(cacheDir, 'test-order4', () => fourgram);
    expect(readdirSync(cacheDir)).toContain('test-order4.ngram');
    const cached = loadOrTrain(cacheDir, 'test-order4', () => {
      throw new Error('should have been read from the cache');
    });
    const sentence = heldOut[0]!;
    expect(cached.logProb(sentence.slice(0, 3), sentence[3]!)).toBe(first.logProb(sentence.slice(0, 3), sentence[3]!));
  });

  it('retrains and rewrites a damaged cache file', () => {
    writeFileSync(join(cacheDir, 'test-order3.ngram'), trigram.serialize().subarray(0, 5000));
    let trained = 0;
    loadOrTrain(cacheDir, 'test-order3', () => {
      trained++;
      return trigram;
    });
    expect(trained).toBe(1);
    const reloaded = NgramModel.deserialize(readFileSync(join(cacheDir, 'test-order3.ngram')));
    expect(reloaded.crossEntropy(heldOut.slice(0, 50))).toBe(trigram.crossEntropy(heldOut.slice(0, 50)));
  });
});
