import {
  LAB_DEFAULTS,
  type SyntheticLabParams,
  type SyntheticLabResult,
  type SyntheticLabStrategy,
} from '@synthwell/contracts';
import { SeededRandom } from '../random.js';
import { gaussianLabSteps } from './gaussian.js';
import type { LanguageModelTrainer, Sentence } from './language-model.js';
import { type NgramLabPoint, ngramLabSteps } from './ngram.js';
import { regressionLabSteps } from './regression.js';
import { runSteps, runStepsPausing, type Steps } from './steps.js';

/** The seed of a run that names none, so the same request gives the same curves. */
export const LAB_DEFAULT_SEED = 1;
/** Corpus files the n-gram experiment draws its human sentences from: training files, and held-out ones. */
export const LAB_CORPUS_FILES = { training: 20, heldOut: 5 } as const;
/** Held-out human sentences each n-gram generation is scored on. */
const HELD_OUT_SENTENCES = 300;
/** Longest sentence a lab model samples. */
const MAX_SAMPLED_TOKENS = 60;
const ALL_STRATEGIES: readonly SyntheticLabStrategy[] = ['replace', 'accumulate', 'mix'];

/** An n-gram language model as the lab uses it; the providers' `NgramModel` is one. */
export interface SamplingNgramModel {
  /** Bits per token on the sentences. */
  crossEntropy(sentences: readonly Sentence[]): number;
  sample(options: { rng: () => number; maxTokens: number }): string[];
}

/** What the lab needs from its host: a model to retrain and human text, both injected so this package has neither. */
export interface LabEnvironment {
  /** Trains an n-gram model of `order`; with `vocabulary`, every other word counts as unknown (the providers' `trainNgram`). */
  trainNgram(
    sentences: readonly Sentence[],
    options: { order: number; vocabulary?: Iterable<string> },
  ): SamplingNgramModel;
  /**
   * Human sentences for the n-gram experiment, from `LAB_CORPUS_FILES`: `real` to train on (the
   * experiment shuffles them by its seed) and `heldOut`, from other documents, to score on. Called
   * only when the n-gram experiment runs.
   */
  humanSentences(): { real: readonly Sentence[]; heldOut: readonly Sentence[] };
  /**
   * Awaited after every step (a run of the Gaussian and regression experiments; training, scoring,
   * measuring or 100 samples of a generation of the n-gram one), so a server can serve other requests during a lab run. Without it, the run goes
   * straight through. It never changes the results.
   */
  pause?: () => Promise<void>;
}

/**
 * One collapse-lab experiment (`POST /v1/synthetic/lab`, `synthwell lab`). `params` must satisfy the
 * contract's `SyntheticLabParams` schema: its bounds are what keep a run to about two seconds of CPU,
 * so callers validate with it first. Seeded: the same parameters give the same result.
 */
export async function runLabExperiment(
  params: SyntheticLabParams,
  environment: LabEnvironment,
): Promise<SyntheticLabResult> {
  const seed = params.seed ?? LAB_DEFAULT_SEED;
  const base = { object: 'synthetic.lab', seed } as const;
  const { pause } = environment;
  const finish = <T>(steps: Steps<T>): Promise<T> | T => (pause ? runStepsPausing(steps, pause) : runSteps(steps));

  switch (params.experiment) {
    case 'gaussian': {
      const parameters = {
        samples_per_generation: params.samples_per_generation ?? LAB_DEFAULTS.gaussian.samples_per_generation,
        generations: params.generations ?? LAB_DEFAULTS.gaussian.generations,
        runs: params.runs ?? LAB_DEFAULTS.gaussian.runs,
      };
      const { points } = await finish(
        gaussianLabSteps({
          samplesPerGeneration: parameters.samples_per_generation,
          generations: parameters.generations,
          runs: parameters.runs,
          seed,
        }),
      );
      return {
        ...base,
        experiment: 'gaussian',
        parameters,
        points: points.map((point) => ({
          generation: point.generation,
          median_std: point.medianStd,
          mean_variance: point.meanVariance,
          theory_variance: point.theoryVariance,
        })),
      };
    }
    case 'regression': {
      const parameters = {
        samples: params.samples ?? LAB_DEFAULTS.regression.samples,
        dimensions: params.dimensions ?? LAB_DEFAULTS.regression.dimensions,
        noise_std: params.noise_std ?? LAB_DEFAULTS.regression.noise_std,
        generations: params.generations ?? LAB_DEFAULTS.regression.generations,
        runs: params.runs ?? LAB_DEFAULTS.regression.runs,
      };
      const points = await finish(
        regressionLabSteps({
          samples: parameters.samples,
          dimensions: parameters.dimensions,
          noiseStd: parameters.noise_std,
          generations: parameters.generations,
          runs: parameters.runs,
          seed,
        }),
      );
      return {
        ...base,
        experiment: 'regression',
        parameters,
        points: points.map((point) => ({
          generation: point.generation,
          replace: point.replace,
          accumulate: point.accumulate,
          theory_replace: point.theoryReplace,
          theory_accumulate: point.theoryAccumulate,
        })),
      };
    }
    case 'ngram': {
      const parameters = {
        sentences: params.sentences ?? LAB_DEFAULTS.ngram.sentences,
        generations: params.generations ?? LAB_DEFAULTS.ngram.generations,
        order: params.order ?? LAB_DEFAULTS.ngram.order,
        real_share: params.real_share ?? LAB_DEFAULTS.ngram.real_share,
        strategies: [...(params.strategies ?? ALL_STRATEGIES)],
      };
      const corpus = environment.humanSentences();
      const real = new SeededRandom(seed).shuffle(corpus.real).slice(0, parameters.sentences);
      const result = await finish(
        ngramLabSteps({
          trainer: ngramTrainer(environment, parameters.order, real),
          real,
          heldOut: corpus.heldOut.slice(0, HELD_OUT_SENTENCES),
          generations: parameters.generations,
          seed,
          realShare: parameters.real_share,
          strategies: parameters.strategies,
        }),
      );
      const series: Partial<Record<SyntheticLabStrategy, ReturnType<typeof apiNgramPoint>[]>> = {};
      for (const strategy of parameters.strategies) series[strategy] = (result[strategy] ?? []).map(apiNgramPoint);
      return { ...base, experiment: 'ngram', parameters, series };
    }
  }
}

/**
 * The injected n-gram model as the lab's language-model trainer. A generation samples from a model
 * with its own vocabulary, so a word it lost stays lost, and is scored by a model of the same
 * sentences over the real data's vocabulary: with each model's own, a lost word would count as
 * <unk>, whose share grows as the vocabulary shrinks, and cross-entropies would not compare.
 */
function ngramTrainer(environment: LabEnvironment, order: number, real: readonly Sentence[]): LanguageModelTrainer {
  const vocabulary = new Set(real.flat());
  return {
    train(sentences) {
      const sampler = environment.trainNgram(sentences, { order });
      // Trained when first needed, so training the two models falls in separate steps of the run.
      let scorer: SamplingNgramModel | undefined;
      return {
        crossEntropy: (heldOut) => {
          scorer ??= environment.trainNgram(sentences, { order, vocabulary });
          return scorer.crossEntropy(heldOut);
        },
        sample: (random) => sampler.sample({ rng: random, maxTokens: MAX_SAMPLED_TOKENS }),
      };
    },
  };
}

function apiNgramPoint(point: NgramLabPoint) {
  return {
    generation: point.generation,
    cross_entropy: point.crossEntropy,
    tail_coverage: point.tailCoverage,
    distinct_2: point.distinct2,
    training_sentences: point.trainingSentences,
    real_share: point.realShare,
  };
}
