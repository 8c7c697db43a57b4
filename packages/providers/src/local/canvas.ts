import type { Color } from './palette.js';
import type { RgbImage } from './png.js';

/** Something painted onto a canvas, in the canvas's unit coordinates. */
export type Shape = (canvas: Canvas) => void;

/** A square of linear RGB floats that shapes paint into, before it becomes 8-bit pixels. */
export class Canvas {
  readonly data: Float32Array;

  constructor(readonly size: number) {
    this.data = new Float32Array(size * size * 3);
  }

  /** Mixes `color` into pixel i with the given opacity. */
  blend(pixel: number, color: Color, alpha: number): void {
    const i = pixel * 3;
    const data = this.data;
    data[i] = data[i]! + (color[0] - data[i]!) * alpha;
    data[i + 1] = data[i + 1]! + (color[1] - data[i + 1]!) * alpha;
    data[i + 2] = data[i + 2]! + (color[2] - data[i + 2]!) * alpha;
  }

  /** Pixel range [from, to) covering unit coordinates [lo, hi], clipped to the canvas. */
  span(lo: number, hi: number): [number, number] {
    return [Math.max(0, Math.floor(lo * this.size)), Math.min(this.size, Math.ceil(hi * this.size))];
  }

  /**
   * 8-bit RGB with a little grain: one hashed offset per pixel (in 1/255 steps) for all three
   * channels, like film grain; it also hides banding in gradients.
   */
  toRgb(seed: number, grain: number): RgbImage {
    const clamped = new Uint8ClampedArray(this.data.length);
    for (let pixel = 0, i = 0; i < this.data.length; pixel++, i += 3) {
      let hash = Math.imul(pixel ^ seed, 0x9e3779b1);
      hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
      const noise = ((hash >>> 8) / 16777216 - 0.5) * grain;
      clamped[i] = this.data[i]! * 255 + noise;
      clamped[i + 1] = this.data[i + 1]! * 255 + noise;
      clamped[i + 2] = this.data[i + 2]! * 255 + noise;
    }
    return { width: this.size, height: this.size, pixels: new Uint8Array(clamped.buffer) };
  }
}

export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}
