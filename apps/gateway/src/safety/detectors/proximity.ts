import type { Span } from '../types.js';

/** Pairs of spans, one from each list, whose gap is at most `maxGap` characters, merged into one span each. */
export function near(first: readonly Span[], second: readonly Span[], maxGap: number): Span[] {
  const pairs: Span[] = [];
  for (const a of first) {
    for (const b of second) {
      const gap = a[0] < b[0] ? b[0] - a[1] : a[0] - b[1];
      if (gap <= maxGap) pairs.push([Math.min(a[0], b[0]), Math.max(a[1], b[1])]);
    }
  }
  return pairs;
}
