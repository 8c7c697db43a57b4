import { randomInt } from 'node:crypto';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: a tiny, fast 32-bit PRNG, good enough for sampling text and pixels (not for secrets).
 * Any integer seed works; seeds beyond 32 bits are folded so that nearby seeds still differ.
 */
export function seededRandom(seed: number): Rng {
  let state = toSeed32(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Folds any finite number into 32 bits, keeping the high bits of large integers. */
export function toSeed32(seed: number): number {
  if (!Number.isFinite(seed)) return 0;
  const whole = Math.trunc(seed);
  const high = Math.floor(whole / 4294967296);
  return (whole ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

/** FNV-1a over UTF-16 code units: a stable 32-bit hash for prompts and cache keys. */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Combines numbers into one 32-bit seed, so (seed, choice index) pairs get independent streams. */
export function mixSeeds(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ toSeed32(part), 0x01000193);
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}

/** A fresh seed for requests that set none. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 32);
}
