import { describe, expect, it } from 'vitest';
import { dailySeries, lastDays, type UsageRow } from './usage-series';

const row = (day: string, feature: UsageRow['feature'], units: number): UsageRow => ({
  day,
  feature,
  model: 'm',
  requests: feature === 'chat' ? units : 1,
  images: feature === 'image' ? units : 0,
  records: feature === 'synthetic' ? units : 0,
});

describe('usage series', () => {
  it('lists the last days in UTC, oldest first', () => {
    expect(lastDays(3, new Date('2026-03-01T23:30:00Z'))).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('sums quota units per day across models, with zero for quiet days', () => {
    const days = ['2026-01-01', '2026-01-02', '2026-01-03'];
    const rows = [
      row('2026-01-01', 'image', 3),
      row('2026-01-01', 'image', 2),
      row('2026-01-03', 'image', 1),
      row('2026-01-03', 'chat', 9),
    ];
    expect(dailySeries(rows, 'image', days)).toEqual([5, 0, 1]);
    expect(dailySeries(rows, 'chat', days)).toEqual([0, 0, 9]);
  });
});
