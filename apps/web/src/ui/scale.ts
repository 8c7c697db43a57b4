/** The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at or above `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((multiple) => multiple * power >= value * (1 - 1e-9)) ?? 10;
  return step * power;
}

/** Evenly spaced axis ticks from 0 to a nice maximum covering `max`. */
export function ticks(max: number, count = 4): number[] {
  const top = niceCeiling(max);
  return Array.from({ length: count + 1 }, (_, index) => Number(((top * index) / count).toPrecision(12)));
}

/** Maps a domain value onto pixels, with the y axis growing upwards. */
export function linear(domain: [number, number], range: [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Compact tick labels: 1,200 → "1.2k". */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return `${Number(value.toPrecision(3))}`;
}
