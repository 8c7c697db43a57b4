import type { NgramModel } from './ngram.js';

/**
 * How a reply is conditioned on the user's message. An n-gram model has no notion of a question, so
 * the local chat steers it with the message's content words:
 *
 * - keywords are the message's words that the model knows, minus the 100 most frequent corpus
 *   words and a few instruction words (tell, write, explain...), rarest first, at most 4;
 * - the reply opens with the rarest keyword, in the casing most likely to start a sentence, so
 *   the first sentence grows from the topic;
 * - every keyword's probability is boosted in every sentence, so the reply keeps returning to it.
 */
export interface Topic {
  opener: string | null;
  boosts: ReadonlyMap<string, number>;
}

const MAX_KEYWORDS = 4;
const COMMON_WORD_RANK = 100;
const KEYWORD_BOOST = 8;
const INSTRUCTION_WORDS: ReadonlySet<string> = new Set([
  'tell',
  'please',
  'write',
  'explain',
  'describe',
  'give',
  'show',
  'story',
  'something',
  'thing',
  'things',
  'think',
  'want',
  'help',
  'hello',
  'hi',
]);

const WORD = /[A-Za-z]+(?:['-][A-Za-z]+)*|\d+/g;

export const NO_TOPIC: Topic = { opener: null, boosts: new Map() };

/** Computes, once per model, the frequency above which a word counts as common. */
export function commonWordFrequency(model: NgramModel): number {
  const frequencies = model.vocabulary.map((word) => model.frequency(word)).sort((a, b) => b - a);
  return frequencies[COMMON_WORD_RANK - 1] ?? 0;
}

/** The words of `text` as topicOf reads them, in lower case. */
export function wordsIn(text: string): string[] {
  return (text.match(WORD) ?? []).map((word) => word.toLowerCase());
}

/** `ignore`: lower-case words that are never keywords (e.g. the words of a JSON Schema in the message). */
export function topicOf(
  message: string,
  model: NgramModel,
  commonFrequency: number,
  ignore: ReadonlySet<string> = new Set(),
): Topic {
  const seen = new Set<string>();
  const keywords: Array<{ variants: string[]; frequency: number }> = [];
  for (const word of message.match(WORD) ?? []) {
    const lower = word.toLowerCase();
    if (seen.has(lower) || INSTRUCTION_WORDS.has(lower) || ignore.has(lower)) continue;
    seen.add(lower);
    const variants = [...new Set([word, lower, lower.charAt(0).toUpperCase() + lower.slice(1)])].filter(
      (variant) => model.frequency(variant) > 0,
    );
    if (variants.length === 0) continue;
    const frequency = Math.max(...variants.map((variant) => model.frequency(variant)));
    if (frequency > commonFrequency) continue;
    keywords.push({ variants, frequency });
  }
  if (keywords.length === 0) return NO_TOPIC;
  keywords.sort((a, b) => a.frequency - b.frequency);
  const chosen = keywords.slice(0, MAX_KEYWORDS);
  const first = chosen[0]!.variants;
  const opener = first.reduce((best, variant) =>
    model.logProb([], variant) > model.logProb([], best) ? variant : best,
  );
  return {
    opener,
    boosts: new Map(chosen.flatMap(({ variants }) => variants.map((v) => [v, KEYWORD_BOOST] as const))),
  };
}
