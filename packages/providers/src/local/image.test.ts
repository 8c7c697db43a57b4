import { describe, expect, it } from 'vitest';
import { decodeRgbPng } from '../testing/png-reader.js';
import { renderCanvas } from './image.js';
import { encodePng } from './png.js';

/** Mean absolute difference per channel, 0..255. */
function difference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('renderCanvas', () => {
  const render = (prompt: string, seed: number, detail: 'standard' | 'pro' = 'standard', size = 256) =>
    encodePng(renderCanvas({ prompt, seed, size, detail }));

  it('gives byte-identical PNGs for the same prompt and seed', () => {
    expect(render('a lighthouse at dusk', 7)).toEqual(render('a lighthouse at dusk', 7));
    expect(render('a lighthouse at dusk', 7, 'pro')).toEqual(render('a lighthouse at dusk', 7, 'pro'));
  });

  it('paints visibly different pictures for different prompts, seeds and detail levels', () => {
    const base = renderCanvas({ prompt: 'a lighthouse at dusk', seed: 7, size: 256, detail: 'standard' }).pixels;
    const others = [
      renderCanvas({ prompt: 'a forest of green pines', seed: 7, size: 256, detail: 'standard' }),
      renderCanvas({ prompt: 'a lighthouse at dusk', seed: 8, size: 256, detail: 'standard' }),
      renderCanvas({ prompt: 'a lighthouse at dusk', seed: 7, size: 256, detail: 'pro' }),
    ];
    for (const other of others) expect(difference(base, other.pixels)).toBeGreaterThan(10);
  });

  it('takes its hue from colour words in the prompt', () => {
    const mean = (pixels: Uint8Array, channel: number) => {
      let sum = 0;
      for (let i = channel; i < pixels.length; i += 3) sum += pixels[i]!;
      return sum / (pixels.length / 3);
    };
    let redder = 0;
    for (let seed = 0; seed < 6; seed++) {
      const red = renderCanvas({ prompt: 'red', seed, size: 64, detail: 'standard' }).pixels;
      const blue = renderCanvas({ prompt: 'blue', seed, size: 64, detail: 'standard' }).pixels;
      if (mean(red, 0) - mean(red, 2) > mean(blue, 0) - mean(blue, 2)) redder++;
    }
    expect(redder).toBe(6);
  });

  it.each([256, 512, 1024])('renders a %i-pixel square PNG that decodes to that size', (size) => {
    const image = decodeRgbPng(render('mountains under the moon', 3, 'pro', size));
    expect([image.width, image.height]).toEqual([size, size]);
  });
});
