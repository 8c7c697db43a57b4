import type { FinishReason } from '@synthwell/contracts';
import { Detokenizer } from './detokenize.js';
import type { NgramModel } from './ngram.js';
import type { Rng } from './random.js';
import { limitText } from './text-limit.js';
import type { Topic } from './topic.js';

/** A reply is this many sentences unless max tokens or a stop sequence ends it first. */
export const SENTENCES_PER_REPLY = 3;
/** A sentence that has not ended after this many words is closed, so greedy loops terminate. */
export const MAX_SENTENCE_WORDS = 60;

export interface ReplyOptions {
  model: NgramModel;
  rng: Rng;
  temperature: number;
  topP: number;
  /** In tokenizer tokens, the unit usage is reported in. */
  maxTokens: number;
  stop: readonly string[];
  topic: Topic;
}

/**
 * Writes one reply as text deltas, one per word. Ends with 'length' when the next word would pass
 * `maxTokens` (the last word is cut at the token boundary, so completion tokens equal the limit),
 * or 'stop' at the end of the last sentence or at a stop sequence. Text that might be the start
 * of a stop sequence is held back until it is clear it is not.
 */
export function writeReply(options: ReplyOptions): Generator<string, Extract<FinishReason, 'stop' | 'length'>> {
  return limitText(replyWords(options), options.maxTokens, options.stop);
}

/** The reply's words as detokenized text, drawn lazily one at a time. */
function* replyWords({ model, rng, temperature, topP, topic }: ReplyOptions): Generator<string> {
  const detokenizer = new Detokenizer();
  for (let sentence = 0; sentence < SENTENCES_PER_REPLY; sentence++) {
    detokenizer.startSentence();
    for (const word of sentenceWords({ model, rng, temperature, topP, topic, first: sentence === 0 })) {
      yield detokenizer.push(word);
    }
  }
}

export interface SentenceOptions {
  model: NgramModel;
  rng: Rng;
  temperature: number;
  topP: number;
  topic: Topic;
  /** The first sentence opens with the topic's opener. */
  first: boolean;
}

/** One sentence's tokens, drawn lazily; the first sentence grows from the topic's opener. */
export function* sentenceWords(options: SentenceOptions): Generator<string> {
  const { model, rng, temperature, topP, topic, first } = options;
  const opener = first && topic.opener ? [topic.opener] : [];
  yield* opener;
  yield* model.generate({
    rng,
    temperature,
    topP,
    context: opener,
    boosts: topic.boosts,
    maxTokens: MAX_SENTENCE_WORDS - opener.length,
  });
}
