import type { NgramCounts } from './corpus.js';

/**
 * Jensen-Shannon divergence in bits between two empirical distributions over the same id space:
 * JSD(P, Q) = ½ KL(P ‖ M) + ½ KL(Q ‖ M) with M = ½ (P + Q). It lies in [0, 1]: 0 for identical
 * distributions, 1 for disjoint supports. Unlike KL it is finite when one side has unseen n-grams.
 */
export function jensenShannon(p: NgramCounts, q: NgramCounts): number {
  if (p.total === 0 || q.total === 0) return p.total === q.total ? 0 : 1;
  const length = Math.max(p.counts.length, q.counts.length);
  let divergence = 0;
  for (let i = 0; i < length; i++) {
    const pi = (p.counts[i] ?? 0) / p.total;
    const qi = (q.counts[i] ?? 0) / q.total;
    if (pi === 0 && qi === 0) continue;
    const mi = (pi + qi) / 2;
    if (pi > 0) divergence += pi * Math.log2(pi / mi);
    if (qi > 0) divergence += qi * Math.log2(qi / mi);
  }
  return Math.min(1, Math.max(0, divergence / 2));
}

export const DEFAULT_TAIL_MASS = 0.1;

export interface TailCoverage {
  /** Share of the anchor's tail word types that occur in the candidate set. */
  coverage: number;
  /** Number of word types in the tail. */
  tailSize: number;
  /** The tail is every type occurring at most this many times in the anchor. */
  maxCount: number;
}

/**
 * Tail coverage. The tail of the anchor (human) set is every word type whose count is at most c*,
 * where c* is the largest count such that the types occurring ≤ c* times together hold at most
 * `tailMass` of the anchor's tokens (and at least 1: hapaxes are always tail). Coverage is the share
 * of those types that appear at least once in the candidate set. Rare words are what recursive
 * training loses first (Shumailov et al. 2024), so a falling coverage is an early sign of collapse.
 */
export function tailCoverage(anchor: NgramCounts, candidate: NgramCounts, tailMass = DEFAULT_TAIL_MASS): TailCoverage {
  const maxCount = tailMaxCount(anchor, tailMass);
  let tailSize = 0;
  let covered = 0;
  for (let i = 0; i < anchor.counts.length; i++) {
    const count = anchor.counts[i]!;
    if (count > 0 && count <= maxCount) {
      tailSize++;
      if ((candidate.counts[i] ?? 0) > 0) covered++;
    }
  }
  return { coverage: tailSize === 0 ? 0 : covered / tailSize, tailSize, maxCount };
}

function tailMaxCount({ counts, total }: NgramCounts, tailMass: number): number {
  const massByCount = new Map<number, number>();
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count > 0) massByCount.set(count, (massByCount.get(count) ?? 0) + count);
  }
  let cumulative = 0;
  let maxCount = 1;
  for (const count of [...massByCount.keys()].sort((a, b) => a - b)) {
    cumulative += massByCount.get(count)!;
    if (cumulative > tailMass * total) break;
    maxCount = count;
  }
  return maxCount;
}
