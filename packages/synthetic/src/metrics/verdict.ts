import type { DiversityReport, MetricComparison } from './report.js';

export type CollapseRiskLevel = 'ok' | 'warn' | 'high';

export interface CollapseRiskVerdict {
  level: CollapseRiskLevel;
  reasons: string[];
}

/**
 * Thresholds on synthetic ÷ human ratios at an equal token budget, calibrated on the Brown corpus
 * (a budget of about 65,000 tokens) with a bigram model retrained on its own samples; the full tables
 * are in docs-synthetic.md. Trained on 40,000 sentences per generation, generations 1-4 stay ok and
 * generation 5 warns (distinct-2 0.84). Trained on only 4,000 sentences, even generation 1 warns
 * (distinct-2 0.68, tail coverage 0.74: a small model cannot reproduce human variety) and generation 2
 * is high (distinct-2 0.52, tail coverage 0.59).
 */
export interface RatioThreshold {
  /** Below (or above, for `higherIsWorse`) this ratio: warn. */
  warn: number;
  /** Below (or above) this ratio: high. */
  high: number;
  higherIsWorse: boolean;
}

/** distinct-2 fell 0.97 → 0.84 over five generations at 40,000 sentences, 0.68 → 0.33 at 4,000. */
export const DISTINCT2_THRESHOLD: RatioThreshold = { warn: 0.85, high: 0.6, higherIsWorse: false };
/** Bigram entropy is a log scale: losing 5% of the bits is a large loss of spread (0.94 at generation 2 of 4,000). */
export const ENTROPY2_THRESHOLD: RatioThreshold = { warn: 0.95, high: 0.9, higherIsWorse: false };
/** Text that gzip shrinks 10% better than human text repeats itself; generation 6 of 4,000 reached 1.22. */
export const COMPRESSION_THRESHOLD: RatioThreshold = { warn: 1.1, high: 1.25, higherIsWorse: true };
/**
 * MATTR over 50-token windows does not move under n-gram collapse (1.02 throughout: the model keeps
 * local variety) but falls sharply when a chat model loops or repeats phrases, so its bounds are wide.
 */
export const MATTR_THRESHOLD: RatioThreshold = { warn: 0.9, high: 0.8, higherIsWorse: false };
/** Tail coverage, relative to a second human sample's: 0.74 at generation 1 and 0.59 at 2 of 4,000. */
export const TAIL_COVERAGE_THRESHOLD: RatioThreshold = { warn: 0.8, high: 0.6, higherIsWorse: false };
/** Unigram Jensen-Shannon divergence from human text over human-versus-human: 1.27 at generation 2 of 4,000, 1.52 at 5. */
export const JS_UNIGRAM_THRESHOLD: RatioThreshold = { warn: 1.25, high: 1.5, higherIsWorse: true };

/**
 * Near-duplicate rate is judged absolutely: human text has almost none (0.5% of Brown sentences,
 * mostly short formulae), so 5% of a set being near-copies of other members is a warning and 20% high.
 */
export const NEAR_DUPLICATE_RATE_THRESHOLD = { warn: 0.05, high: 0.2 } as const;

/** Below this budget the metrics' sampling noise is as large as the effects they look for. */
export const MIN_VERDICT_BUDGET_TOKENS = 1000;

const RATIO_CHECKS: readonly {
  name: string;
  pick: (report: DiversityReport) => MetricComparison;
  threshold: RatioThreshold;
}[] = [
  { name: 'distinct-2', pick: (r) => r.distinct2, threshold: DISTINCT2_THRESHOLD },
  { name: 'bigram entropy', pick: (r) => r.entropy2, threshold: ENTROPY2_THRESHOLD },
  { name: 'compression ratio', pick: (r) => r.compressionRatio, threshold: COMPRESSION_THRESHOLD },
  { name: 'MATTR', pick: (r) => r.mattr, threshold: MATTR_THRESHOLD },
  { name: 'tail coverage', pick: (r) => r.tailCoverage, threshold: TAIL_COVERAGE_THRESHOLD },
  { name: 'unigram JS divergence', pick: (r) => r.jsUnigram, threshold: JS_UNIGRAM_THRESHOLD },
];

/** Collapse risk from a diversity report: the worst level any check reaches, with one reason per check tripped. */
export function collapseRiskVerdict(report: DiversityReport): CollapseRiskVerdict {
  const reasons: string[] = [];
  let level: CollapseRiskLevel = 'ok';
  const raise = (to: CollapseRiskLevel, reason: string) => {
    reasons.push(reason);
    if (to === 'high' || level === 'ok') level = to;
  };

  if (report.budgetTokens < MIN_VERDICT_BUDGET_TOKENS) {
    raise(
      'warn',
      `only ${report.budgetTokens} tokens were compared (fewer than ${MIN_VERDICT_BUDGET_TOKENS}): metrics are unreliable`,
    );
  }
  for (const { name, pick, threshold } of RATIO_CHECKS) {
    const { ratio } = pick(report);
    if (ratio === null) continue;
    const worse = (bound: number) => (threshold.higherIsWorse ? ratio > bound : ratio < bound);
    const side = threshold.higherIsWorse ? 'above' : 'below';
    if (worse(threshold.high)) raise('high', `${name} is ${fmt(ratio)}× human text (${side} ${threshold.high}×)`);
    else if (worse(threshold.warn)) raise('warn', `${name} is ${fmt(ratio)}× human text (${side} ${threshold.warn}×)`);
  }
  const rate = report.nearDuplicateRate.synthetic;
  if (rate > NEAR_DUPLICATE_RATE_THRESHOLD.high) {
    raise('high', `${pct(rate)} of texts are near-duplicates (above ${pct(NEAR_DUPLICATE_RATE_THRESHOLD.high)})`);
  } else if (rate > NEAR_DUPLICATE_RATE_THRESHOLD.warn) {
    raise('warn', `${pct(rate)} of texts are near-duplicates (above ${pct(NEAR_DUPLICATE_RATE_THRESHOLD.warn)})`);
  }
  return { level, reasons };
}

function fmt(value: number): string {
  return value.toFixed(2);
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
