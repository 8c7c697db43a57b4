import { SeededRandom } from '../random.js';
import { runSteps, type Steps } from './steps.js';

export interface GaussianLabOptions {
  /** M: samples drawn from the current model per generation. */
  samplesPerGeneration: number;
  /** T: refits after the original distribution. */
  generations: number;
  /** R: independent runs averaged per generation. */
  runs: number;
  seed: number;
  /** The original distribution. Defaults: mean 0, standard deviation 1. */
  mean?: number;
  std?: number;
}

export interface GaussianLabPoint {
  /** 0 is the original distribution; generation t is fitted on samples from generation t − 1. */
  generation: number;
  /** Median over runs of the fitted standard deviation. */
  medianStd: number;
  /** Mean over runs of the fitted variance. */
  meanVariance: number;
  /** E[σ²_t] = σ₀² ((M − 1) / M)^t for the maximum-likelihood fit. */
  theoryVariance: number;
}

/**
 * Shumailov et al.'s simplest collapse: a Gaussian refitted, generation after generation, on M of its
 * own samples. The fit is maximum likelihood (variance = Σ(x − x̄)² / M), whose expectation given the
 * previous generation is (M − 1)/M times the previous variance, so E[σ²_t] = σ₀² ((M − 1)/M)^t. (The
 * unbiased estimator, dividing by M − 1, keeps E[σ²_t] = σ₀² yet still collapses: σ_t → 0 almost
 * surely, which the median shows and the mean hides.)
 */
export function runGaussianLab(options: GaussianLabOptions): GaussianLabResult {
  return runSteps(gaussianLabSteps(options));
}

export interface GaussianLabResult {
  estimator: 'mle';
  points: GaussianLabPoint[];
}

/** `runGaussianLab` one run at a time: yields after each run. */
export function* gaussianLabSteps(options: GaussianLabOptions): Steps<GaussianLabResult> {
  const { samplesPerGeneration: m, generations, runs } = options;
  if (!Number.isInteger(m) || m < 2) throw new RangeError('samplesPerGeneration must be an integer ≥ 2');
  const mean0 = options.mean ?? 0;
  const std0 = options.std ?? 1;
  const random = new SeededRandom(options.seed);
  /** variances[t · runs + r]: fitted variance of run r at generation t (t ≥ 1). */
  const variances = new Float64Array((generations + 1) * runs).fill(std0 * std0, 0, runs);
  for (let run = 0; run < runs; run++) {
    let mean = mean0;
    let std = std0;
    for (let t = 1; t <= generations; t++) {
      let sum = 0;
      let sumSquares = 0;
      for (let i = 0; i < m; i++) {
        const x = mean + std * random.normal();
        sum += x;
        sumSquares += x * x;
      }
      const fittedMean = sum / m;
      const fittedVariance = Math.max(0, sumSquares / m - fittedMean * fittedMean);
      variances[t * runs + run] = fittedVariance;
      mean = fittedMean;
      std = Math.sqrt(fittedVariance);
    }
    yield;
  }
  const points: GaussianLabPoint[] = [];
  for (let t = 0; t <= generations; t++) {
    const generation = variances.slice(t * runs, (t + 1) * runs).sort();
    const meanVariance = generation.reduce((a, b) => a + b, 0) / runs;
    points.push({
      generation: t,
      medianStd: Math.sqrt(median(generation)),
      meanVariance,
      theoryVariance: std0 * std0 * ((m - 1) / m) ** t,
    });
  }
  return { estimator: 'mle', points };
}

function median(sorted: Float64Array): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
