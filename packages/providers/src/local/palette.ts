import type { Rng } from './random.js';

/** Linear RGB in 0..1. */
export type Color = readonly [r: number, g: number, b: number];

/** Words that pick the palette's hue (degrees), so "a red sunset" looks red and "the ocean" blue. */
const HUE_WORDS: Readonly<Record<string, number>> = {
  red: 0,
  crimson: 350,
  rose: 340,
  pink: 330,
  magenta: 300,
  purple: 275,
  violet: 265,
  indigo: 240,
  night: 235,
  navy: 225,
  blue: 215,
  winter: 210,
  sky: 205,
  ocean: 200,
  sea: 198,
  ice: 195,
  cyan: 185,
  teal: 178,
  emerald: 145,
  forest: 130,
  green: 120,
  lime: 90,
  olive: 70,
  yellow: 55,
  gold: 45,
  golden: 45,
  sun: 45,
  sand: 38,
  desert: 33,
  orange: 28,
  autumn: 25,
  brown: 25,
  sunset: 18,
  fire: 12,
  lava: 8,
};
const DARK_WORDS: ReadonlySet<string> = new Set([
  'night',
  'dark',
  'midnight',
  'shadow',
  'storm',
  'space',
  'noir',
  'deep',
]);
const LIGHT_WORDS: ReadonlySet<string> = new Set([
  'bright',
  'sunny',
  'day',
  'morning',
  'light',
  'pastel',
  'snow',
  'cloud',
]);

/** Hue offsets of the classic colour schemes. */
const SCHEMES: ReadonlyArray<readonly number[]> = [
  [0, 25, -25, 50, -50], // analogous
  [0, 180, 15, 195, -15], // complementary
  [0, 120, 240, 30, 150], // triadic
  [0, 150, 210, 20, 180], // split complementary
];

export interface Palette {
  background: readonly [Color, Color];
  accents: readonly Color[];
  /** 0 (dark) .. 1 (light): how light the picture is overall. */
  key: number;
}

export function paletteFor(words: readonly string[], random: Rng): Palette {
  const hueWord = words.find((word) => Object.hasOwn(HUE_WORDS, word));
  const baseHue = hueWord === undefined ? random() * 360 : HUE_WORDS[hueWord]! + (random() - 0.5) * 16;
  const key = words.some((w) => DARK_WORDS.has(w))
    ? 0.2
    : words.some((w) => LIGHT_WORDS.has(w))
      ? 0.8
      : 0.35 + random() * 0.3;
  const scheme = SCHEMES[Math.floor(random() * SCHEMES.length)]!;
  const saturation = 0.45 + random() * 0.45;
  const hueAt = (i: number) => baseHue + scheme[i % scheme.length]!;
  return {
    background: [
      hsl(hueAt(0), saturation * 0.8, 0.12 + key * 0.6),
      hsl(hueAt(1), saturation * 0.7, 0.05 + key * 0.5 + random() * 0.15),
    ],
    accents: Array.from({ length: 5 }, (_, i) =>
      hsl(
        hueAt(i) + (random() - 0.5) * 20,
        Math.min(1, saturation + random() * 0.3),
        0.2 + key * 0.45 + random() * 0.35,
      ),
    ),
    key,
  };
}

export function hsl(hueDegrees: number, saturation: number, lightness: number): Color {
  const h = (((hueDegrees % 360) + 360) % 360) / 360;
  const s = Math.min(1, Math.max(0, saturation));
  const l = Math.min(1, Math.max(0, lightness));
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number) => {
    const u = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (u < 1 / 6) return p + (q - p) * 6 * u;
    if (u < 1 / 2) return q;
    if (u < 2 / 3) return p + (q - p) * (2 / 3 - u) * 6;
    return p;
  };
  return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)];
}
