import { LAB_DEFAULTS, type SyntheticLabParams, SyntheticLabResult } from '@synthwell/contracts';
import { describe, expect, it } from 'vitest';
import { bigramTrainer } from '../../test/support/bigram-trainer.js';
import { ZipfCorpus } from '../../test/support/zipf-corpus.js';
import { runGaussianLab } from './gaussian.js';
import type { Sentence } from './language-model.js';
import { type LabEnvironment, runLabExperiment } from './runner.js';

const corpus = new ZipfCorpus({ seed: 5, vocabularySize: 1500 });
const human = {
  real: Array.from({ length: 400 }, () => corpus.sentence(6 + (corpus.drawRank() % 8))),
  heldOut: Array.from({ length: 200 }, () => corpus.sentence(10)),
};

/** The test bigram model in the n-gram interface the lab expects, counting the corpus loads. */
function environment(pause?: () => Promise<void>): LabEnvironment & { corpusLoads: number } {
  const env = {
    corpusLoads: 0,
    trainNgram(sentences: readonly Sentence[]) {
      const model = bigramTrainer.train(sentences);
      return {
        crossEntropy: (heldOut: readonly Sentence[]) => model.crossEntropy(heldOut),
        sample: ({ rng }: { rng: () => number }) => model.sample(rng),
      };
    },
    humanSentences() {
      env.corpusLoads++;
      return human;
    },
    ...(pause ? { pause } : {}),
  };
  return env;
}

describe('runLabExperiment', () => {
  it('fills in the defaults and answers in the API’s shape', async () => {
    const env = environment();
    const result = await runLabExperiment({ experiment: 'gaussian', generations: 5, runs: 50 }, env);
    expect(SyntheticLabResult.parse(result)).toEqual(result);
    expect(result).toMatchObject({
      object: 'synthetic.lab',
      experiment: 'gaussian',
      seed: 1,
      parameters: { samples_per_generation: LAB_DEFAULTS.gaussian.samples_per_generation, generations: 5, runs: 50 },
    });
    const direct = runGaussianLab({ samplesPerGeneration: 50, generations: 5, runs: 50, seed: 1 });
    expect(result.experiment === 'gaussian' && result.points.map((p) => p.mean_variance)).toEqual(
      direct.points.map((p) => p.meanVariance),
    );
    // Only the n-gram experiment needs human text.
    expect(env.corpusLoads).toBe(0);
  });

  it('runs the chosen n-gram strategies in order on the host’s model and human text', async () => {
    const env = environment();
    const result = await runLabExperiment(
      { experiment: 'ngram', sentences: 300, generations: 2, strategies: ['accumulate', 'replace'], seed: 4 },
      env,
    );
    if (result.experiment !== 'ngram') throw new Error('expected the n-gram experiment');
    expect(env.corpusLoads).toBe(1);
    expect(Object.keys(result.series)).toEqual(['accumulate', 'replace']);
    expect(result.parameters).toEqual({
      sentences: 300,
      generations: 2,
      order: LAB_DEFAULTS.ngram.order,
      real_share: LAB_DEFAULTS.ngram.real_share,
      strategies: ['accumulate', 'replace'],
    });
    expect(result.series.accumulate?.map((p) => p.training_sentences)).toEqual([300, 600, 900]);
    expect(result.series.replace?.[2]?.tail_coverage).toBeLessThan(result.series.accumulate?.[2]?.tail_coverage ?? 0);
  });

  it('hands control to the host between steps without changing the result', async () => {
    const params: SyntheticLabParams = {
      experiment: 'ngram',
      sentences: 250,
      generations: 2,
      strategies: ['replace', 'mix'],
    };
    const straight = await runLabExperiment(params, environment());
    let pauses = 0;
    const paused = await runLabExperiment(
      params,
      environment(async () => {
        pauses++;
      }),
    );
    expect(paused).toEqual(straight);
    // Per generation: after training, after each 100 samples (250 → three steps), after scoring, after measuring.
    expect(pauses).toBe(2 * 3 * (1 + 3 + 1 + 1));

    let regressionPauses = 0;
    await runLabExperiment(
      { experiment: 'regression', runs: 40, generations: 3 },
      environment(async () => {
        regressionPauses++;
      }),
    );
    expect(regressionPauses).toBe(40);
  });

  it('gives the same curves for the same seed and different ones for another', async () => {
    const params = { experiment: 'regression', runs: 30, generations: 3, seed: 11 } as const;
    const first = await runLabExperiment(params, environment());
    expect(await runLabExperiment(params, environment())).toEqual(first);
    expect(await runLabExperiment({ ...params, seed: 12 }, environment())).not.toEqual(first);
  });
});
