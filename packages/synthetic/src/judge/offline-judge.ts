import { recordToText } from '../tasks/create.js';
import type { TaskRecord, TaskSpec } from '../tasks/types.js';
import { DEFAULT_LENGTH_BOUNDS, type RuleBounds, ruleViolations } from './rules.js';
import type { Judge, JudgeVerdict } from './types.js';

/**
 * Maps a mean log-probability per token onto 1-10: `worst` and below → 1, `best` and above → 10,
 * linear in between. Units are whatever `logProbPerToken` returns (the defaults are natural logs).
 */
export interface FluencyCalibration {
  worst: number;
  best: number;
}

/**
 * Default calibration, measured with an interpolated bigram model trained on 40,000 Brown corpus
 * sentences and scored on the 17,159 held-out ones: held-out human sentences have a median of −6.4
 * nats per token and a 5th percentile of −8.4. `best` is the median, so typical human text scores 10;
 * `worst` is the 5th percentile minus the median-to-5th-percentile gap (−10.4), so the 5th percentile
 * of human text scores about 5.5. Any other model needs its own numbers: use `calibrateFluency`.
 */
export const DEFAULT_FLUENCY_CALIBRATION: FluencyCalibration = { worst: -10.4, best: -6.4 };

/** A calibration anchored on human text scored by the same model, as `DEFAULT_FLUENCY_CALIBRATION` explains. */
export function calibrateFluency(humanLogProbs: readonly number[]): FluencyCalibration {
  const finite = humanLogProbs.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length < 2) throw new RangeError('calibration needs at least two finite human scores');
  const median = quantile(finite, 0.5);
  const low = quantile(finite, 0.05);
  const gap = Math.max(median - low, Number.EPSILON);
  return { worst: low - gap, best: median };
}

/** 1-10 for a mean log-probability per token under `calibration`. */
export function fluencyScore(logProb: number, { worst, best }: FluencyCalibration): number {
  if (!Number.isFinite(logProb)) return 1;
  const position = Math.min(1, Math.max(0, (logProb - worst) / (best - worst)));
  return Math.round(1 + 9 * position);
}

export interface OfflineJudgeOptions {
  /** Mean log-probability per token of a text under a language model (e.g. the built-in n-gram). */
  logProbPerToken: (text: string) => number | Promise<number>;
  calibration?: FluencyCalibration;
  bounds?: RuleBounds;
  /** Recorded in provenance. Default "offline:rules+fluency". */
  name?: string;
}

/**
 * A judge that needs no judge model, for the built-in offline models: a record that fails a rule
 * check scores 1; otherwise its score is the fluency of its text under a language model. This is a
 * real scorer but a weak one: it catches empty, malformed, mislabelled and word-salad records, but
 * knows nothing about correctness or helpfulness, and it rewards text that resembles the language
 * model's own training data.
 */
export function createOfflineJudge(options: OfflineJudgeOptions): Judge {
  const calibration = options.calibration ?? DEFAULT_FLUENCY_CALIBRATION;
  const bounds = options.bounds ?? DEFAULT_LENGTH_BOUNDS;
  return {
    name: options.name ?? 'offline:rules+fluency',
    async score(record: TaskRecord, task: TaskSpec): Promise<JudgeVerdict> {
      const violations = ruleViolations(record, task, bounds);
      if (violations.length > 0) return { score: 1, rationale: `failed checks: ${violations.join('; ')}` };
      const logProb = await options.logProbPerToken(recordToText(task, record));
      const score = fluencyScore(logProb, calibration);
      return {
        score,
        rationale: `passed rule checks; fluency ${logProb.toFixed(2)} log-prob per token → ${score}/10`,
      };
    },
  };
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
