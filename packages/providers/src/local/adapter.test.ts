import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatCompletionChunk } from '@synthwell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRgbPng } from '../testing/png-reader.js';
import { countChatPromptTokens, countTokens } from '../tokenizer.js';
import { type CallContext, type ChatRequest, ProviderError } from '../types.js';
import { createLocalProvider } from './adapter.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'local-provider-'));
const local = createLocalProvider({ cacheDir, trainingFiles: 20 });
beforeAll(() => local.ready());
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const context = (signal: AbortSignal = new AbortController().signal): CallContext => ({
  signal,
  requestId: 'req_local',
});
const ask = (content: string, options: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'ngram-4',
  messages: [
    { role: 'system', content: 'You are a model of 1961 American English.' },
    { role: 'user', content },
  ],
  ...options,
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

describe('local chat', () => {
  it('answers with text and reports exact usage', async () => {
    const request = ask('What did the jury say about the election?', { seed: 1 });
    const completion = await local.chat(request, context());
    const content = completion.choices[0]?.message.content ?? '';
    expect(content.length).toBeGreaterThan(0);
    expect(completion.model).toBe('ngram-4');
    expect(completion.usage).toEqual({
      prompt_tokens: countChatPromptTokens(request.messages),
      completion_tokens: countTokens(content),
      total_tokens: countChatPromptTokens(request.messages) + countTokens(content),
    });
  });

  it('opens with the rarest word of the question that it knows', async () => {
    const completion = await local.chat(ask('Tell me about the jury', { seed: 3 }), context());
    expect(completion.choices[0]?.message.content).toMatch(/^Jury\b/);
  });

  it('repeats itself for the same seed and request, and not for another seed', async () => {
    const content = async (seed: number) =>
      (await local.chat(ask('Describe the city', { seed }), context())).choices[0]?.message.content;
    expect(await content(11)).toBe(await content(11));
    expect(await content(11)).not.toBe(await content(12));
  });

  it('is deterministic at temperature 0 even without a seed', async () => {
    const content = async () =>
      (await local.chat(ask('Describe the city', { temperature: 0 }), context())).choices[0]?.message.content;
    expect(await content()).toBe(await content());
  });

  it('streams word by word the same text it would return, then the usage', async () => {
    const request = ask('Describe the church', { seed: 5, n: 2 });
    const chunks = await collect(local.chatStream(request, context()));
    const completion = await local.chat(request, context());
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    for (const index of [0, 1]) {
      const streamed = chunks
        .flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index))
        .map((choice) => choice.delta.content ?? '')
        .join('');
      expect(streamed).toBe(completion.choices[index]?.message.content);
    }
    expect(completion.choices[0]?.message.content).not.toBe(completion.choices[1]?.message.content);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(10);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: completion.usage });
  });

  it('stops at max_tokens with finish reason length', async () => {
    const completion = await local.chat(ask('Describe the river', { seed: 2, max_tokens: 6 }), context());
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage.completion_tokens).toBe(6);
  });

  it('never outputs a stop sequence', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const completion = await local.chat(ask('Describe the house', { seed, stop: [' the', ','] }), context());
      expect(completion.choices[0]?.message.content).not.toMatch(/ the|,/);
    }
  });

  it('refuses tools, even with a JSON mode, and unknown models', async () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'f' } }];
    expect((await failure(local.chat(ask('Hi', { tools }), context()))).kind).toBe('unsupported');
    const jsonMode = { tools, response_format: { type: 'json_object' } } as const;
    expect((await failure(local.chat(ask('Hi', jsonMode), context()))).kind).toBe('unsupported');
    expect((await failure(local.chat(ask('Hi', { model: 'ngram-9' }), context()))).kind).toBe('invalid_request');
  });

  it('stops generating when the client goes away', async () => {
    const controller = new AbortController();
    const received: ChatCompletionChunk[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of local.chatStream(
          ask('Describe the war', { seed: 4, max_tokens: 500 }),
          context(controller.signal),
        )) {
          received.push(chunk);
          if (chunk.choices[0]?.delta.content) controller.abort();
        }
      })(),
    );
    expect(error.kind).toBe('aborted');
    expect(received.filter((chunk) => chunk.choices[0]?.delta.content)).toHaveLength(1);
  });

  it('caches both trained models, and a provider reading the cache answers the same', async () => {
    expect(readdirSync(cacheDir).filter((file) => file.endsWith('.ngram'))).toHaveLength(2);
    const reloaded = createLocalProvider({ cacheDir, trainingFiles: 20 });
    const request = ask('Describe the garden', { seed: 8, model: 'ngram-3' });
    expect((await reloaded.chat(request, context())).choices).toEqual((await local.chat(request, context())).choices);
  });
});

describe('local images', () => {
  it('renders n PNGs of the requested size; image i of seed s is the image of seed s + i', async () => {
    const images = await local.images(
      { model: 'canvas', prompt: 'a harbour at dawn', n: 2, size: '256x256', seed: 5 },
      context(),
    );
    expect(images).toHaveLength(2);
    const decoded = decodeRgbPng(images[1]!.png);
    expect([decoded.width, decoded.height]).toEqual([256, 256]);
    const [alone] = await local.images(
      { model: 'canvas', prompt: 'a harbour at dawn', n: 1, size: '256x256', seed: 6 },
      context(),
    );
    expect(alone?.png).toEqual(images[1]?.png);
    expect(images[0]?.png).not.toEqual(images[1]?.png);
  });

  it('rejects unknown image models', async () => {
    const error = await failure(local.images({ model: 'dall-e-3', prompt: 'x', n: 1, size: '256x256' }, context()));
    expect(error.kind).toBe('invalid_request');
  });
});
