import { LAB_DEFAULTS, type SyntheticLabParams, type SyntheticLabResult } from '@synthwell/contracts';
import { loadBrownSentences, trainNgram } from '@synthwell/providers';
import {
  type LanguageModelTrainer,
  runGaussianLab,
  runNgramLab,
  runRegressionLab,
  SeededRandom,
} from '@synthwell/synthetic';

/** The seed of a run that names none, so two runs print the same curves. */
export const DEFAULT_SEED = 1;
/** Brown corpus files the n-gram experiment draws its human training and held-out sentences from. */
const TRAINING_FILES = 20;
const HELDOUT_FILES = 5;
const HELD_OUT_SENTENCES = 300;
/** Longest sentence a lab model samples. */
const MAX_SAMPLED_TOKENS = 60;

/** Runs one experiment; the result has the shape `POST /v1/synthetic/lab` answers with. */
export function runExperiment(params: SyntheticLabParams): SyntheticLabResult {
  const seed = params.seed ?? DEFAULT_SEED;
  const base = { object: 'synthetic.lab', seed } as const;
  switch (params.experiment) {
    case 'gaussian': {
      const parameters = {
        ...LAB_DEFAULTS.gaussian,
        ...defined(params, ['samples_per_generation', 'generations', 'runs']),
      };
      const { points } = runGaussianLab({
        samplesPerGeneration: parameters.samples_per_generation,
        generations: parameters.generations,
        runs: parameters.runs,
        seed,
      });
      return {
        ...base,
        experiment: 'gaussian',
        parameters,
        points: points.map((p) => ({
          generation: p.generation,
          median_std: p.medianStd,
          mean_variance: p.meanVariance,
          theory_variance: p.theoryVariance,
        })),
      };
    }
    case 'regression': {
      const parameters = {
        ...LAB_DEFAULTS.regression,
        ...defined(params, ['samples', 'dimensions', 'noise_std', 'generations', 'runs']),
      };
      const points = runRegressionLab({
        samples: parameters.samples,
        dimensions: parameters.dimensions,
        noiseStd: parameters.noise_std,
        generations: parameters.generations,
        runs: parameters.runs,
        seed,
      });
      return {
        ...base,
        experiment: 'regression',
        parameters,
        points: points.map((p) => ({
          generation: p.generation,
          replace: p.replace,
          accumulate: p.accumulate,
          theory_replace: p.theoryReplace,
          theory_accumulate: p.theoryAccumulate,
        })),
      };
    }
    case 'ngram': {
      const parameters = {
        ...LAB_DEFAULTS.ngram,
        ...defined(params, ['sentences', 'generations', 'order', 'real_share']),
        strategies: params.strategies ?? ['replace', 'accumulate', 'mix'],
      };
      const real = new SeededRandom(seed)
        .shuffle(loadBrownSentences({ split: 'train', files: TRAINING_FILES }))
        .slice(0, parameters.sentences);
      const heldOut = loadBrownSentences({ split: 'heldout', files: HELDOUT_FILES }).slice(0, HELD_OUT_SENTENCES);
      const result = runNgramLab({
        trainer: ngramTrainer(parameters.order, real),
        real,
        heldOut,
        generations: parameters.generations,
        seed,
        realShare: parameters.real_share,
        strategies: parameters.strategies,
      });
      const series = Object.fromEntries(
        Object.entries(result).map(([strategy, points]) => [
          strategy,
          points.map((p) => ({
            generation: p.generation,
            cross_entropy: p.crossEntropy,
            tail_coverage: p.tailCoverage,
            distinct_2: p.distinct2,
            training_sentences: p.trainingSentences,
            real_share: p.realShare,
          })),
        ]),
      );
      return { ...base, experiment: 'ngram', parameters, series };
    }
  }
}

/**
 * The providers' Kneser–Ney n-gram model as the lab's language-model trainer. A generation samples
 * from a model with its own vocabulary, so a word it lost stays lost, and is scored by a model of the
 * same sentences over the real data's vocabulary: with each model's own, a lost word would count as
 * <unk>, whose share grows as the vocabulary shrinks, and cross-entropies would not compare.
 */
function ngramTrainer(order: number, real: readonly (readonly string[])[]): LanguageModelTrainer {
  const vocabulary = new Set(real.flat());
  return {
    train(sentences) {
      const sampler = trainNgram(sentences, { order });
      const scorer = trainNgram(sentences, { order, vocabulary });
      return {
        crossEntropy: (heldOut) => scorer.crossEntropy(heldOut),
        sample: (random) => sampler.sample({ rng: random, maxTokens: MAX_SAMPLED_TOKENS }),
      };
    },
  };
}

/** The given keys of `params` that are set, so they override the defaults and nothing else does. */
function defined<T extends object, K extends keyof T>(params: T, keys: readonly K[]): Partial<Required<Pick<T, K>>> {
  const out: Partial<Required<Pick<T, K>>> = {};
  for (const key of keys) if (params[key] !== undefined) out[key] = params[key] as Required<T>[K];
  return out;
}
