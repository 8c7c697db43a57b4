import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { LAB_DEFAULTS, type SyntheticLabParams, type SyntheticLabResult } from '@synthwell/contracts';
import { trainNgram } from '@synthwell/providers';
import {
  type LanguageModelTrainer,
  type NgramLabPoint,
  runGaussianLab,
  runNgramLab,
  runRegressionLab,
  SeededRandom,
} from '@synthwell/synthetic';
import { HumanReference } from './human-reference.js';

/** The seed of a lab request that names none, so the same request gives the same curves. */
const DEFAULT_SEED = 1;
/** Held-out human sentences the n-gram lab scores each generation on. */
const HELD_OUT_SENTENCES = 300;
/** Longest sentence a lab model samples. */
const MAX_SAMPLED_TOKENS = 60;

/**
 * `POST /v1/synthetic/lab`: the collapse experiments, seeded, and bounded by the contract so one
 * request costs at most about two seconds of CPU (measured: the n-gram experiment at its bounds).
 * It runs on the event loop; the n-gram experiment yields between its strategies, so no slice holds
 * the loop for more than about 1.1 s (accumulate, at the bounds).
 */
@Injectable()
export class LabService {
  constructor(private readonly reference: HumanReference) {}

  async run(params: SyntheticLabParams): Promise<SyntheticLabResult> {
    const seed = params.seed ?? DEFAULT_SEED;
    const base = { object: 'synthetic.lab', seed } as const;
    switch (params.experiment) {
      case 'gaussian': {
        const parameters = {
          samples_per_generation: params.samples_per_generation ?? LAB_DEFAULTS.gaussian.samples_per_generation,
          generations: params.generations ?? LAB_DEFAULTS.gaussian.generations,
          runs: params.runs ?? LAB_DEFAULTS.gaussian.runs,
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
          points: points.map((point) => ({
            generation: point.generation,
            replace: point.replace,
            accumulate: point.accumulate,
            theory_replace: point.theoryReplace,
            theory_accumulate: point.theoryAccumulate,
          })),
        };
      }
      case 'ngram':
        return { ...base, experiment: 'ngram', ...(await this.ngram(params, seed)) };
    }
  }

  private async ngram(params: Extract<SyntheticLabParams, { experiment: 'ngram' }>, seed: number) {
    const parameters = {
      sentences: params.sentences ?? LAB_DEFAULTS.ngram.sentences,
      generations: params.generations ?? LAB_DEFAULTS.ngram.generations,
      order: params.order ?? LAB_DEFAULTS.ngram.order,
      real_share: params.real_share ?? LAB_DEFAULTS.ngram.real_share,
      strategies: params.strategies ?? (['replace', 'accumulate', 'mix'] as const),
    };
    const corpus = this.reference.labCorpus();
    const real = new SeededRandom(seed).shuffle(corpus.real).slice(0, parameters.sentences);
    const heldOut = corpus.heldOut.slice(0, HELD_OUT_SENTENCES);
    const series: Partial<Record<(typeof parameters.strategies)[number], ReturnType<typeof apiNgramPoint>[]>> = {};
    // Strategies replay the same random streams, so running them one at a time changes nothing but
    // lets other requests in between.
    for (const strategy of parameters.strategies) {
      await yieldToEventLoop();
      const result = runNgramLab({
        trainer: ngramTrainer(parameters.order, real),
        real,
        heldOut,
        generations: parameters.generations,
        seed,
        realShare: parameters.real_share,
        strategies: [strategy],
      });
      series[strategy] = (result[strategy] ?? []).map(apiNgramPoint);
    }
    return { parameters: { ...parameters, strategies: [...parameters.strategies] }, series };
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
