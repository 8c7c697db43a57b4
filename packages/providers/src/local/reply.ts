import type { FinishReason } from '@synthwell/contracts';
import { countTokens, truncateToTokens } from '../tokenizer.js';
import { Detokenizer } from './detokenize.js';
import type { NgramModel } from './ngram.js';
import type { Rng } from './random.js';
import type { Topic } from './topic.js';

/** A reply is this many sentences unless max tokens or a stop sequence ends it first. */
export const SENTENCES_PER_REPLY = 3;
/** A sentence that has not ended after this many words is closed, so greedy loops terminate. */
const MAX_SENTENCE_WORDS = 60;

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
export function* writeReply(options: ReplyOptions): Generator<string, Extract<FinishReason, 'stop' | 'length'>> {
  const { model, rng, temperature, topP, maxTokens, stop, topic } = options;
  const detokenizer = new Detokenizer();
  let text = '';
  let emitted = 0;

  for (let sentence = 0; sentence < SENTENCES_PER_REPLY; sentence++) {
    detokenizer.startSentence();
    const opener = sentence === 0 && topic.opener ? [topic.opener] : [];
    const rest = model.generate({
      rng,
      temperature,
      topP,
      context: opener,
      boosts: topic.boosts,
      maxTokens: MAX_SENTENCE_WORDS - opener.length,
    });
    for (const word of withOpener(opener, rest)) {
      let next = text + detokenizer.push(word);
      const overBudget = countTokens(next) > maxTokens;
      if (overBudget) next = truncateToTokens(next, maxTokens);
      // Text that could start a stop sequence is held back, so a stop cannot begin before `emitted`.
      const stopAt = firstStop(next, stop, emitted);
      if (stopAt >= 0) {
        yield next.slice(emitted, stopAt);
        return 'stop';
      }
      text = next;
      const safe = overBudget ? text.length : text.length - heldBack(text, stop);
      if (safe > emitted) {
        yield text.slice(emitted, safe);
        emitted = safe;
      }
      if (overBudget) return 'length';
    }
  }
  if (text.length > emitted) yield text.slice(emitted);
  return 'stop';
}

/** The opener, then the generated words, drawn lazily one at a time. */
function* withOpener(opener: readonly string[], rest: Iterable<string>): Generator<string> {
  yield* opener;
  yield* rest;
}

function firstStop(text: string, stop: readonly string[], from: number): number {
  let first = -1;
  for (const sequence of stop) {
    const at = text.indexOf(sequence, from);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** Length of the longest end of `text` that a stop sequence starts with. */
function heldBack(text: string, stop: readonly string[]): number {
  let held = 0;
  for (const sequence of stop) {
    for (let length = Math.min(sequence.length - 1, text.length); length > held; length--) {
      if (text.endsWith(sequence.slice(0, length))) {
        held = length;
        break;
      }
    }
  }
  return held;
}
