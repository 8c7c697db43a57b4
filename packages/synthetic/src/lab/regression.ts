import { SeededRandom } from '../random.js';
import { runSteps, type Steps } from './steps.js';

export interface RegressionLabOptions {
  /** n: rows per dataset (the design matrix is n × d). */
  samples: number;
  /** d: features. Needs n > d + 1. */
  dimensions: number;
  /** σ: standard deviation of the label noise. */
  noiseStd: number;
  /** T: retrainings after the first fit on real labels. */
  generations: number;
  /** Independent runs averaged per generation. */
  runs: number;
  seed: number;
}

export interface RegressionLabPoint {
  /** 0 is the fit on real labels; generation t is fitted on labels made by generation t − 1. */
  generation: number;
  /** Mean test error ‖ŵ_t − w*‖² (excess risk for isotropic inputs) when each generation replaces the data. */
  replace: number;
  /** The same when each generation's data is added to everything before it. */
  accumulate: number;
  /** (t + 1) · σ² d / (n − d − 1). */
  theoryReplace: number;
  /** σ² d / (n − d − 1) · Σ_{k=1}^{t+1} 1/k², bounded by π²/6 times generation 0's error. */
  theoryAccumulate: number;
}

/**
 * Gerstgrasser et al. (2024), linear regression retrained on its own labels. Setting: a design X
 * (n × d, i.i.d. standard normal entries, drawn once per run and reused by every generation, as in
 * their analysis), true weights w*, real labels y₀ = X w* + ε₀, and for t ≥ 1 synthetic labels
 * y_t = X ŵ_{t−1} + ε_t with fresh noise ε ~ N(0, σ² I). Ordinary least squares fits ŵ_t either on
 * (X, y_t) alone (replace) or on all datasets so far stacked (accumulate). Test error is ‖ŵ_t − w*‖².
 *
 * Replace: ŵ_t − w* = Σ_{i≤t} (XᵀX)⁻¹Xᵀε_i, so the error is (t + 1) σ² tr((XᵀX)⁻¹), whose mean over
 * Gaussian X is (t + 1) σ² d / (n − d − 1): linear growth. Accumulate: the stacked fit averages the
 * datasets' own fits, giving ŵ_t − w* = Σ_{i≤t} (XᵀX)⁻¹Xᵀε_i / (i + 1), error σ² d / (n − d − 1) ·
 * Σ 1/k² < π²/6 · σ² d / (n − d − 1): bounded. (A sum of σ² d / (kn − d − 1) over k, as sometimes
 * quoted, grows like log t and is not what this setting gives.)
 */
export function runRegressionLab(options: RegressionLabOptions): RegressionLabPoint[] {
  return runSteps(regressionLabSteps(options));
}

/** `runRegressionLab` one run at a time: yields after each run. */
export function* regressionLabSteps(options: RegressionLabOptions): Steps<RegressionLabPoint[]> {
  const { samples: n, dimensions: d, noiseStd: sigma, generations, runs } = options;
  if (n <= d + 1) throw new RangeError('samples must exceed dimensions + 1');
  const random = new SeededRandom(options.seed);
  const replaceError = new Float64Array(generations + 1);
  const accumulateError = new Float64Array(generations + 1);

  for (let run = 0; run < runs; run++) {
    const x = Array.from({ length: n }, () => Array.from({ length: d }, () => random.normal()));
    const truth = Array.from({ length: d }, () => random.normal());
    const gram = transposeTimes(x);
    let replaceWeights = truth;
    let accumulateWeights = truth;
    const stackedGram = zeros(d, d);
    const stackedRhs = new Array<number>(d).fill(0);
    for (let t = 0; t <= generations; t++) {
      const replaceLabels = labels(x, replaceWeights, sigma, random);
      replaceWeights = choleskySolve(gram, transposeTimesVector(x, replaceLabels));
      replaceError[t]! += squaredDistance(replaceWeights, truth);

      const accumulateLabels = labels(x, accumulateWeights, sigma, random);
      addInto(stackedGram, gram);
      const rhs = transposeTimesVector(x, accumulateLabels);
      for (let j = 0; j < d; j++) stackedRhs[j]! += rhs[j]!;
      accumulateWeights = choleskySolve(stackedGram, stackedRhs);
      accumulateError[t]! += squaredDistance(accumulateWeights, truth);
    }
    yield;
  }

  const base = (sigma * sigma * d) / (n - d - 1);
  let inverseSquares = 0;
  return Array.from({ length: generations + 1 }, (_, t) => {
    inverseSquares += 1 / (t + 1) ** 2;
    return {
      generation: t,
      replace: replaceError[t]! / runs,
      accumulate: accumulateError[t]! / runs,
      theoryReplace: (t + 1) * base,
      theoryAccumulate: base * inverseSquares,
    };
  });
}

function labels(x: number[][], weights: readonly number[], sigma: number, random: SeededRandom): number[] {
  return x.map((row) => row.reduce((sum, value, j) => sum + value * weights[j]!, 0) + sigma * random.normal());
}

function zeros(rows: number, columns: number): number[][] {
  return Array.from({ length: rows }, () => new Array<number>(columns).fill(0));
}

/** XᵀX. */
function transposeTimes(x: number[][]): number[][] {
  const d = x[0]!.length;
  const out = zeros(d, d);
  for (const row of x) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i]![j]! += row[i]! * row[j]!;
  return out;
}

/** Xᵀy. */
function transposeTimesVector(x: number[][], y: readonly number[]): number[] {
  const out = new Array<number>(x[0]!.length).fill(0);
  x.forEach((row, r) => {
    for (let j = 0; j < row.length; j++) out[j]! += row[j]! * y[r]!;
  });
  return out;
}

function addInto(target: number[][], addend: number[][]): void {
  target.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) row[j]! += addend[i]![j]!;
  });
}

function squaredDistance(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, i) => sum + (value - b[i]!) ** 2, 0);
}

/** Solves A w = b for symmetric positive definite A (the normal equations). */
function choleskySolve(a: number[][], b: readonly number[]): number[] {
  const d = b.length;
  const l = zeros(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (sum <= 0) throw new RangeError('matrix is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else l[i]![j] = sum / l[j]![j]!;
    }
  }
  const z = new Array<number>(d).fill(0);
  for (let i = 0; i < d; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * z[k]!;
    z[i] = sum / l[i]![i]!;
  }
  const w = new Array<number>(d).fill(0);
  for (let i = d - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < d; k++) sum -= l[k]![i]! * w[k]!;
    w[i] = sum / l[i]![i]!;
  }
  return w;
}
