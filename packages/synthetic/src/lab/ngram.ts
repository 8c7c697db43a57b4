import { countIds, encodeSet, NgramSpace, tokenTotal, truncateTexts, Vocabulary } from '../metrics/corpus.js';
import { DEFAULT_TAIL_MASS, tailCoverage } from '../metrics/divergence.js';
import { distinctRatio } from '../metrics/diversity.js';
import { MIN_REAL_SHARE } from '../provenance.js';
import { deriveSeed, SeededRandom } from '../random.js';
import type { LanguageModel, LanguageModelTrainer, Sentence } from './language-model.js';
import { runSteps, type Steps } from './steps.js';

/**
 * replace: train only on the previous generation's samples. accumulate: train on the real data plus
 * every generation's samples so far. mix: a fixed-size training set with a `realShare` of real
 * sentences (a fresh random subset each generation) and the rest from the previous generation.
 */
export type RetrainingStrategy = 'replace' | 'accumulate' | 'mix';

export interface NgramLabOptions {
  trainer: LanguageModelTrainer;
  /** Human training sentences. */
  real: readonly Sentence[];
  /** Human sentences never trained on, for cross-entropy. */
  heldOut: readonly Sentence[];
  /** Retrainings after generation 0 (which is trained on `real`). */
  generations: number;
  seed: number;
  /** Sentences sampled from each generation's model. Default: as many as `real`. */
  samplesPerGeneration?: number;
  /** Real share of the `mix` strategy's training set. Default MIN_REAL_SHARE (0.1). */
  realShare?: number;
  strategies?: readonly RetrainingStrategy[];
  tailMass?: number;
}

export interface NgramLabPoint {
  generation: number;
  /** Bits per token on the held-out human sentences. */
  crossEntropy: number;
  /** Share of the real data's tail word types present in this generation's samples (equal token budget). */
  tailCoverage: number;
  /** distinct-2 of this generation's samples at the same budget. */
  distinct2: number;
  trainingSentences: number;
  /** Share of real sentences in this generation's training set. */
  realShare: number;
}

export type NgramLabResult = Partial<Record<RetrainingStrategy, NgramLabPoint[]>>;

/**
 * The recursive-training experiment on a language model: each generation is trained according to the
 * strategy, scored on held-out human text, and sampled to make the next generation's synthetic data.
 * Every strategy replays the same random streams, so generation 0 is identical across strategies.
 */
export function runNgramLab(options: NgramLabOptions): NgramLabResult {
  return runSteps(ngramLabSteps(options));
}

/**
 * `runNgramLab` in steps: yields after each stage (train, sample, score, measure) of every generation,
 * and every `SAMPLES_PER_STEP` sentences while sampling.
 */
export function* ngramLabSteps(options: NgramLabOptions): Steps<NgramLabResult> {
  const strategies = options.strategies ?? ['replace', 'accumulate', 'mix'];
  const result: NgramLabResult = {};
  for (const strategy of strategies) result[strategy] = yield* strategySteps(strategy, options);
  return result;
}

function* strategySteps(strategy: RetrainingStrategy, options: NgramLabOptions): Steps<NgramLabPoint[]> {
  const { trainer, real } = options;
  const samples = options.samplesPerGeneration ?? real.length;
  const realShare = options.realShare ?? MIN_REAL_SHARE;
  const points: NgramLabPoint[] = [];
  let training: readonly Sentence[] = real;
  let realInTraining = real.length;
  const accumulated: Sentence[] = [...real];

  for (let generation = 0; generation <= options.generations; generation++) {
    const model = trainer.train(training);
    yield;
    const random = new SeededRandom(deriveSeed(options.seed, generation));
    const sampled = yield* sample(model, samples, random);
    const crossEntropy = model.crossEntropy(options.heldOut);
    yield;
    points.push({
      generation,
      crossEntropy,
      ...sampleDiversity(real, sampled, options.tailMass ?? DEFAULT_TAIL_MASS),
      trainingSentences: training.length,
      realShare: realInTraining / training.length,
    });
    if (strategy === 'replace') {
      training = sampled;
      realInTraining = 0;
    } else if (strategy === 'accumulate') {
      accumulated.push(...sampled);
      training = accumulated;
    } else {
      const realCount = Math.round(realShare * real.length);
      const realPart = random.shuffle(real).slice(0, realCount);
      training = [...realPart, ...sampled.slice(0, real.length - realCount)];
      realInTraining = realCount;
    }
    yield;
  }
  return points;
}

/** Sentences drawn per step: sampling is a generation's longest stage. */
const SAMPLES_PER_STEP = 100;

function* sample(model: LanguageModel, count: number, random: SeededRandom): Steps<string[][]> {
  const draw = random.asFunction();
  const sampled: string[][] = [];
  while (sampled.length < count) {
    sampled.push(model.sample(draw));
    if (sampled.length % SAMPLES_PER_STEP === 0 || sampled.length === count) yield;
  }
  return sampled;
}

function sampleDiversity(
  real: readonly Sentence[],
  sampled: readonly Sentence[],
  tailMass: number,
): { tailCoverage: number; distinct2: number } {
  const budget = Math.min(tokenTotal(real), tokenTotal(sampled));
  const vocabulary = new Vocabulary();
  const realSet = encodeSet(truncateTexts(real, budget), vocabulary);
  const sampledSet = encodeSet(truncateTexts(sampled, budget), vocabulary);
  const space = new NgramSpace(vocabulary, 2);
  const realIds = space.encode(realSet);
  const sampledIds = space.encode(sampledSet);
  const unigrams = (ids: Int32Array[]) => countIds(ids[0]!, space.distinct(1));
  return {
    tailCoverage: tailCoverage(unigrams(realIds), unigrams(sampledIds), tailMass).coverage,
    distinct2: distinctRatio(countIds(sampledIds[1]!, space.distinct(2))),
  };
}
