import { describe, expect, it } from 'vitest';
import { bigramTrainer } from '../../test/support/bigram-trainer.js';
import { ZipfCorpus } from '../../test/support/zipf-corpus.js';
import { runNgramLab } from './ngram.js';

describe('runNgramLab', () => {
  const corpus = new ZipfCorpus({ seed: 5, vocabularySize: 2000 });
  const real = Array.from({ length: 1500 }, () => corpus.sentence(6 + (corpus.drawRank() % 8)));
  const heldOut = Array.from({ length: 500 }, () => corpus.sentence(10));
  const lab = runNgramLab({ trainer: bigramTrainer, real, heldOut, generations: 6, seed: 3 });
  const replace = lab.replace!;
  const accumulate = lab.accumulate!;
  const mix = lab.mix!;

  it('starts every strategy from the same model trained on real data', () => {
    expect(accumulate[0]).toEqual(replace[0]);
    expect(mix[0]).toEqual(replace[0]);
    expect(replace[0]).toMatchObject({ generation: 0, trainingSentences: 1500, realShare: 1 });
  });

  it('loses the tail faster when each generation replaces the data than when it accumulates', () => {
    expect(replace[6]!.tailCoverage).toBeLessThan(0.6 * replace[0]!.tailCoverage);
    expect(accumulate[6]!.tailCoverage).toBeGreaterThan(0.8 * accumulate[0]!.tailCoverage);
    for (let t = 1; t <= 6; t++) expect(replace[t]!.tailCoverage).toBeLessThan(accumulate[t]!.tailCoverage);
  });

  it('fits held-out human text worse and repeats itself more under replace', () => {
    expect(replace[6]!.crossEntropy).toBeGreaterThan(accumulate[6]!.crossEntropy + 0.3);
    expect(replace[6]!.distinct2).toBeLessThan(accumulate[6]!.distinct2);
  });

  it('keeping a real share slows the loss, and accumulate keeps all real data', () => {
    expect(mix[6]!.tailCoverage).toBeGreaterThan(replace[6]!.tailCoverage);
    expect(mix[6]!.realShare).toBeCloseTo(0.1);
    expect(accumulate[6]).toMatchObject({ trainingSentences: 1500 * 7, realShare: 1 / 7 });
    expect(replace[6]!.realShare).toBe(0);
  });
});
