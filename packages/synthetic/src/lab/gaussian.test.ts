import { describe, expect, it } from 'vitest';
import { runGaussianLab } from './gaussian.js';

describe('runGaussianLab', () => {
  const lab = runGaussianLab({ samplesPerGeneration: 50, generations: 30, runs: 4000, seed: 1 });

  it('starts from the original distribution', () => {
    expect(lab.points[0]).toEqual({ generation: 0, medianStd: 1, meanVariance: 1, theoryVariance: 1 });
  });

  it('loses variance as σ₀² ((M − 1)/M)^t, within sampling error', () => {
    // The relative standard error of the mean over 4,000 runs is at most 2.4% at t = 30.
    for (const point of lab.points) {
      expect(point.theoryVariance).toBeCloseTo(0.98 ** point.generation, 12);
      expect(Math.abs(point.meanVariance / point.theoryVariance - 1)).toBeLessThan(0.08);
    }
    expect(lab.points[30]!.meanVariance).toBeLessThan(0.6);
  });

  it('shows the typical run collapsing: the median standard deviation keeps falling', () => {
    const medians = lab.points.map((p) => p.medianStd);
    expect(medians[10]!).toBeLessThan(medians[0]!);
    expect(medians[30]!).toBeLessThan(medians[10]!);
    expect(medians[30]!).toBeLessThan(0.8);
  });

  it('is reproducible from its seed', () => {
    const again = runGaussianLab({ samplesPerGeneration: 10, generations: 3, runs: 5, seed: 7 });
    expect(again).toEqual(runGaussianLab({ samplesPerGeneration: 10, generations: 3, runs: 5, seed: 7 }));
  });
});
