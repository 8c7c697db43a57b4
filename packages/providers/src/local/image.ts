import { Canvas, type Shape } from './canvas.js';
import { ValueNoise } from './noise.js';
import { type Color, type Palette, paletteFor } from './palette.js';
import type { RgbImage } from './png.js';
import { hashString, mixSeeds, type Rng, seededRandom } from './random.js';
import { disk, glow, paintStars, paintVignette, panel, ridge, ring } from './shapes.js';

export type CanvasDetail = 'standard' | 'pro';

export interface CanvasOptions {
  prompt: string;
  seed: number;
  /** Width and height in pixels. */
  size: number;
  detail: CanvasDetail;
}

/**
 * A procedural painting of a prompt. The prompt (hashed, and through its words) and the seed fix
 * every choice: the palette, a noise-textured gradient sky, layered shapes (hills, waves, orbs,
 * rings, panels) picked partly by the prompt's words, and for `pro` twice the layers, finer noise,
 * a glow, stars at night and a vignette. The composition lives in unit coordinates, so one
 * prompt and seed give the same picture at every size.
 */
export function renderCanvas({ prompt, seed, size, detail }: CanvasOptions): RgbImage {
  const words = prompt.toLowerCase().match(/[a-z]+/g) ?? [];
  const random = seededRandom(mixSeeds(hashString(prompt), seed));
  const pro = detail === 'pro';
  const palette = paletteFor(words, random);
  const canvas = new Canvas(size);

  paintSky(canvas, palette, random, pro);
  if (pro && palette.key < 0.3) paintStars(canvas, random);
  for (const shape of compose(words, palette, random, pro)) shape(canvas);
  if (pro) paintVignette(canvas, 0.35);
  return canvas.toRgb(mixSeeds(seed, hashString(prompt)), pro ? 6 : 1);
}

function paintSky(canvas: Canvas, palette: Palette, random: Rng, pro: boolean): void {
  const { size, data } = canvas;
  const angle = random() * Math.PI * 2;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const noise = new ValueNoise(random, pro ? 5 : 3, 3).raster(size);
  const [from, to] = palette.background;
  const tint = palette.accents[2]!;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const pixel = y * size + x;
      const n = noise[pixel]!;
      const along = 0.5 + ((x / size - 0.5) * dx + (y / size - 0.5) * dy) * 0.9 + n * 0.12;
      const t = Math.min(1, Math.max(0, along));
      const s = t * t * (3 - 2 * t);
      const cloud = pro ? Math.max(0, n) * 0.35 : 0;
      const shade = 1 + n * 0.08;
      for (let c = 0; c < 3; c++) {
        const base = from[c]! + (to[c]! - from[c]!) * s;
        data[pixel * 3 + c] = (base + (tint[c]! - base) * cloud) * shade;
      }
    }
  }
}

const LANDSCAPE_WORDS = ['mountain', 'mountains', 'hill', 'hills', 'landscape', 'valley', 'field', 'desert', 'horizon'];
const WATER_WORDS = ['ocean', 'sea', 'lake', 'water', 'waves', 'wave', 'river', 'beach'];
const SKY_WORDS = ['sun', 'moon', 'planet', 'sunset', 'sunrise', 'star', 'orb'];
const CITY_WORDS = ['city', 'building', 'buildings', 'tower', 'robot', 'machine', 'street', 'house'];

/** The shapes to paint, back to front. */
function compose(words: readonly string[], palette: Palette, random: Rng, pro: boolean): Shape[] {
  const has = (list: readonly string[]) => words.some((word) => list.includes(word));
  const pick = (): Color => palette.accents[Math.floor(random() * palette.accents.length)]!;
  const scale = pro ? 2 : 1;
  const shapes: Shape[] = [];

  if (has(SKY_WORDS) || random() < 0.5) {
    const orb = { x: 0.2 + random() * 0.6, y: 0.15 + random() * 0.35, r: 0.08 + random() * 0.12 };
    const color = palette.accents[0]!;
    if (pro) shapes.push(glow(orb.x, orb.y, orb.r * 3.5, color));
    shapes.push(disk(orb.x, orb.y, orb.r, 0.006, color, 0.95));
  }
  const free = (pro ? 8 : 4) + Math.floor(random() * 4 * scale);
  for (let i = 0; i < free; i++) {
    const x = random();
    const y = random();
    const r = 0.03 + random() * 0.18;
    const kind = random();
    if (kind < 0.45) shapes.push(disk(x, y, r, 0.004 + random() * 0.05, pick(), 0.25 + random() * 0.5));
    else if (kind < 0.75) shapes.push(ring(x, y, r, 0.004 + random() * 0.02, pick(), 0.4 + random() * 0.5));
    else shapes.push(panel(x, y, r, r * (0.3 + random()), random() * Math.PI, pick(), 0.3 + random() * 0.5));
  }
  const hills = has(LANDSCAPE_WORDS) ? 3 + Math.floor(random() * 2) : random() < 0.6 ? 1 + Math.floor(random() * 2) : 0;
  for (let i = 0; i < hills * scale; i++) {
    const level = 0.45 + ((i + 1) / (hills * scale + 1)) * 0.45;
    shapes.push(ridge(level, 0.03 + random() * 0.1, 1 + random() * 3, random, pick(), pro ? 4 : 2));
  }
  if (has(WATER_WORDS)) {
    const waves = 3 * scale;
    for (let i = 0; i < waves; i++) {
      shapes.push(ridge(0.6 + (i / waves) * 0.35, 0.01 + random() * 0.02, 6 + random() * 10, random, pick(), 1));
    }
  }
  if (has(CITY_WORDS)) {
    const buildings = 6 * scale + Math.floor(random() * 6);
    for (let i = 0; i < buildings; i++) {
      const width = 0.03 + random() * 0.06;
      const height = 0.15 + random() * 0.4;
      shapes.push(panel(random(), 1 - height / 2, width, height / 2, 0, pick(), 0.85));
    }
  }
  return shapes;
}
