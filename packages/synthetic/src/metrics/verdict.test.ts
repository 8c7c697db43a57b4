import { describe, expect, it } from 'vitest';
import type { DiversityReport, MetricComparison } from './report.js';
import { collapseRiskVerdict, MIN_VERDICT_BUDGET_TOKENS } from './verdict.js';

const same: MetricComparison = { synthetic: 1, reference: 1, ratio: 1 };
const withRatio = (ratio: number | null): MetricComparison => ({ synthetic: ratio ?? 0, reference: 1, ratio });

function report(overrides: Partial<DiversityReport> = {}): DiversityReport {
  return {
    budgetTokens: 10_000,
    tokens: { synthetic: 10_000, reference: 20_000 },
    texts: { synthetic: 500, reference: 500 },
    distinct1: same,
    distinct2: same,
    distinct3: same,
    entropy1: same,
    entropy2: same,
    entropy3: same,
    compressionRatio: same,
    mattr: same,
    tailCoverage: same,
    jsUnigram: same,
    jsBigram: same,
    nearDuplicateRate: { synthetic: 0, reference: 0, ratio: null },
    tail: { size: 100, maxCount: 1 },
    settings: { mattrWindow: 50, tailMass: 0.1, nearDuplicateThreshold: 0.8, shingleSize: 3 },
    ...overrides,
  };
}

describe('collapseRiskVerdict', () => {
  it('is ok when the synthetic set matches human text', () => {
    expect(collapseRiskVerdict(report())).toEqual({ level: 'ok', reasons: [] });
  });

  it.each([
    ['distinct2', 0.86, 'ok'],
    ['distinct2', 0.84, 'warn'],
    ['distinct2', 0.59, 'high'],
    ['entropy2', 0.94, 'warn'],
    ['entropy2', 0.89, 'high'],
    ['compressionRatio', 1.09, 'ok'],
    ['compressionRatio', 1.11, 'warn'],
    ['compressionRatio', 1.3, 'high'],
    ['mattr', 0.85, 'warn'],
    ['mattr', 0.75, 'high'],
    ['tailCoverage', 0.7, 'warn'],
    ['tailCoverage', 0.5, 'high'],
    ['jsUnigram', 1.3, 'warn'],
    ['jsUnigram', 1.6, 'high'],
  ] as const)('%s at %s× human is %s', (metric, ratio, level) => {
    const verdict = collapseRiskVerdict(report({ [metric]: withRatio(ratio) }));
    expect(verdict.level).toBe(level);
    expect(verdict.reasons).toHaveLength(level === 'ok' ? 0 : 1);
  });

  it('judges the near-duplicate rate absolutely', () => {
    const rate = (synthetic: number) => report({ nearDuplicateRate: { synthetic, reference: 0, ratio: null } });
    expect(collapseRiskVerdict(rate(0.04)).level).toBe('ok');
    expect(collapseRiskVerdict(rate(0.06)).level).toBe('warn');
    expect(collapseRiskVerdict(rate(0.25))).toEqual({
      level: 'high',
      reasons: ['25.0% of texts are near-duplicates (above 20.0%)'],
    });
  });

  it('takes the worst level and lists every reason', () => {
    const verdict = collapseRiskVerdict(report({ distinct2: withRatio(0.8), tailCoverage: withRatio(0.3) }));
    expect(verdict.level).toBe('high');
    expect(verdict.reasons).toEqual([
      'distinct-2 is 0.80× human text (below 0.85×)',
      'tail coverage is 0.30× human text (below 0.6×)',
    ]);
  });

  it('warns that a small budget cannot support a verdict', () => {
    const verdict = collapseRiskVerdict(report({ budgetTokens: MIN_VERDICT_BUDGET_TOKENS - 1 }));
    expect(verdict.level).toBe('warn');
    expect(verdict.reasons[0]).toMatch(/unreliable/);
  });

  it('skips a metric whose human value is 0', () => {
    expect(collapseRiskVerdict(report({ mattr: withRatio(null) })).level).toBe('ok');
  });
});
