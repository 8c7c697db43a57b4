import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

/** The official OpenAI SDK, pointed at Synthwell, is the conformance client. */
describe('the official openai SDK against the gateway', () => {
  let t: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    t = await startTestGateway();
    client = new OpenAI({ apiKey: (await t.account('free')).key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists and retrieves models', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toContain('sw-ngram-mini');
    expect((await client.models.retrieve('sw-ngram-mini')).id).toBe('sw-ngram-mini');
  });

  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'sw-ngram-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Tell me about the weather.' },
      ],
      max_tokens: 12,
      seed: 5,
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a chat completion', async () => {
    const stream = await client.chat.completions.create({
      model: 'sw-ngram-mini',
      messages: [{ role: 'user', content: 'Say something about the city.' }],
      max_tokens: 20,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('generates images as base64 and as signed URLs', async () => {
    const b64 = await client.images.generate({
      prompt: 'a lighthouse at dusk',
      size: '256x256',
      response_format: 'b64_json',
    });
    const png = Buffer.from(b64.data?.[0]?.b64_json ?? '', 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const linked = await client.images.generate({ prompt: 'a lighthouse at dusk', size: '256x256' });
    const url = linked.data?.[0]?.url as string;
    expect(url).toContain('/v1/images/files/img_');
    const download = await fetch(url);
    expect(download.headers.get('content-type')).toBe('image/png');
  });

  it('raises the SDK error classes for our error answers', async () => {
    const bad = new OpenAI({ apiKey: 'sk-sw-nope', baseURL: `${t.url}/v1`, maxRetries: 0 });
    await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      client.chat.completions.create({ model: 'sw-ngram-pro', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const error = await client.chat.completions
      .create({ model: 'sw-ngram-mini', messages: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });
});
