import { describe, expect, it } from 'vitest';
import { describeReset, formatDuration, formatMoney, usedShare } from './format';

describe('formatting', () => {
  it('says waits as people do, never understating them', () => {
    expect([0, 44.2, 60, 61, 3_600, 3_601, 11_520].map(formatDuration)).toEqual([
      '0 s',
      '45 s',
      '1 min',
      '2 min',
      '1 h',
      '1 h 1 min',
      '3 h 12 min',
    ]);
  });

  it('formats prices from minor units', () => {
    expect(formatMoney(800, 'usd')).toBe('$8.00');
    expect(formatMoney(0, 'eur')).toBe('€0.00');
  });

  it('describes when a daily quota resets', () => {
    const now = Date.parse('2026-11-26T20:48:00Z');
    expect(describeReset('2026-11-27T00:00:00Z', now)).toBe('resets in 3 h 12 min (00:00 UTC)');
  });

  it('clamps the share of a quota used', () => {
    expect([usedShare(5, 20), usedShare(30, 20), usedShare(0, 0), usedShare(1, 0)]).toEqual([0.25, 1, 0, 1]);
  });
});
