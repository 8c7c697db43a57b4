/**
 * Metrics benchmark: a diversity report and collapse verdict over one million synthetic tokens
 * against two million reference tokens (so one million per reference half and a one-million-token
 * budget). Texts are about 50 words. Run with `npm run bench` in packages/synthetic.
 */
import { diversityReport } from '../src/metrics/report.js';
import { collapseRiskVerdict } from '../src/metrics/verdict.js';
import { ZipfCorpus } from '../test/support/zipf-corpus.js';
import { measure } from './measure.js';

const TOKENS = 1_000_000;
const WORDS_PER_TEXT = 50;

/** One generator for both sides, so the verdict on this bench is "ok" (same distribution). */
const corpus = new ZipfCorpus({ seed: 1, vocabularySize: 40_000 });
const synthetic = corpus.texts(TOKENS / WORDS_PER_TEXT, WORDS_PER_TEXT);
const reference = corpus.texts((2 * TOKENS) / WORDS_PER_TEXT, WORDS_PER_TEXT);

const report = measure(`diversity report, ${TOKENS.toLocaleString('en')} synthetic tokens`, () =>
  diversityReport(synthetic, reference),
);
const verdict = collapseRiskVerdict(report);
console.log(
  `budget ${report.budgetTokens} tokens; distinct-2 ${report.distinct2.synthetic.toFixed(3)}; verdict ${verdict.level}`,
);
