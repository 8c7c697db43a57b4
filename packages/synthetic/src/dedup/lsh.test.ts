import { describe, expect, it } from 'vitest';
import { candidateProbability, chooseBanding } from './lsh.js';

describe('chooseBanding', () => {
  it('picks 14 bands of 9 rows for a 0.8 threshold and 128 permutations', () => {
    expect(chooseBanding(0.8, 128)).toEqual({ bands: 14, rows: 9 });
  });

  it('balances false positives and negatives equally when asked to', () => {
    expect(chooseBanding(0.8, 128, 0.5)).toEqual({ bands: 9, rows: 13 });
  });

  it('uses more, shorter bands for a lower threshold', () => {
    const low = chooseBanding(0.5, 128);
    const high = chooseBanding(0.9, 128);
    expect(low.rows).toBeLessThan(high.rows);
  });
});

describe('candidateProbability', () => {
  it('follows the S-curve 1 − (1 − s^r)^b', () => {
    const banding = { bands: 14, rows: 9 };
    expect(candidateProbability(0.9, banding)).toBeGreaterThan(0.99);
    expect(candidateProbability(0.8, banding)).toBeCloseTo(0.867, 3);
    expect(candidateProbability(0.5, banding)).toBeLessThan(0.03);
    expect(candidateProbability(0, banding)).toBe(0);
    expect(candidateProbability(1, banding)).toBe(1);
  });
});
