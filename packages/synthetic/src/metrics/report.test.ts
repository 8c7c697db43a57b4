import { describe, expect, it } from 'vitest';
import { ZipfCorpus } from '../../test/support/zipf-corpus.js';
import { diversityReport } from './report.js';
import { collapseRiskVerdict } from './verdict.js';

describe('diversityReport', () => {
  const corpus = new ZipfCorpus({ seed: 9, vocabularySize: 4000 });
  const reference = corpus.texts(1200, 20);

  it('compares at the smallest of the synthetic and the two reference halves', () => {
    const synthetic = corpus.texts(100, 20);
    const report = diversityReport(synthetic, reference);
    const syntheticTokens = synthetic.join(' ').split(' ').length;
    expect(report.tokens.synthetic).toBe(syntheticTokens);
    expect(report.budgetTokens).toBe(syntheticTokens);
    expect(report.texts.synthetic).toBe(100);
  });

  it('finds text from the same source as human-like: every ratio near 1, verdict ok', () => {
    const report = diversityReport(corpus.texts(500, 20), reference);
    for (const metric of [report.distinct2, report.entropy2, report.mattr, report.tailCoverage, report.jsUnigram]) {
      expect(metric.ratio).toBeGreaterThan(0.85);
      expect(metric.ratio).toBeLessThan(1.15);
    }
    expect(collapseRiskVerdict(report)).toEqual({ level: 'ok', reasons: [] });
  });

  it('flags a set that repeats a few texts as high risk', () => {
    const few = corpus.texts(10, 20);
    const synthetic = Array.from({ length: 500 }, (_, i) => few[i % few.length]!);
    const report = diversityReport(synthetic, reference);
    expect(report.distinct2.ratio).toBeLessThan(0.1);
    expect(report.nearDuplicateRate.synthetic).toBeCloseTo(490 / 500, 2);
    expect(report.compressionRatio.ratio).toBeGreaterThan(2);
    const verdict = collapseRiskVerdict(report);
    expect(verdict.level).toBe('high');
    expect(verdict.reasons.join('\n')).toMatch(/distinct-2.*\n.*bigram entropy/s);
    expect(verdict.reasons.join('\n')).toMatch(/near-duplicates/);
  });

  it('measures against a baseline of separate documents, so an independent human sample is ok', () => {
    // Documents with topics of their own: shared Zipf words plus words only that document uses.
    const common = new ZipfCorpus({ seed: 4, vocabularySize: 3000 });
    const documents = Array.from({ length: 60 }, (_, d) =>
      Array.from({ length: 40 }, (_, s) => {
        const topic = [0, 1, 2].map((k) => `topic${d}word${(s * 7 + k * 5) % 20}`);
        return [...common.sentence(15), ...topic].join(' ');
      }),
    );
    const sample = documents.slice(40).flat();
    const byDocument = diversityReport(sample, { documents: documents.slice(0, 40) });
    expect(byDocument.tailCoverage.ratio).toBeGreaterThan(0.85);
    expect(byDocument.jsUnigram.ratio).toBeLessThan(1.15);
    expect(collapseRiskVerdict(byDocument)).toEqual({ level: 'ok', reasons: [] });
    // The same reference as loose texts pairs sentences of one document across the halves, whose
    // shared topic words make the human baseline closer than any independent sample can be.
    const byText = diversityReport(sample, documents.slice(0, 40).flat());
    expect(byText.jsUnigram.ratio).toBeGreaterThan(1.5);
    expect(collapseRiskVerdict(byText).level).toBe('high');
  });

  it('splits a single reference text in two halves', () => {
    const report = diversityReport(['one two three four'], [reference.join(' ')]);
    expect(report.budgetTokens).toBe(4);
  });

  it('refuses sets without words', () => {
    expect(() => diversityReport(['...'], reference)).toThrow(RangeError);
  });
});
