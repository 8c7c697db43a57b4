import { describe, expect, it } from 'vitest';
import { cleanReply, extractJson } from './parse.js';

describe('cleanReply', () => {
  it.each([
    ['  Task: Explain photosynthesis to a child.  ', 'Explain photosynthesis to a child.'],
    ['1. Write a haiku about rain', 'Write a haiku about rain'],
    ['"Summarise this article."', 'Summarise this article.'],
    ['```\nList three prime numbers.\n```', 'List three prime numbers.'],
    ['“Describe a sunset.”', 'Describe a sunset.'],
  ])('cleans %j', (reply, expected) => {
    expect(cleanReply(reply)).toBe(expected);
  });
});

describe('extractJson', () => {
  it('parses a bare, fenced or embedded JSON value', () => {
    expect(extractJson('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('Here:\n```json\n[1, 2]\n```')).toEqual({ ok: true, value: [1, 2] });
    expect(extractJson('Sure! {"text": "a } inside", "n": [1, {"b": 2}]} done')).toEqual({
      ok: true,
      value: { text: 'a } inside', n: [1, { b: 2 }] },
    });
  });

  it('fails without a JSON value', () => {
    expect(extractJson('no json here')).toEqual({ ok: false, error: 'no JSON value found in the reply' });
    expect(extractJson('{"unterminated": ')).toMatchObject({ ok: false });
  });
});
