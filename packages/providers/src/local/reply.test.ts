import { describe, expect, it } from 'vitest';
import { countTokens } from '../tokenizer.js';
import { Detokenizer } from './detokenize.js';
import { trainNgram } from './ngram.js';
import { seededRandom } from './random.js';
import { type ReplyOptions, writeReply } from './reply.js';
import { NO_TOPIC } from './topic.js';

function detokenize(tokens: string[]): string {
  const detokenizer = new Detokenizer();
  detokenizer.startSentence();
  return tokens.map((token) => detokenizer.push(token)).join('');
}

describe('Detokenizer', () => {
  it('joins punctuation, quotes and brackets the way text is written, capitalising the sentence', () => {
    expect(detokenize(['``', 'the', 'jury', ',', 'it', 'said', ',', 'did', "n't", 'act', "''", '.'])).toBe(
      '"The jury, it said, didn\'t act".',
    );
    expect(detokenize(['it', 'costs', '$', '5', '(', 'or', 'less', ')', ';', 'really', '?'])).toBe(
      'It costs $5 (or less); really?',
    );
  });
});

function reply(options: Partial<ReplyOptions>): { deltas: string[]; text: string; finish: string } {
  const model = trainNgram([['the', 'cat', 'sat', 'on', 'the', 'mat', '.']], { order: 3 });
  const writer = writeReply({
    model,
    rng: seededRandom(1),
    temperature: 0,
    topP: 1,
    maxTokens: 100,
    stop: [],
    topic: NO_TOPIC,
    ...options,
  });
  const deltas: string[] = [];
  for (let step = writer.next(); ; step = writer.next()) {
    if (step.done) return { deltas, text: deltas.join(''), finish: step.value };
    deltas.push(step.value);
  }
}

describe('writeReply', () => {
  it('writes three sentences and stops', () => {
    expect(reply({})).toMatchObject({
      text: 'The cat sat on the mat. The cat sat on the mat. The cat sat on the mat.',
      finish: 'stop',
    });
  });

  it('ends before a stop sequence, never streaming any of it', () => {
    const { deltas, text, finish } = reply({ stop: ['on the m', 'zzz'] });
    expect(text).toBe('The cat sat ');
    expect(finish).toBe('stop');
    expect(deltas.every((delta) => !delta.includes('on'))).toBe(true);
  });

  it('cuts at max tokens exactly, with finish reason length', () => {
    const { text, finish } = reply({ maxTokens: 9 });
    expect(countTokens(text)).toBe(9);
    expect(finish).toBe('length');
  });

  it('opens with the topic word and continues from it', () => {
    expect(reply({ topic: { opener: 'mat', boosts: new Map() } }).text.startsWith('Mat.')).toBe(true);
  });
});
