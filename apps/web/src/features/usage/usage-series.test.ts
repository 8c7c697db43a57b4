import { describe, expect, it } from 'vitest';
import { addToGallery, imageFileName } from '../images/gallery';
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

describe('image gallery', () => {
  const image = (url: string) => ({ id: url, url, prompt: 'p', size: '256x256', model: 'sw-canvas', createdAt: '' });

  it('puts new images first without duplicates, keeping at most 60', () => {
    const old = Array.from({ length: 60 }, (_, index) => image(`u${index}`));
    const next = addToGallery(old, [image('new'), image('u0')]);
    expect(next).toHaveLength(60);
    expect(next.slice(0, 3).map((entry) => entry.url)).toEqual(['new', 'u0', 'u1']);
  });

  it('names downloads after the image id', () => {
    expect(imageFileName('http://localhost:4000/v1/images/files/img_abc123.png?expires=1&sig=x')).toBe(
      'img_abc123.png',
    );
  });
});
