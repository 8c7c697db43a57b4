import type { Rng } from './random.js';

/**
 * Fractal value noise on the unit square: random values on a lattice per octave, blended with a
 * smoothstep, each octave twice the frequency and half the amplitude. Sampling a whole raster at
 * once precomputes the lattice cell and weight of every column and row, so each pixel costs four
 * lattice reads per octave.
 */
export class ValueNoise {
  private readonly lattices: Float32Array[];

  constructor(
    random: Rng,
    private readonly octaves: number,
    private readonly baseCells: number,
  ) {
    this.lattices = Array.from({ length: octaves }, (_, octave) => {
      const cells = baseCells << octave;
      return Float32Array.from({ length: (cells + 1) * (cells + 1) }, () => random() * 2 - 1);
    });
  }

  /**
   * Noise in about [-1, 1] for every pixel of a size × size raster, row-major. Above 256 pixels it
   * is computed at 256 and scaled up bilinearly: the noise is smooth at that scale, and it keeps a
   * 1024 × 1024 canvas cheap.
   */
  raster(size: number): Float32Array {
    if (size <= MAX_DIRECT_SIZE) return this.direct(size, size);
    return upscale(this.direct(MAX_DIRECT_SIZE, MAX_DIRECT_SIZE), MAX_DIRECT_SIZE, size);
  }

  private direct(width: number, height: number): Float32Array {
    const out = new Float32Array(width * height);
    let amplitude = 1;
    let totalAmplitude = 0;
    for (let octave = 0; octave < this.octaves; octave++) {
      const cells = this.baseCells << octave;
      const lattice = this.lattices[octave]!;
      const columns = cellWeights(width, cells);
      const rows = cellWeights(height, cells);
      const stride = cells + 1;
      for (let y = 0; y < height; y++) {
        const row0 = rows.cell[y]! * stride;
        const row1 = row0 + stride;
        const ty = rows.weight[y]!;
        for (let x = 0; x < width; x++) {
          const cx = columns.cell[x]!;
          const tx = columns.weight[x]!;
          const top = lattice[row0 + cx]! + (lattice[row0 + cx + 1]! - lattice[row0 + cx]!) * tx;
          const bottom = lattice[row1 + cx]! + (lattice[row1 + cx + 1]! - lattice[row1 + cx]!) * tx;
          out[y * width + x]! += amplitude * (top + (bottom - top) * ty);
        }
      }
      totalAmplitude += amplitude;
      amplitude /= 2;
    }
    for (let i = 0; i < out.length; i++) out[i]! /= totalAmplitude;
    return out;
  }
}

const MAX_DIRECT_SIZE = 256;

function upscale(source: Float32Array, from: number, to: number): Float32Array {
  const out = new Float32Array(to * to);
  const axis = Array.from({ length: to }, (_, i) => {
    const position = Math.min(from - 1, Math.max(0, ((i + 0.5) * from) / to - 0.5));
    const index = Math.min(from - 2, Math.floor(position));
    return { index, t: position - index };
  });
  for (let y = 0; y < to; y++) {
    const { index: sy, t: ty } = axis[y]!;
    for (let x = 0; x < to; x++) {
      const { index: sx, t: tx } = axis[x]!;
      const i = sy * from + sx;
      const top = source[i]! + (source[i + 1]! - source[i]!) * tx;
      const bottom = source[i + from]! + (source[i + from + 1]! - source[i + from]!) * tx;
      out[y * to + x] = top + (bottom - top) * ty;
    }
  }
  return out;
}

function cellWeights(pixels: number, cells: number): { cell: Int32Array; weight: Float32Array } {
  const cell = new Int32Array(pixels);
  const weight = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const position = ((i + 0.5) / pixels) * cells;
    const index = Math.min(cells - 1, Math.floor(position));
    const t = position - index;
    cell[i] = index;
    weight[i] = t * t * (3 - 2 * t);
  }
  return { cell, weight };
}
