import type { SyntheticMetrics, SyntheticVerdict } from '@synthwell/contracts';
import { collapseRiskVerdict, type DiversityReport, diversityReport, type ReferenceCorpus } from '@synthwell/synthetic';

/**
 * The most tokens a report compares per set. The built-in reference holds about 116,000 tokens, so its
 * halves cap the budget near 58,000 anyway; this bounds a caller's own, larger reference.
 */
const MAX_BUDGET_TOKENS = 200_000;

/** Diversity, divergence from human text and the collapse-risk verdict, in the API's shape. */
export function measure(
  synthetic: readonly string[],
  reference: ReferenceCorpus,
): { metrics: SyntheticMetrics; verdict: SyntheticVerdict } {
  const report = diversityReport(synthetic, reference, { maxBudgetTokens: MAX_BUDGET_TOKENS });
  return { metrics: apiMetrics(report), verdict: collapseRiskVerdict(report) };
}

function apiMetrics(report: DiversityReport): SyntheticMetrics {
  return {
    budget_tokens: report.budgetTokens,
    tokens: report.tokens,
    texts: report.texts,
    distinct_1: report.distinct1,
    distinct_2: report.distinct2,
    distinct_3: report.distinct3,
    entropy_1: report.entropy1,
    entropy_2: report.entropy2,
    entropy_3: report.entropy3,
    compression_ratio: report.compressionRatio,
    mattr: report.mattr,
    tail_coverage: report.tailCoverage,
    js_unigram: report.jsUnigram,
    js_bigram: report.jsBigram,
    near_duplicate_rate: report.nearDuplicateRate,
  };
}
