import { describe, expect, it } from 'vitest';
import { runRegressionLab } from './regression.js';

describe('runRegressionLab', () => {
  const n = 30;
  const d = 5;
  const points = runRegressionLab({ samples: n, dimensions: d, noiseStd: 1, generations: 10, runs: 1000, seed: 2 });
  const base = d / (n - d - 1);

  it('matches the closed forms for replace and accumulate', () => {
    for (const point of points) {
      expect(point.theoryReplace).toBeCloseTo((point.generation + 1) * base, 12);
      expect(Math.abs(point.replace / point.theoryReplace - 1)).toBeLessThan(0.12);
      expect(Math.abs(point.accumulate / point.theoryAccumulate - 1)).toBeLessThan(0.12);
    }
  });

  it('grows linearly when each generation replaces the data', () => {
    // Least-squares slope of error against generation ≈ σ² d / (n − d − 1).
    const meanT = points.reduce((a, p) => a + p.generation, 0) / points.length;
    const meanE = points.reduce((a, p) => a + p.replace, 0) / points.length;
    const slope =
      points.reduce((a, p) => a + (p.generation - meanT) * (p.replace - meanE), 0) /
      points.reduce((a, p) => a + (p.generation - meanT) ** 2, 0);
    expect(slope / base).toBeGreaterThan(0.85);
    expect(slope / base).toBeLessThan(1.15);
    expect(points[10]!.replace / points[0]!.replace).toBeGreaterThan(8);
  });

  it('stays bounded by π²/6 times the first error when data accumulates', () => {
    for (const point of points) expect(point.theoryAccumulate).toBeLessThan((Math.PI ** 2 / 6) * base);
    expect(points[10]!.accumulate).toBeLessThan(1.12 * (Math.PI ** 2 / 6) * base);
    expect(points[10]!.accumulate / points[0]!.accumulate).toBeLessThan(1.8);
  });

  it('needs more samples than dimensions + 1', () => {
    expect(() =>
      runRegressionLab({ samples: 6, dimensions: 5, noiseStd: 1, generations: 1, runs: 1, seed: 1 }),
    ).toThrow(RangeError);
  });
});
