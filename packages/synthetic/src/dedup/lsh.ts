/**
 * Banding for locality-sensitive hashing. A signature of b·r values is cut into b bands of r rows;
 * two texts become candidates when any band matches exactly. For true Jaccard similarity s the
 * probability of that is the S-curve
 *
 *     P(s) = 1 − (1 − s^r)^b,
 *
 * which rises steepest near s ≈ (1/b)^(1/r). We pick b and r for a threshold t by minimising
 * w·FN + (1 − w)·FP, with FN = ∫_t^1 (1 − P(s)) ds and FP = ∫_0^t P(s) ds. Every candidate is verified
 * against the estimated Jaccard afterwards, so a false positive costs one signature comparison while
 * a false negative is a missed duplicate: w defaults to 0.9. For t = 0.8 and 128 permutations this
 * gives b = 14, r = 9: P(0.7) = 0.44, P(0.8) = 0.87, P(0.85) = 0.975, P(0.9) = 0.999.
 */

export interface Banding {
  bands: number;
  rows: number;
}

export const DEFAULT_FALSE_NEGATIVE_WEIGHT = 0.9;

/** The probability that two texts with Jaccard similarity `similarity` share at least one band. */
export function candidateProbability(similarity: number, { bands, rows }: Banding): number {
  return 1 - (1 - similarity ** rows) ** bands;
}

/** The banding that minimises the weighted false-negative and false-positive areas under the S-curve. */
export function chooseBanding(
  threshold: number,
  numPerm: number,
  falseNegativeWeight = DEFAULT_FALSE_NEGATIVE_WEIGHT,
): Banding {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError('threshold must be in (0, 1)');
  let best: Banding = { bands: 1, rows: numPerm };
  let bestCost = Number.POSITIVE_INFINITY;
  for (let bands = 1; bands <= numPerm; bands++) {
    for (let rows = 1; bands * rows <= numPerm; rows++) {
      const banding = { bands, rows };
      const falsePositive = integrate((s) => candidateProbability(s, banding), 0, threshold);
      const falseNegative = integrate((s) => 1 - candidateProbability(s, banding), threshold, 1);
      const cost = falseNegativeWeight * falseNegative + (1 - falseNegativeWeight) * falsePositive;
      if (cost < bestCost) {
        bestCost = cost;
        best = banding;
      }
    }
  }
  return best;
}

/** Composite Simpson's rule; the integrands here are smooth polynomials. */
function integrate(f: (x: number) => number, from: number, to: number, intervals = 200): number {
  const h = (to - from) / intervals;
  let sum = f(from) + f(to);
  for (let i = 1; i < intervals; i++) sum += f(from + i * h) * (i % 2 === 0 ? 2 : 4);
  return (sum * h) / 3;
}
