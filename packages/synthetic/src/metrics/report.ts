import { DEFAULT_SHINGLE_SIZE } from '../dedup/minhash.js';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, type NearDuplicateOptions } from '../dedup/near-duplicate-index.js';
import { tokenize } from '../text.js';
import {
  countIds,
  type EncodedSet,
  encodeSet,
  type NgramCounts,
  NgramSpace,
  tokenTotal,
  truncateTexts,
  Vocabulary,
} from './corpus.js';
import { DEFAULT_TAIL_MASS, jensenShannon, tailCoverage } from './divergence.js';
import {
  compressionRatio,
  DEFAULT_MATTR_WINDOW,
  distinctRatio,
  entropyBits,
  mattr,
  nearDuplicateRate,
} from './diversity.js';

export interface DiversityReportOptions {
  mattrWindow?: number;
  tailMass?: number;
  nearDuplicate?: NearDuplicateOptions;
  /** Upper bound on the token budget (e.g. to bound the cost of a report on a huge set). */
  maxBudgetTokens?: number;
}

/** One metric for the synthetic set and for human text at the same token budget. */
export interface MetricComparison {
  synthetic: number;
  reference: number;
  /** synthetic / reference, or null when the reference value is 0. */
  ratio: number | null;
}

/**
 * Diversity and divergence of a synthetic set against human text, every number at one token budget.
 *
 * The reference is split into two halves, A and B, that share no document (see `ReferenceCorpus`), so
 * B against A is what an independent human sample looks like. A is the anchor: intrinsic
 * metrics (distinct-n, entropy, compression, MATTR, near-duplicate rate) compare synthetic with A,
 * and comparative metrics (tail coverage, Jensen-Shannon divergence) measure synthetic against A
 * next to B against A, so each one has a human-versus-human baseline. The budget is the smallest of
 * the three token counts; each set is cut to it (whole texts in order, the last one cut short),
 * because distinct-n, entropy and coverage all move with sample size.
 */
export interface DiversityReport {
  budgetTokens: number;
  /** Tokens before truncation. */
  tokens: { synthetic: number; reference: number };
  /** Texts measured after truncation. */
  texts: { synthetic: number; reference: number };
  distinct1: MetricComparison;
  distinct2: MetricComparison;
  distinct3: MetricComparison;
  /** Entropy in bits of the unigram, bigram and trigram distributions. */
  entropy1: MetricComparison;
  entropy2: MetricComparison;
  entropy3: MetricComparison;
  compressionRatio: MetricComparison;
  mattr: MetricComparison;
  tailCoverage: MetricComparison;
  jsUnigram: MetricComparison;
  jsBigram: MetricComparison;
  nearDuplicateRate: MetricComparison;
  tail: { size: number; maxCount: number };
  settings: { mattrWindow: number; tailMass: number; nearDuplicateThreshold: number; shingleSize: number };
}

/**
 * Human text to compare with: a list of texts, each its own document, or documents of several texts
 * each (a corpus file's sentences). The halves take alternate documents, so texts of one document
 * never sit on both sides of the human-versus-human baseline: they share topics and names, and would
 * make the baseline closer than two independent human samples are.
 */
export type ReferenceCorpus = readonly string[] | ReferenceDocuments;

export interface ReferenceDocuments {
  readonly documents: readonly (readonly string[])[];
}

export function diversityReport(
  synthetic: readonly string[],
  reference: ReferenceCorpus,
  options: DiversityReportOptions = {},
): DiversityReport {
  const mattrWindow = options.mattrWindow ?? DEFAULT_MATTR_WINDOW;
  const tailMass = options.tailMass ?? DEFAULT_TAIL_MASS;
  const nearDuplicate = options.nearDuplicate ?? {};
  const syntheticTokens = synthetic.map(tokenize);
  const referenceDocuments = tokenizeDocuments(reference);
  const [halfA, halfB] = splitReference(referenceDocuments);
  const budget = Math.min(
    tokenTotal(syntheticTokens),
    tokenTotal(halfA),
    tokenTotal(halfB),
    options.maxBudgetTokens ?? Number.POSITIVE_INFINITY,
  );
  if (budget <= 0) throw new RangeError('both the synthetic and the reference set need word tokens');

  const vocabulary = new Vocabulary();
  const space = new NgramSpace(vocabulary, 3);
  const syn = prepare(truncateTexts(syntheticTokens, budget), vocabulary, space);
  const anchor = prepare(truncateTexts(halfA, budget), vocabulary, space);
  const baseline = prepare(truncateTexts(halfB, budget), vocabulary, space);
  const count = (set: PreparedSet) => set.ids.map((ids, i) => countIds(ids, space.distinct(i + 1)));
  const [synCounts, anchorCounts, baselineCounts] = [count(syn), count(anchor), count(baseline)];

  const intrinsic = (set: PreparedSet, counts: NgramCounts[]) => ({
    distinct: counts.map(distinctRatio),
    entropy: counts.map(entropyBits),
    compression: compressionRatio(set.texts),
    mattr: mattr(set.encoded.tokens, vocabulary.size, mattrWindow),
    nearDuplicateRate: nearDuplicateRate(set.texts, nearDuplicate),
  });
  const against = (counts: NgramCounts[]) => ({
    tail: tailCoverage(anchorCounts[0]!, counts[0]!, tailMass),
    jsUnigram: jensenShannon(counts[0]!, anchorCounts[0]!),
    jsBigram: jensenShannon(counts[1]!, anchorCounts[1]!),
  });
  const syntheticMeasures = intrinsic(syn, synCounts);
  const humanMeasures = intrinsic(anchor, anchorCounts);
  const syntheticVsAnchor = against(synCounts);
  const baselineVsAnchor = against(baselineCounts);

  return {
    budgetTokens: budget,
    tokens: { synthetic: tokenTotal(syntheticTokens), reference: tokenTotal(referenceDocuments.flat()) },
    texts: { synthetic: syn.texts.length, reference: anchor.texts.length },
    distinct1: compare(syntheticMeasures.distinct[0]!, humanMeasures.distinct[0]!),
    distinct2: compare(syntheticMeasures.distinct[1]!, humanMeasures.distinct[1]!),
    distinct3: compare(syntheticMeasures.distinct[2]!, humanMeasures.distinct[2]!),
    entropy1: compare(syntheticMeasures.entropy[0]!, humanMeasures.entropy[0]!),
    entropy2: compare(syntheticMeasures.entropy[1]!, humanMeasures.entropy[1]!),
    entropy3: compare(syntheticMeasures.entropy[2]!, humanMeasures.entropy[2]!),
    compressionRatio: compare(syntheticMeasures.compression, humanMeasures.compression),
    mattr: compare(syntheticMeasures.mattr, humanMeasures.mattr),
    tailCoverage: compare(syntheticVsAnchor.tail.coverage, baselineVsAnchor.tail.coverage),
    jsUnigram: compare(syntheticVsAnchor.jsUnigram, baselineVsAnchor.jsUnigram),
    jsBigram: compare(syntheticVsAnchor.jsBigram, baselineVsAnchor.jsBigram),
    nearDuplicateRate: compare(syntheticMeasures.nearDuplicateRate, humanMeasures.nearDuplicateRate),
    tail: { size: syntheticVsAnchor.tail.tailSize, maxCount: syntheticVsAnchor.tail.maxCount },
    settings: {
      mattrWindow,
      tailMass,
      nearDuplicateThreshold: nearDuplicate.threshold ?? DEFAULT_NEAR_DUPLICATE_THRESHOLD,
      shingleSize: nearDuplicate.shingleSize ?? DEFAULT_SHINGLE_SIZE,
    },
  };
}

interface PreparedSet {
  texts: string[][];
  encoded: EncodedSet;
  /** N-gram ids per position, by order − 1. */
  ids: Int32Array[];
}

function prepare(texts: string[][], vocabulary: Vocabulary, space: NgramSpace): PreparedSet {
  const encoded = encodeSet(texts, vocabulary);
  return { texts, encoded, ids: space.encode(encoded) };
}

function compare(synthetic: number, reference: number): MetricComparison {
  return { synthetic, reference, ratio: reference === 0 ? null : synthetic / reference };
}

/** The reference's documents as token lists, texts without words left out. */
function tokenizeDocuments(reference: ReferenceCorpus): string[][][] {
  const documents = 'documents' in reference ? reference.documents : reference.map((text) => [text]);
  return documents.map((document) => document.map(tokenize).filter((text) => text.length > 0));
}

/**
 * Alternate documents to each half, so both span the reference's genres; within a half, one text of
 * each document in turn, so a half cut to the budget still draws on all its documents. A reference of
 * one document splits its texts alternately, and a single text is cut in two.
 */
function splitReference(documents: readonly string[][][]): [string[][], string[][]] {
  const nonEmpty = documents.filter((document) => document.length > 0);
  if (nonEmpty.length === 1) {
    const texts = nonEmpty[0]!;
    if (texts.length === 1) {
      const only = texts[0]!;
      const middle = Math.floor(only.length / 2);
      return [[only.slice(0, middle)], [only.slice(middle)]];
    }
    return splitReference(texts.map((text) => [text]));
  }
  return [interleave(nonEmpty.filter((_, i) => i % 2 === 0)), interleave(nonEmpty.filter((_, i) => i % 2 === 1))];
}

/** The first text of every document, then the second of every document, and so on. */
function interleave(documents: readonly string[][][]): string[][] {
  const out: string[][] = [];
  const longest = Math.max(0, ...documents.map((document) => document.length));
  for (let i = 0; i < longest; i++) for (const document of documents) if (i < document.length) out.push(document[i]!);
  return out;
}
