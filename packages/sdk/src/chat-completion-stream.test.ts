import type { ChatCompletionChunk } from '@synthwell/contracts';
import { describe, expect, it } from 'vitest';
import { ChatCompletionStream } from './chat-completion-stream.js';
import { APIConnectionError, APIUserAbortError, SynthwellError } from './errors.js';
import { Stream } from './streaming.js';

type Choice = ChatCompletionChunk['choices'][number];

function chunk(choices: Array<Partial<Choice> & Pick<Choice, 'delta'>>, extra: Partial<ChatCompletionChunk> = {}) {
  return {
    id: 'chatcmpl_1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'sw-ngram-mini',
    choices: choices.map((choice) => ({ index: 0, finish_reason: null, ...choice })),
    ...extra,
  } satisfies ChatCompletionChunk;
}

async function* fromArray<T>(items: T[], options: { failAfter?: boolean } = {}): AsyncGenerator<T> {
  yield* items;
  if (options.failAfter) throw new APIConnectionError('cut');
}

function streamOf(chunks: ChatCompletionChunk[], options: { failAfter?: boolean } = {}) {
  return new ChatCompletionStream(() => fromArray(chunks, options), new AbortController());
}

const textChunks = [
  chunk([{ delta: { role: 'assistant', content: '' } }]),
  chunk([{ delta: { content: 'Hello' } }]),
  chunk([{ delta: { content: ', world' }, finish_reason: 'stop' }]),
  chunk([], { usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }),
];

describe('ChatCompletionStream.finalCompletion', () => {
  it('assembles the message, the finish reason and the usage', async () => {
    await expect(streamOf(textChunks).finalCompletion()).resolves.toEqual({
      id: 'chatcmpl_1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'sw-ngram-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello, world' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
  });

  it('answers after a loop that read the chunks', async () => {
    const stream = streamOf(textChunks);
    const contents: string[] = [];
    for await (const { choices } of stream) contents.push(choices[0]?.delta.content ?? '');
    expect(contents.join('')).toBe('Hello, world');
    expect((await stream.finalCompletion()).choices[0]?.message.content).toBe('Hello, world');
  });

  it('assembles tool calls from argument fragments, per choice', async () => {
    const stream = streamOf([
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
            ],
          },
        },
        { index: 1, delta: { content: 'Second' } },
      ]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] } }]),
      chunk([
        { index: 0, delta: { tool_calls: [{ index: 1, id: 'call_b', function: { name: 'now', arguments: '{}' } }] } },
      ]),
      chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] } }]),
      chunk([
        { index: 0, delta: {}, finish_reason: 'tool_calls' },
        { index: 1, delta: {}, finish_reason: 'length' },
      ]),
    ]);
    const completion = await stream.finalCompletion();
    expect(completion.usage).toBeNull();
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_b', type: 'function', function: { name: 'now', arguments: '{}' } },
          ],
        },
        finish_reason: 'tool_calls',
      },
      { index: 1, message: { role: 'assistant', content: 'Second' }, finish_reason: 'length' },
    ]);
  });

  it('rejects with the error that broke the stream', async () => {
    await expect(streamOf(textChunks.slice(0, 2), { failAfter: true }).finalCompletion()).rejects.toBeInstanceOf(
      APIConnectionError,
    );
  });

  it('rejects with the same error after a loop that caught it', async () => {
    const stream = streamOf(textChunks.slice(0, 2), { failAfter: true });
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toBeInstanceOf(APIConnectionError);
    await expect(stream.finalCompletion()).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('rejects as aborted when the reader left the loop early', async () => {
    const stream = streamOf(textChunks);
    for await (const _ of stream) break;
    expect(stream.controller.signal.aborted).toBe(true);
    await expect(stream.finalCompletion()).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('refuses to answer while a loop is still reading', async () => {
    const stream = streamOf(textChunks);
    for await (const _ of stream) {
      await expect(stream.finalCompletion()).rejects.toThrow(/still being read/);
      break;
    }
  });
});

describe('Stream', () => {
  it('can be read only once', async () => {
    const stream = new Stream(() => fromArray([1, 2]), new AbortController());
    for await (const _ of stream);
    await expect(
      (async () => {
        for await (const _ of stream);
      })(),
    ).rejects.toBeInstanceOf(SynthwellError);
  });

  it('round-trips through toReadableStream and fromReadableStream', async () => {
    const relayed = Stream.fromReadableStream<ChatCompletionChunk>(streamOf(textChunks).toReadableStream());
    const received: ChatCompletionChunk[] = [];
    for await (const item of relayed) received.push(item);
    expect(received).toEqual(textChunks);
  });

  it('passes a failure through toReadableStream', async () => {
    const readable = streamOf(textChunks.slice(0, 1), { failAfter: true }).toReadableStream();
    await expect(new Response(readable).text()).rejects.toBeInstanceOf(APIConnectionError);
  });
});
