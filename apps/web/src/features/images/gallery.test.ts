import { describe, expect, it } from 'vitest';
import { describeImage } from './gallery';

describe('describeImage', () => {
  it('names an image by its size, model and when it was made, since prompts are not stored', () => {
    const text = describeImage({ created: Date.UTC(2026, 2, 1, 12, 0) / 1000, model: 'sw-canvas', size: '256x256' });
    expect(text).toMatch(/^256x256 image by sw-canvas, Mar 1, 2026/);
  });
});
