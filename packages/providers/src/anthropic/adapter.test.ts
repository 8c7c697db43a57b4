import type { ChatCompletionChunk } from '@synthwell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_INPUT_TOKENS, type FakeUpstream, startFakeAnthropic } from '../testing/index.js';
import { type CallContext, type ChatRequest, ProviderError } from '../types.js';
import { createAnthropicProvider } from './adapter.js';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeAnthropic({ reply: 'Bonjour from Claude.', apiKey: 'ant-key' });
});
afterAll(() => upstream.close());

const provider = () => createAnthropicProvider({ apiKey: 'ant-key', baseURL: upstream.baseURL });
const request: ChatRequest = {
  model: 'claude-test',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
};
const context: CallContext = { signal: new AbortController().signal, requestId: 'req_test' };

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Anthropic adapter', () => {
  it('calls the Messages API with its headers and maps the reply, stop reason and usage', async () => {
    const completion = await provider().chat(request, context);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: 'Bonjour from Claude.' }, finish_reason: 'stop' },
    ]);
    expect(completion.usage).toEqual({
      prompt_tokens: FAKE_INPUT_TOKENS,
      completion_tokens: 3,
      total_tokens: FAKE_INPUT_TOKENS + 3,
    });
    const sent = upstream.requests.at(-1);
    expect(sent?.headers['x-api-key']).toBe('ant-key');
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.body).toMatchObject({ system: 'Be brief.', max_tokens: 1024 });
  });

  it('maps the event stream to chunks: role, text deltas, finish reason, then usage', async () => {
    const chunks = await collect(provider().chatStream(request, context));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('');
    expect(text).toBe('Bonjour from Claude.');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: FAKE_INPUT_TOKENS, completion_tokens: 3, total_tokens: FAKE_INPUT_TOKENS + 3 },
    });
  });

  it('maps tool use to tool calls, plain and streamed', async () => {
    const withTools: ChatRequest = {
      ...request,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    };
    const completion = await provider().chat(withTools, context);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'toolu_fake_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);

    const chunks = await collect(provider().chatStream(withTools, context));
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(calls[0]).toMatchObject({ index: 0, id: 'toolu_fake_1', function: { name: 'get_weather', arguments: '' } });
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe('{"city":"Paris"}');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('maps overloaded (529) and rate limits to retryable errors', async () => {
    upstream.failNext({ type: 'status', status: 529 }, { type: 'rate_limit', retryAfter: '4' });
    expect(await failure(provider().chat(request, context))).toMatchObject({
      kind: 'server_error',
      status: 529,
      retryable: true,
    });
    expect(await failure(provider().chat(request, context))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 4000,
    });
  });

  it('throws an error event sent mid-stream, and a stream cut before message_stop', async () => {
    upstream.failNext({ type: 'stream_error' }, { type: 'cut_stream', afterEvents: 3 });
    expect(await failure(collect(provider().chatStream(request, context)))).toMatchObject({
      kind: 'server_error',
      retryable: true,
    });
    expect(await failure(collect(provider().chatStream(request, context)))).toMatchObject({ kind: 'connection' });
  });

  it('maps malformed stream data to bad_response and a wrong key to auth', async () => {
    upstream.failNext({ type: 'malformed_sse' });
    expect((await failure(collect(provider().chatStream(request, context)))).kind).toBe('bad_response');
    const wrongKey = createAnthropicProvider({ apiKey: 'nope', baseURL: upstream.baseURL });
    expect(await failure(wrongKey.chat(request, context))).toMatchObject({ kind: 'auth', status: 401 });
  });

  it('does not generate images', async () => {
    const error = await failure(provider().images({ model: 'x', prompt: 'cat', n: 1, size: '256x256' }, context));
    expect(error.kind).toBe('unsupported');
  });
});
