import { type ContextStats, contextStats, type Discounts, discountFor, estimateDiscounts } from './kneser-ney.js';
import { decodeModel, encodeModel } from './ngram-file.js';
import { type InterpolationLayer, type SamplingParams, WordSampler } from './ngram-sampler.js';
import { BOS, buildTrie, EOS, type TrieLevel, UNK } from './ngram-trie.js';
import type { Rng } from './random.js';

/** The token a sentence ends with; it can be predicted and sampled like a word. */
export const SENTENCE_END = '</s>';
/** Stands for every word outside the vocabulary. */
export const UNKNOWN_WORD = '<unk>';
const SENTENCE_START = '<s>';
const SPECIAL_TOKENS = [SENTENCE_START, SENTENCE_END, UNKNOWN_WORD];

export const MAX_ORDER = 8;

export interface TrainOptions {
  order: number;
  /** Restricts the vocabulary; other words are counted as <unk>. Default: every word seen. */
  vocabulary?: Iterable<string>;
  /**
   * One absolute discount in (0, 1] for every order (plain interpolated Kneser–Ney), instead of the
   * modified Kneser–Ney discounts estimated from the counts.
   */
  discount?: number;
}

export interface SampleOptions {
  rng: Rng;
  /** Most words to generate; default 100. */
  maxTokens?: number;
  /** Default 1; 0 always picks the most probable word. */
  temperature?: number;
  /** Nucleus sampling: draw only from the most probable words that together hold this mass. Default 1. */
  topP?: number;
  /** Words already in the sentence; generation continues after them. */
  context?: readonly string[];
  /** Words that end generation when drawn (not included in the output). */
  stop?: readonly string[];
  /** Words whose probability is multiplied by the given factor, to steer towards a topic. */
  boosts?: ReadonlyMap<string, number>;
}

/** What a model is made of; everything else is derived when it is constructed. */
export interface NgramData {
  order: number;
  /** Token strings by id; ids 0, 1, 2 are <s>, </s>, <unk>. */
  vocabulary: readonly string[];
  levels: TrieLevel[];
  unigramCounts: Int32Array;
  /** The fixed discount, or null for modified Kneser–Ney. */
  discount: number | null;
}

/**
 * Trains a word-level n-gram model with interpolated Kneser–Ney smoothing (modified KN discounts
 * unless `discount` is given). Each sentence is padded with <s> and </s>; the lowest order is
 * interpolated with a uniform distribution, so every word in the vocabulary and <unk> has
 * non-zero probability.
 */
export function trainNgram(sentences: readonly (readonly string[])[], options: TrainOptions): NgramModel {
  const { order, discount } = options;
  if (!Number.isInteger(order) || order < 1 || order > MAX_ORDER) {
    throw new RangeError(`order must be an integer from 1 to ${MAX_ORDER}, got ${order}`);
  }
  if (discount !== undefined && !(discount > 0 && discount <= 1)) {
    throw new RangeError(`discount must be in (0, 1], got ${discount}`);
  }
  const vocabulary = [...SPECIAL_TOKENS];
  const ids = new Map(vocabulary.map((word, id) => [word, id]));
  const add = (word: string) => {
    if (!ids.has(word)) ids.set(word, vocabulary.push(word) - 1);
  };
  if (options.vocabulary) for (const word of options.vocabulary) add(word);
  else for (const sentence of sentences) for (const word of sentence) add(word);

  let length = 0;
  for (const sentence of sentences) length += sentence.length + 2;
  const tokens = new Int32Array(length);
  let position = 0;
  for (const sentence of sentences) {
    tokens[position++] = BOS;
    for (const word of sentence) {
      const id = ids.get(word) ?? UNK;
      tokens[position++] = id === BOS ? UNK : id;
    }
    tokens[position++] = EOS;
  }
  const { levels, unigramCounts } = buildTrie(tokens, vocabulary.length, order);
  return new NgramModel({ order, vocabulary, levels, unigramCounts, discount: discount ?? null });
}

export class NgramModel {
  readonly order: number;
  private readonly data: NgramData;
  private readonly words: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;
  private readonly levels: readonly TrieLevel[];
  /** Discounts by level (the level of the n-gram being discounted). */
  private readonly discounts: readonly Discounts[];
  /** Stats of the nodes of level k as contexts, for k = 0 .. order-2. */
  private readonly contexts: readonly ContextStats[];
  /** The lowest-order distribution: discounted unigram counts interpolated with a uniform one. */
  private readonly base: Float64Array;
  private readonly sampler: WordSampler;

  constructor(data: NgramData) {
    this.data = data;
    this.order = data.order;
    this.words = data.vocabulary;
    this.ids = new Map(data.vocabulary.map((word, id) => [word, id]));
    this.levels = data.levels;
    this.discounts = data.levels.map((level) => {
      const { discount } = data;
      return discount === null ? estimateDiscounts(level.counts) : ([discount, discount, discount] as const);
    });
    this.contexts = data.levels
      .slice(0, -1)
      .map((level, k) => contextStats(level, data.levels[k + 1]!, this.discounts[k + 1]!));
    this.base = this.lowestOrder();
    const byProbability = Int32Array.from(this.base.keys()).sort((a, b) => this.base[b]! - this.base[a]!);
    this.sampler = new WordSampler(this.base, byProbability);
  }

  /** Words the model can predict: the vocabulary plus </s> and <unk> (not <s>). */
  get vocabularySize(): number {
    return this.words.length - 1;
  }

  /** The predictable tokens, </s> and <unk> first. Probabilities over them sum to 1. */
  get vocabulary(): readonly string[] {
    return this.words.slice(1);
  }

  /** How often the word occurred in the training sentences. */
  frequency(word: string): number {
    const id = this.ids.get(word);
    return id === undefined ? 0 : this.data.unigramCounts[id]!;
  }

  /**
   * Natural log of P(word | context), where context is the sentence so far (its start is implied)
   * and only its last order−1 words matter. Words outside the vocabulary are <unk>.
   */
  logProb(context: readonly string[], word: string): number {
    const history = this.window([BOS, ...context.map((w) => this.idOf(w))]);
    const id = word === SENTENCE_END ? EOS : this.idOf(word);
    return Math.log(this.probability(history, id));
  }

  /**
   * Held-out cross-entropy in bits per token, </s> included. Out-of-vocabulary words are scored as
   * <unk>, so a model that lost the rare words of its training data pays for it here.
   */
  crossEntropy(sentences: readonly (readonly string[])[]): number {
    let bits = 0;
    let tokens = 0;
    for (const sentence of sentences) {
      let history = [BOS];
      for (let i = 0; i <= sentence.length; i++) {
        const id = i === sentence.length ? EOS : this.idOf(sentence[i]!);
        bits -= Math.log2(this.probability(history, id));
        tokens++;
        history = this.window([...history, id]);
      }
    }
    return tokens === 0 ? 0 : bits / tokens;
  }

  perplexity(sentences: readonly (readonly string[])[]): number {
    return 2 ** this.crossEntropy(sentences);
  }

  /** Samples the rest of a sentence: words until </s>, a stop word or maxTokens. */
  sample(options: SampleOptions): string[] {
    return [...this.generate(options)];
  }

  /** Like `sample`, one word at a time, so callers can stream and stop early. */
  *generate(options: SampleOptions): Generator<string, void, undefined> {
    const { rng, maxTokens = 100, temperature = 1, topP = 1, context = [], stop = [] } = options;
    if (!(temperature >= 0)) throw new RangeError(`temperature must be ≥ 0, got ${temperature}`);
    if (!(topP > 0 && topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${topP}`);
    const boosts = new Map<number, number>();
    for (const [word, factor] of options.boosts ?? []) {
      const id = this.ids.get(word);
      if (id !== undefined && id > UNK && factor >= 0) boosts.set(id, factor);
    }
    const params: SamplingParams = { temperature, topP, boosts, banned: [BOS, UNK] };
    const stopIds = new Set(stop.map((word) => (word === SENTENCE_END ? EOS : this.idOf(word))));
    let history = this.window([BOS, ...context.map((w) => this.idOf(w))]);
    for (let i = 0; i < maxTokens; i++) {
      const id = this.sampler.sample(this.layers(history), params, rng);
      if (id < 0 || id === EOS || stopIds.has(id)) return;
      yield this.words[id]!;
      history = this.window([...history, id]);
    }
  }

  /** A compact binary form (typed arrays plus the vocabulary) that `deserialize` loads back. */
  serialize(): Uint8Array {
    return encodeModel(this.data);
  }

  static deserialize(bytes: Uint8Array): NgramModel {
    return new NgramModel(decodeModel(bytes));
  }

  private idOf(word: string): number {
    const id = this.ids.get(word);
    return id === undefined || id === BOS ? UNK : id;
  }

  /** The last order−1 ids: all a prediction can see. */
  private window(history: number[]): number[] {
    return history.length < this.order ? history : history.slice(history.length - (this.order - 1));
  }

  private lowestOrder(): Float64Array {
    const counts = this.levels[0]!.counts;
    const discounts = this.discounts[0]!;
    const predictable = this.words.length - 1;
    let total = 0;
    let backoffMass = 0;
    for (const count of counts) {
      total += count;
      backoffMass += discountFor(discounts, count);
    }
    return Float64Array.from(counts, (count, id) => {
      if (id === BOS) return 0;
      if (total === 0) return 1 / predictable;
      return (Math.max(count - discountFor(discounts, count), 0) + backoffMass / predictable) / total;
    });
  }

  private probability(history: readonly number[], word: number): number {
    let p = this.base[word]!;
    for (const layer of this.layers(history)) {
      const child = binarySearch(layer.words, layer.start, layer.end, word);
      const count = child < 0 ? 0 : layer.counts[child]!;
      p = (Math.max(count - discountFor(layer.discounts, count), 0) + layer.backoffMass * p) / layer.total;
    }
    return p;
  }

  /** The contexts a prediction interpolates over, shortest first, up to the longest one seen in training. */
  private layers(history: readonly number[]): InterpolationLayer[] {
    const layers: InterpolationLayer[] = [];
    for (let length = 1; length <= Math.min(history.length, this.order - 1); length++) {
      const level = length - 1;
      const node = this.findNode(history, history.length - length);
      if (node < 0) break;
      const stats = this.contexts[level]!;
      const total = stats.total[node]!;
      if (total === 0) break;
      const childStart = this.levels[level]!.childStart!;
      const children = this.levels[level + 1]!;
      layers.push({
        words: children.words,
        counts: children.counts,
        start: childStart[node]!,
        end: childStart[node + 1]!,
        total,
        backoffMass: stats.backoffMass[node]!,
        discounts: this.discounts[level + 1]!,
      });
    }
    return layers;
  }

  /** The trie node of history[from..], or -1 if that n-gram never occurred. */
  private findNode(history: readonly number[], from: number): number {
    let node = history[from]!;
    for (let i = from + 1, level = 0; i < history.length; i++, level++) {
      const childStart = this.levels[level]!.childStart!;
      node = binarySearch(this.levels[level + 1]!.words, childStart[node]!, childStart[node + 1]!, history[i]!);
      if (node < 0) return -1;
    }
    return node;
  }
}

/** Index of `value` in the sorted slice values[start..end), or -1. */
function binarySearch(values: Int32Array, start: number, end: number, value: number): number {
  let low = start;
  let high = end - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const found = values[mid]!;
    if (found === value) return mid;
    if (found < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
