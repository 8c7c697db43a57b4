import { describe, expect, it } from 'vitest';
import { linear, niceCeiling, shortNumber, ticks } from './scale';

describe('chart scales', () => {
  it('rounds axis maxima up to nice numbers', () => {
    expect([0, 0.7, 1, 3, 7, 50, 51, 180, 2001].map(niceCeiling)).toEqual([1, 1, 1, 5, 10, 50, 100, 200, 2500]);
    expect(ticks(180)).toEqual([0, 50, 100, 150, 200]);
  });

  it('maps values onto pixels with y growing upwards', () => {
    const y = linear([0, 100], [200, 0]);
    expect([y(0), y(50), y(100)]).toEqual([200, 100, 0]);
  });

  it('abbreviates large tick labels', () => {
    expect([5, 0.25, 1_200, 20_000, 2_500_000].map(shortNumber)).toEqual(['5', '0.25', '1.2k', '20k', '2.5M']);
  });
});
