import { describe, expect, it } from 'vitest';
import { countChatPromptTokens, countTokens, truncateToTokens } from './tokenizer.js';

describe('countTokens (o200k_base)', () => {
  it('counts tokens as OpenAI’s GPT-4o tokenizer does', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('hello world')).toBe(2);
    expect(countTokens('Hello, world!')).toBe(4);
  });

  it('truncates text to a number of tokens', () => {
    const text = 'The jury said it did find that many of the laws are outmoded.';
    expect(truncateToTokens(text, 3)).toBe('The jury said');
    expect(countTokens(truncateToTokens(text, 5))).toBe(5);
    expect(truncateToTokens(text, 100)).toBe(text);
  });
});

describe('countChatPromptTokens', () => {
  it('adds 3 framing tokens per message, 1 per name, and 3 to prime the reply', () => {
    const count = countChatPromptTokens([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: [{ type: 'text', text: 'hello world' }], name: 'ada' },
    ]);
    const expected =
      3 +
      (3 + countTokens('system') + countTokens('You are terse.')) +
      (3 + countTokens('user') + 2 + 1 + countTokens('ada'));
    expect(count).toBe(expected);
  });

  it('counts the name and arguments of tool calls', () => {
    const withCall = countChatPromptTokens([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
    ]);
    const withoutCall = countChatPromptTokens([{ role: 'assistant', content: null }]);
    expect(withCall - withoutCall).toBe(countTokens('get_weather') + countTokens('{"city":"Paris"}'));
  });
});
