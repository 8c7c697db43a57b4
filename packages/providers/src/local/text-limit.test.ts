import { describe, expect, it } from 'vitest';
import { countTokens } from '../tokenizer.js';
import { limitText } from './text-limit.js';

function run(pieces: string[], maxTokens: number, stop: string[] = []) {
  const limited = limitText(pieces, maxTokens, stop);
  const deltas: string[] = [];
  for (let step = limited.next(); ; step = limited.next()) {
    if (step.done) return { deltas, text: deltas.join(''), finish: step.value };
    deltas.push(step.value);
  }
}

/** A long text: `count` words, far past the length below which every piece is counted. */
const words = (count: number) => Array.from({ length: count }, (_, i) => (i === 0 ? 'w0' : ` w${i % 97}`));

describe('limitText', () => {
  it('passes pieces through one by one when they fit, empty ones included', () => {
    expect(run(['The', '', ' jury', ' said.'], 100)).toEqual({
      deltas: ['The', '', ' jury', ' said.'],
      text: 'The jury said.',
      finish: 'stop',
    });
  });

  it('cuts a long text at exactly max tokens, still in word-sized deltas', () => {
    const pieces = words(4_000);
    const { deltas, text, finish } = run(pieces, 3_000);
    expect(finish).toBe('length');
    expect(countTokens(text)).toBe(3_000);
    expect(pieces.join('').startsWith(text)).toBe(true);
    expect(Math.max(...deltas.map((delta) => delta.length))).toBeLessThanOrEqual(4);
  });

  it('passes a long text that fits whole', () => {
    const pieces = words(4_000);
    expect(run(pieces, countTokens(pieces.join('')))).toMatchObject({ text: pieces.join(''), finish: 'stop' });
  });

  it('ends before a stop sequence far into a long text, never streaming any of it', () => {
    const pieces = [...words(3_000), ' STOP', ...words(10)];
    const { deltas, text, finish } = run(pieces, 100_000, ['ST', ' STOP']);
    expect(finish).toBe('stop');
    expect(text).toBe(words(3_000).join(''));
    expect(deltas.some((delta) => delta.includes('S'))).toBe(false);
  });
});
