import { describe, expect, it } from 'vitest';
import { stableStringify } from './hash.js';
import { deriveSeed, SeededRandom } from './random.js';

describe('SeededRandom', () => {
  it('replays the same stream from the same seed, numeric or string', () => {
    const draw = (seed: number | string) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw('job_1')).toEqual(draw('job_1'));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws uniform floats, integers in range and standard normals', () => {
    const random = new SeededRandom(1);
    const n = 20_000;
    const floats = Array.from({ length: n }, () => random.next());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect(floats.reduce((a, b) => a + b, 0) / n).toBeCloseTo(0.5, 1);
    const dice = new Set(Array.from({ length: 200 }, () => random.int(6)));
    expect([...dice].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const normals = Array.from({ length: n }, () => random.normal());
    const mean = normals.reduce((a, b) => a + b, 0) / n;
    const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffles into a permutation without touching the input', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new SeededRandom(3).shuffle(input);
    expect(shuffled).not.toEqual(input);
    expect([...shuffled].sort()).toEqual(input);
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses to pick from an empty list', () => {
    expect(() => new SeededRandom(1).pick([])).toThrow(RangeError);
  });
});

describe('deriveSeed', () => {
  it('gives every path its own seed, independent of the order paths are used', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, attempt) => deriveSeed(42, attempt)));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(42, 7)).toBe(deriveSeed(42, 7));
    expect(deriveSeed(42, 7)).not.toBe(deriveSeed(43, 7));
    expect(deriveSeed(0, 0)).not.toBe(0);
  });
});

describe('stableStringify', () => {
  it('sorts object keys at every depth', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
