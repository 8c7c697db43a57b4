import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatCompletionCreateParams } from './chat.js';
import { parsePlainChatRequest } from './chat-plain.js';

/**
 * Bodies that are mostly well formed, each field now and then replaced by a value near or across a
 * boundary the schema draws, or by any JSON at all, so both verdicts are common.
 */
const odd = <T>(valid: fc.Arbitrary<T>, ...edges: unknown[]) =>
  fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 1, arbitrary: fc.constantFrom(null, ...edges) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
const text = (max: number) => odd(fc.string({ maxLength: 8 }), '', 'x'.repeat(max), 'x'.repeat(max + 1), 7, ['a']);
const unit = (min: number, max: number) =>
  odd(fc.double({ min, max, noNaN: true }), min - 0.001, max + 0.001, min, max, '0.5', 2 ** 53);
const count = (min: number, max: number) =>
  odd(fc.integer({ min, max }), min - 1, max + 1, 1.5, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), '3');

const message = odd(
  fc
    .record(
      {
        role: odd(fc.constantFrom('system', 'developer', 'user', 'assistant'), 'tool', 'robot'),
        content: odd(fc.string({ maxLength: 12 }), [{ type: 'text', text: 'hi' }], 3),
        name: text(256),
        extra: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: ['role', 'content'] },
    )
    .map(({ extra, ...rest }) => (Math.abs(JSON.stringify(extra ?? 0).length % 7) === 0 ? { ...rest, extra } : rest)),
);

const fields = fc.record(
  {
    model: text(256),
    messages: odd(fc.array(message, { minLength: 1, maxLength: 3 }), []),
    temperature: unit(0, 2),
    top_p: unit(0.000001, 1),
    max_tokens: count(1, 1_000_000),
    max_completion_tokens: count(1, 1_000_000),
    n: count(1, 8),
    seed: count(-(2 ** 40), 2 ** 40),
    stop: odd(fc.oneof(fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 })), [
      'a',
      'b',
      'c',
      'd',
      'e',
    ]),
    user: text(256),
    stream: odd(fc.boolean()),
    stream_options: odd(fc.record({ include_usage: odd(fc.boolean()) }, { requiredKeys: [] }), { other: 1 }),
    tools: fc.constant([]),
    max_token: fc.integer(),
  },
  { requiredKeys: ['model', 'messages'] },
);
// The two keys the schema does not take for a plain request appear now and then, not half the time.
const body = fc.tuple(fields, fc.nat(19)).map(([candidate, roll]) => {
  const { tools, max_token, ...rest } = candidate;
  return roll === 0 && tools
    ? { ...rest, tools }
    : roll === 1 && max_token !== undefined
      ? { ...rest, max_token }
      : rest;
});

describe('the plain chat request check', () => {
  it('accepts only what the schema accepts, as the schema parses it (20,000 generated bodies)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(body, (candidate) => {
        const plain = parsePlainChatRequest(candidate);
        if (plain === undefined) return;
        accepted++;
        const parsed = ChatCompletionCreateParams.safeParse(candidate);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual(candidate);
        expect(plain).toBe(candidate);
      }),
      { numRuns: 20_000 },
    );
    // The property says nothing if nothing passes the fast check: make sure plenty does.
    expect(accepted).toBeGreaterThan(100);
  });

  it('takes the requests SDKs send, and leaves everything richer to the schema', () => {
    const request = {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello', name: 'ada' },
        { role: 'assistant', content: 'Hi!' },
        { role: 'user', content: 'Again' },
      ],
      temperature: 0.2,
      top_p: 1,
      max_tokens: 64,
      stop: ['\n\n'],
      n: 1,
      seed: 42,
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
    };
    expect(parsePlainChatRequest(request)).toBe(request);
    for (const richer of [
      { ...request, tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...request, response_format: { type: 'json_object' } },
      { ...request, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      { ...request, messages: [{ role: 'tool', content: 'x', tool_call_id: 'c1' }] },
      { ...request, messages: [{ role: 'assistant', content: null }] },
      { ...request, messages: [] },
      { ...request, max_token: 10 },
      { model: 'm' },
      JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true}}'),
    ])
      expect(parsePlainChatRequest(richer)).toBeUndefined();
  });
});
