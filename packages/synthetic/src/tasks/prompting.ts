import { sha256Hex } from '../hash.js';
import { generationDepthOf } from '../provenance.js';
import type { SeededRandom } from '../random.js';
import type { Source } from './strategy.js';
import type { DiversityControls, SeedExample, TaskRecord } from './types.js';

export const DEFAULT_TEMPERATURE = 0.9;
export const DEFAULT_FEW_SHOT = 3;

/** Replaces `{name}` placeholders; every placeholder must have a value. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template value "${name}" is missing`);
    return value;
  });
}

export function templateHash(templates: readonly string[]): string {
  return sha256Hex(templates.join('\n\u241e\n')).slice(0, 16);
}

/**
 * The few-shot seeds for an attempt: a window of k seeds that moves by k per attempt, so consecutive
 * attempts see different seeds and every seed is shown equally often, in a shuffled order.
 */
export function rotatingSeeds<R>(
  seeds: readonly Source<R>[],
  attempt: number,
  controls: DiversityControls | undefined,
  random: SeededRandom,
): Source<R>[] {
  if (seeds.length === 0) return [];
  const k = Math.min(controls?.fewShot ?? DEFAULT_FEW_SHOT, seeds.length);
  const start = (attempt * k) % seeds.length;
  const window = Array.from({ length: k }, (_, i) => seeds[(start + i) % seeds.length]!);
  return random.shuffle(window);
}

export function sampleTemperature(controls: DiversityControls | undefined, random: SeededRandom): number {
  const temperature = controls?.temperature ?? DEFAULT_TEMPERATURE;
  return typeof temperature === 'number' ? temperature : random.uniform(temperature.min, temperature.max);
}

/** " about <topic>, as <persona> would write it", sampled from the controls (empty without any). */
export function focusClause(controls: DiversityControls | undefined, random: SeededRandom, verb = 'write'): string {
  let clause = '';
  if (controls?.topics?.length) clause += ` about ${random.pick(controls.topics)}`;
  if (controls?.personas?.length) clause += `, the way ${random.pick(controls.personas)} would ${verb} it`;
  return clause;
}

/** A provider sampling seed for one chat call of an attempt. */
export function chatSeed(random: SeededRandom): number {
  return random.nextUint32() & 0x7fffffff;
}

/** Seeds as sources: human seeds have depth 0, synthetic ones their recorded depth. */
export function seedSources<R extends TaskRecord>(seeds: readonly SeedExample<R>[] | undefined): Source<R>[] {
  return (seeds ?? []).map((seed) => ({ id: seed.id, data: seed.data, depth: generationDepthOf(seed) }));
}

/** Generation depth of a record built from `sources`: one more than the deepest of them. */
export function depthFrom(sources: readonly Source<unknown>[]): number {
  return 1 + sources.reduce((deepest, source) => Math.max(deepest, source.depth), 0);
}
