import type { TrieLevel } from './ngram-trie.js';

/** Discounts for counts 1, 2 and 3+ (modified Kneser–Ney; all equal for the plain variant). */
export type Discounts = readonly [d1: number, d2: number, d3plus: number];

/**
 * Chen & Goodman's modified Kneser–Ney discounts, estimated from the level's count-of-counts:
 * Y = n1/(n1+2·n2), D1 = 1−2Y·n2/n1, D2 = 2−3Y·n3/n2, D3+ = 3−4Y·n4/n3. Tiny corpora can leave a
 * count-of-counts empty or push an estimate outside (0, c); that discount then takes KenLM's
 * fallback value (0.5, 1 or 1.5).
 */
export function estimateDiscounts(counts: Int32Array): Discounts {
  const n = [0, 0, 0, 0, 0];
  for (const count of counts) if (count >= 1 && count <= 4) n[count]! += 1;
  const [, n1, n2, n3, n4] = n as [number, number, number, number, number];
  const y = n1 / (n1 + 2 * n2);
  const valid = (d: number, c: number) => (Number.isFinite(d) && d > 0 && d < c ? d : FALLBACK_DISCOUNTS[c - 1]!);
  return [valid(1 - (2 * y * n2) / n1, 1), valid(2 - (3 * y * n3) / n2, 2), valid(3 - (4 * y * n4) / n3, 3)];
}

const FALLBACK_DISCOUNTS: Discounts = [0.5, 1, 1.5];

export function discountFor(discounts: Discounts, count: number): number {
  return count >= 3 ? discounts[2] : count === 2 ? discounts[1] : count === 1 ? discounts[0] : 0;
}

/**
 * Per context node: the total of its children's counts and the numerator of its interpolation
 * weight, Σ D(c) over its children, so that P(w|h) = (max(c(hw) − D, 0) + γ·P(w|h')) / total(h).
 */
export interface ContextStats {
  total: Float64Array;
  backoffMass: Float64Array;
}

export function contextStats(parent: TrieLevel, children: TrieLevel, discounts: Discounts): ContextStats {
  const nodeCount = parent.words.length;
  const total = new Float64Array(nodeCount);
  const backoffMass = new Float64Array(nodeCount);
  const childStart = parent.childStart;
  if (!childStart) return { total, backoffMass };
  for (let node = 0; node < nodeCount; node++) {
    let sum = 0;
    let mass = 0;
    for (let child = childStart[node]!; child < childStart[node + 1]!; child++) {
      const count = children.counts[child]!;
      sum += count;
      mass += discountFor(discounts, count);
    }
    total[node] = sum;
    backoffMass[node] = mass;
  }
  return { total, backoffMass };
}
