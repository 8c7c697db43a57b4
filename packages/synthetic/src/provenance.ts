/**
 * Provenance: every synthetic record says what made it, so synthetic data can always be told apart
 * from human data and is never fed back into training as if it were real.
 */

export interface Provenance {
  synthetic: true;
  /** The generator model. */
  generator: string;
  /** The judge that graded the record. */
  judge: string;
  judge_score: number;
  /** Hash of the prompt templates that produced the record (not of the filled-in prompt). */
  prompt_template_hash: string;
  /** Seed examples shown to the generator. */
  seed_ids: string[];
  /** Records this one was derived from (e.g. the instruction it evolves). */
  parent_ids: string[];
  /** 1 for records made from human seeds; max(depth of seeds and parents) + 1 otherwise. */
  generation_depth: number;
  job_id: string;
  /** ISO 8601. */
  created_at: string;
}

/** True when `value` is a provenance block of a synthetic record. */
export function isProvenance(value: unknown): value is Provenance {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Provenance>;
  return (
    candidate.synthetic === true &&
    typeof candidate.generation_depth === 'number' &&
    Number.isInteger(candidate.generation_depth) &&
    candidate.generation_depth >= 1
  );
}

/**
 * True when a record or seed carries synthetic provenance, either as its `provenance` field or inline
 * (a record exported as JSONL with `"synthetic": true`). Anything else is treated as human data.
 */
export function isSynthetic(value: unknown): boolean {
  if (isProvenance(value)) return true;
  return typeof value === 'object' && value !== null && isProvenance((value as { provenance?: unknown }).provenance);
}

/** Generation depth of a seed or record: 0 for human data. */
export function generationDepthOf(value: unknown): number {
  if (isProvenance(value)) return value.generation_depth;
  if (typeof value === 'object' && value !== null) {
    const provenance = (value as { provenance?: unknown }).provenance;
    if (isProvenance(provenance)) return provenance.generation_depth;
  }
  return 0;
}

/**
 * The smallest share of real (human) data we recommend in any training mix that contains synthetic
 * data, and we recommend reaching it by accumulating, never by replacing real data.
 *
 * - Shumailov et al. (Nature, 2024) fine-tuned OPT-125m on its own output for ten generations: with
 *   no original data kept, perplexity on the original test set rose steadily and the tails of the
 *   distribution vanished; keeping a random 10% of the original data in each generation reduced the
 *   degradation to a minor one. 10% is the smallest share with evidence that it helps.
 * - Gerstgrasser et al. (2024) show that collapse comes from *replacing*: when each generation's
 *   synthetic data is added to all earlier real and synthetic data, test error stays bounded (for
 *   linear regression, by π²/6 times the one-generation error), even as the real share falls as
 *   1/(t + 1). Replacing gives error that grows linearly in the number of generations.
 *
 * So: keep every real example, add synthetic data on top, and cap synthetic data so real data stays at
 * least 10% of the mix. The collapse lab in this package reproduces both effects.
 */
export const MIN_REAL_SHARE = 0.1;

export interface TrainingMix {
  realRecords: number;
  syntheticRecords: number;
}

export interface MixingGuidance {
  /** True when the seeds are synthetic or a training mix was described; otherwise there is nothing to advise. */
  applies: boolean;
  strategy: 'accumulate';
  minRealShare: number;
  syntheticSeeds: number;
  /** Deepest generation among the seeds (0 when all are human). */
  maxSeedDepth: number;
  /** Real share of the described mix, or null without one. */
  realShare: number | null;
  /** Most synthetic records the described mix can hold while keeping `minRealShare`, or null. */
  maxSyntheticRecords: number | null;
  messages: string[];
}

/**
 * Advice for a job whose seeds may be synthetic, or for a requested training mix: accumulate synthetic
 * data with the real data instead of replacing it, and keep at least `MIN_REAL_SHARE` real.
 */
export function mixingGuidance(input: { seeds?: readonly unknown[]; trainingMix?: TrainingMix }): MixingGuidance {
  const seeds = input.seeds ?? [];
  const syntheticSeeds = seeds.filter(isSynthetic).length;
  const maxSeedDepth = seeds.reduce<number>((deepest, seed) => Math.max(deepest, generationDepthOf(seed)), 0);
  const messages: string[] = [];
  if (syntheticSeeds > 0) {
    messages.push(
      `${syntheticSeeds} of ${seeds.length} seeds are synthetic (deepest generation ${maxSeedDepth}); ` +
        `records made from them will have generation depth ${maxSeedDepth + 1}. ` +
        'Train on them together with the real data they descend from, not instead of it.',
    );
  }
  let realShare: number | null = null;
  let maxSyntheticRecords: number | null = null;
  const mix = input.trainingMix;
  if (mix) {
    const total = mix.realRecords + mix.syntheticRecords;
    realShare = total === 0 ? null : mix.realRecords / total;
    maxSyntheticRecords = Math.floor((mix.realRecords * (1 - MIN_REAL_SHARE)) / MIN_REAL_SHARE);
    if (mix.realRecords === 0) {
      messages.push(
        'the training mix has no real data: add the real data back and accumulate synthetic data on top of it',
      );
    } else if (realShare !== null && realShare < MIN_REAL_SHARE) {
      messages.push(
        `real data is ${(realShare * 100).toFixed(1)}% of the mix, below ${MIN_REAL_SHARE * 100}%: ` +
          `use at most ${maxSyntheticRecords} synthetic records with ${mix.realRecords} real ones`,
      );
    } else {
      messages.push(
        'keep all real records in every round and add synthetic records on top (accumulate, do not replace)',
      );
    }
  }
  return {
    applies: syntheticSeeds > 0 || mix !== undefined,
    strategy: 'accumulate',
    minRealShare: MIN_REAL_SHARE,
    syntheticSeeds,
    maxSeedDepth,
    realShare,
    maxSyntheticRecords,
    messages,
  };
}
