import { type Discounts, discountFor } from './kneser-ney.js';
import type { Rng } from './random.js';

/** One interpolation step of the next-word distribution: a context node's children and its weights. */
export interface InterpolationLayer {
  words: Int32Array;
  counts: Int32Array;
  start: number;
  end: number;
  total: number;
  backoffMass: number;
  discounts: Discounts;
}

export interface SamplingParams {
  /** 0 picks the most probable word. */
  temperature: number;
  topP: number;
  /** Word id → factor its probability is multiplied by (before temperature). */
  boosts: ReadonlyMap<number, number>;
  /** Word ids never to produce. */
  banned: readonly number[];
}

interface TemperedBase {
  values: Float64Array;
  sum: number;
}

const MAX_CACHED_TEMPERATURES = 16;

/**
 * Draws the next word without materialising the whole distribution. Interpolated Kneser–Ney gives
 * P(w) = scale · (base(w) + extra(w)), where base is the lowest-order distribution (fixed per model)
 * and extra is non-zero only for the children of the current contexts. So a step costs time in the
 * number of those children, not in the vocabulary: words outside them keep their order by base,
 * which is sorted once, and temperature-scaled base weights are cached per temperature.
 */
export class WordSampler {
  private readonly extra: Float64Array;
  private readonly weight: Float64Array;
  private readonly mark: Uint32Array;
  private readonly touched: Int32Array;
  private readonly sortBuffer: Float64Array;
  private touchedCount = 0;
  private epoch = 0;
  private readonly untempered: TemperedBase;
  private readonly tempered = new Map<number, TemperedBase>();

  /** `base` is the lowest-order distribution; `baseOrder` its word ids by decreasing probability. */
  constructor(
    private readonly base: Float64Array,
    private readonly baseOrder: Int32Array,
  ) {
    const size = base.length;
    this.extra = new Float64Array(size);
    this.weight = new Float64Array(size);
    this.mark = new Uint32Array(size);
    this.touched = new Int32Array(size);
    this.sortBuffer = new Float64Array(size);
    this.untempered = { values: base, sum: base.reduce((sum, p) => sum + p, 0) };
  }

  /** `layers` go from the shortest context to the longest. */
  sample(layers: readonly InterpolationLayer[], params: SamplingParams, random: Rng): number {
    this.startStep();
    let scale = 1;
    for (const layer of layers) {
      scale *= layer.backoffMass / layer.total;
      for (let i = layer.start; i < layer.end; i++) {
        const count = layer.counts[i]!;
        const kept = count - discountFor(layer.discounts, count);
        if (kept > 0) this.extra[this.touch(layer.words[i]!)]! += kept / layer.total / scale;
      }
    }
    for (const word of params.boosts.keys()) this.touch(word);
    for (const word of params.banned) this.touch(word);

    const greedy = params.temperature === 0;
    const exponent = greedy ? 1 : 1 / params.temperature;
    const baseWeights = this.temperedBase(exponent);
    let total = baseWeights.sum;
    for (let i = 0; i < this.touchedCount; i++) {
      const word = this.touched[i]!;
      const p = this.base[word]! + this.extra[word]!;
      const weight = exponent === 1 ? p : p ** exponent;
      this.weight[word] = weight;
      total += weight - baseWeights.values[word]!;
    }
    for (const [word, factor] of params.boosts) {
      const boosted = this.weight[word]! * factor ** exponent;
      total += boosted - this.weight[word]!;
      this.weight[word] = boosted;
    }
    for (const word of params.banned) {
      total -= this.weight[word]!;
      this.weight[word] = 0;
    }

    if (greedy) return this.mostLikely(baseWeights.values);
    const threshold = params.topP < 1 ? this.nucleusThreshold(params.topP * total, baseWeights.values) : 0;
    const mass = threshold > 0 ? this.massAtLeast(threshold, baseWeights.values) : total;
    return this.draw(random() * mass, threshold, baseWeights.values);
  }

  private startStep(): void {
    this.touchedCount = 0;
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.mark.fill(0);
      this.epoch = 1;
    }
  }

  private touch(word: number): number {
    if (this.mark[word] !== this.epoch) {
      this.mark[word] = this.epoch;
      this.extra[word] = 0;
      this.weight[word] = 0;
      this.touched[this.touchedCount++] = word;
    }
    return word;
  }

  private isTouched(word: number): boolean {
    return this.mark[word] === this.epoch;
  }

  /** base^(1/T) for every word: computed once per temperature, since it does not depend on the context. */
  private temperedBase(exponent: number): TemperedBase {
    if (exponent === 1) return this.untempered;
    let cached = this.tempered.get(exponent);
    if (!cached) {
      if (this.tempered.size >= MAX_CACHED_TEMPERATURES) this.tempered.clear();
      const values = this.base.map((p) => p ** exponent);
      cached = { values, sum: values.reduce((sum, p) => sum + p, 0) };
      this.tempered.set(exponent, cached);
    }
    return cached;
  }

  private mostLikely(baseWeights: Float64Array): number {
    let best = -1;
    let bestWeight = -1;
    for (let i = 0; i < this.touchedCount; i++) {
      const word = this.touched[i]!;
      if (this.weight[word]! > bestWeight) {
        best = word;
        bestWeight = this.weight[word]!;
      }
    }
    for (const word of this.baseOrder) {
      if (this.isTouched(word)) continue;
      return baseWeights[word]! > bestWeight ? word : best;
    }
    return best;
  }

  /** The smallest weight inside the nucleus: the top words whose weights add up to `target`. */
  private nucleusThreshold(target: number, baseWeights: Float64Array): number {
    const sorted = this.sortBuffer.subarray(0, this.touchedCount);
    for (let i = 0; i < this.touchedCount; i++) sorted[i] = this.weight[this.touched[i]!]!;
    sorted.sort();
    let fromTouched = sorted.length - 1;
    let fromBase = 0;
    let cumulative = 0;
    while (true) {
      while (fromBase < this.baseOrder.length && this.isTouched(this.baseOrder[fromBase]!)) fromBase++;
      const touchedNext = fromTouched >= 0 ? sorted[fromTouched]! : -1;
      const baseNext = fromBase < this.baseOrder.length ? baseWeights[this.baseOrder[fromBase]!]! : -1;
      // NaN-safe: a vanishing temperature makes weights NaN (0 · ∞), and NaN ≤ 0 is false, which looped forever.
      if (!(touchedNext > 0) && !(baseNext > 0)) return Number.MIN_VALUE;
      let next: number;
      if (touchedNext >= baseNext) {
        next = touchedNext;
        fromTouched--;
      } else {
        next = baseNext;
        fromBase++;
      }
      cumulative += next;
      if (cumulative >= target) return next;
    }
  }

  private massAtLeast(threshold: number, baseWeights: Float64Array): number {
    let mass = 0;
    for (let i = 0; i < this.touchedCount; i++) {
      const weight = this.weight[this.touched[i]!]!;
      if (weight >= threshold) mass += weight;
    }
    for (const word of this.baseOrder) {
      if (this.isTouched(word)) continue;
      const weight = baseWeights[word]!;
      if (weight < threshold) break;
      mass += weight;
    }
    return mass;
  }

  /** Walks the candidates with weight ≥ threshold (> 0) until `target` is used up. */
  private draw(target: number, threshold: number, baseWeights: Float64Array): number {
    let remaining = target;
    let last = -1;
    for (let i = 0; i < this.touchedCount; i++) {
      const word = this.touched[i]!;
      const weight = this.weight[word]!;
      if (weight <= 0 || weight < threshold) continue;
      last = word;
      remaining -= weight;
      if (remaining < 0) return word;
    }
    for (const word of this.baseOrder) {
      if (this.isTouched(word)) continue;
      const weight = baseWeights[word]!;
      if (weight <= 0 || weight < threshold) break;
      last = word;
      remaining -= weight;
      if (remaining < 0) return word;
    }
    return last;
  }
}
