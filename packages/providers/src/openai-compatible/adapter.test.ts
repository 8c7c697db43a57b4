import type { ChatCompletionChunk } from '@synthwell/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_PNG, FAKE_PROMPT_TOKENS, type FakeUpstream, startFakeOpenAI } from '../testing/index.js';
import { type CallContext, type ChatRequest, ProviderError } from '../types.js';
import { createOpenAICompatibleProvider } from './adapter.js';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeOpenAI({ reply: 'Hello there, friend.', apiKey: 'sk-test' });
});
afterAll(() => upstream.close());
afterEach(() => {
  upstream.failAlways(null);
  upstream.requests.length = 0;
});

const provider = () => createOpenAICompatibleProvider({ name: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-test' });
const request: ChatRequest = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }] };
const context = (overrides: Partial<CallContext> = {}): CallContext => ({
  signal: new AbortController().signal,
  requestId: 'req_test',
  ...overrides,
});

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

describe('OpenAI-compatible chat', () => {
  it('sends the request with the key and returns the completion with its usage', async () => {
    const completion = await provider().chat(request, context());
    expect(completion.choices[0]).toMatchObject({
      message: { role: 'assistant', content: 'Hello there, friend.' },
      finish_reason: 'stop',
    });
    expect(completion.usage).toEqual({
      prompt_tokens: FAKE_PROMPT_TOKENS,
      completion_tokens: 3,
      total_tokens: FAKE_PROMPT_TOKENS + 3,
    });
    const [sent] = upstream.requests;
    expect(sent?.headers.authorization).toBe('Bearer sk-test');
    expect(sent?.body).toMatchObject({ model: 'gpt-test', stream: false });
    expect(sent?.body).not.toHaveProperty('stream_options');
  });

  it('streams typed chunks, asking the upstream for a final usage chunk', async () => {
    const chunks = await collect(provider().chatStream({ ...request, stream: true }, context()));
    const text = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('');
    expect(text).toBe('Hello there, friend.');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
    expect(upstream.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('passes tools through and returns the tool calls, plain and streamed', async () => {
    const withTools: ChatRequest = {
      ...request,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    };
    const completion = await provider().chat(withTools, context());
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_fake_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(upstream.requests[0]?.body).toMatchObject({ tools: withTools.tools });

    const chunks = await collect(provider().chatStream(withTools, context()));
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(calls[0]).toMatchObject({ index: 0, id: 'call_fake_1', function: { name: 'get_weather' } });
    expect(calls.map((call) => call.function?.arguments ?? '').join('')).toBe('{"city":"Paris"}');
  });

  it('generates images as base64 PNGs', async () => {
    const images = await provider().images({ model: 'img-test', prompt: 'a cat', n: 2, size: '256x256' }, context());
    expect(images).toHaveLength(2);
    expect(images[0]?.png).toEqual(FAKE_PNG);
    expect(images[0]?.revisedPrompt).toBe('revised: a cat');
    expect(upstream.requests[0]?.body).toMatchObject({ response_format: 'b64_json', n: 2, size: '256x256' });
  });

  it('refuses what the preset does not support', async () => {
    const groq = createOpenAICompatibleProvider({ name: 'groq', baseURL: upstream.baseURL });
    const error = await failure(groq.images({ model: 'x', prompt: 'a cat', n: 1, size: '256x256' }, context()));
    expect(error.kind).toBe('unsupported');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('OpenAI-compatible failures', () => {
  it('maps a 500 to a retryable server_error', async () => {
    upstream.failNext({ type: 'status', status: 500 });
    expect(await failure(provider().chat(request, context()))).toMatchObject({
      kind: 'server_error',
      status: 500,
      retryable: true,
    });
  });

  it('maps a 429 to rate_limited with the retry-after, in seconds or as a date', async () => {
    upstream.failNext({ type: 'rate_limit', retryAfter: '7' });
    expect(await failure(provider().chat(request, context()))).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 7000,
      retryable: true,
    });

    upstream.failNext({ type: 'rate_limit', retryAfter: new Date(Date.now() + 60_000).toUTCString() });
    const error = await failure(provider().chat(request, context()));
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('maps 400 to invalid_request and a wrong key to auth, neither retryable', async () => {
    const invalid = await failure(
      provider().chat({ ...request, messages: undefined } as unknown as ChatRequest, context()),
    );
    expect(invalid).toMatchObject({ kind: 'invalid_request', status: 400, retryable: false });
    expect(invalid.message).toContain("'messages' and 'model' are required");

    const wrongKey = createOpenAICompatibleProvider({ name: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-wrong' });
    expect(await failure(wrongKey.chat(request, context()))).toMatchObject({
      kind: 'auth',
      status: 401,
      retryable: false,
    });
  });

  it('times out an upstream that never answers, per the first-byte and total deadlines', async () => {
    upstream.failAlways({ type: 'hang' });
    const firstByte = await failure(provider().chat(request, context({ timeouts: { firstByteMs: 150 } })));
    expect(firstByte).toMatchObject({ kind: 'timeout', retryable: true });
    expect(firstByte.message).toContain('start answering within 150 ms');

    // A connect deadline shorter than the total one does not fire: the connection itself succeeded.
    const total = await failure(
      collect(provider().chatStream(request, context({ timeouts: { connectMs: 100, totalMs: 400 } }))),
    );
    expect(total.message).toContain('finish answering within 400 ms');
  });

  it('reports a connection reset mid-body as a retryable connection error', async () => {
    upstream.failNext({ type: 'reset' });
    expect(await failure(provider().chat(request, context()))).toMatchObject({ kind: 'connection', retryable: true });
  });

  it('reports a stream cut mid-way after the chunks that did arrive', async () => {
    upstream.failNext({ type: 'cut_stream', afterEvents: 2 });
    const received: ChatCompletionChunk[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of provider().chatStream(request, context())) received.push(chunk);
      })(),
    );
    expect(error.kind).toBe('connection');
    expect(received).toHaveLength(2);
  });

  it('maps malformed JSON and malformed SSE data to bad_response, and a mid-stream error event to server_error', async () => {
    upstream.failNext({ type: 'malformed_json' }, { type: 'malformed_sse' }, { type: 'stream_error' });
    expect((await failure(provider().chat(request, context()))).kind).toBe('bad_response');
    expect((await failure(collect(provider().chatStream(request, context())))).kind).toBe('bad_response');
    expect((await failure(collect(provider().chatStream(request, context())))).kind).toBe('server_error');
  });

  it('stops when the client goes away, as aborted', async () => {
    upstream.failAlways({ type: 'hang' });
    const controller = new AbortController();
    const pending = provider().chat(request, context({ signal: controller.signal }));
    controller.abort();
    expect(await failure(pending)).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('reports an upstream that refuses connections as a retryable connection error', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const unreachable = createOpenAICompatibleProvider({ name: 'vllm', baseURL: gone.baseURL });
    const error = await failure(unreachable.chat(request, context()));
    expect(error).toMatchObject({ kind: 'connection', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });
});
