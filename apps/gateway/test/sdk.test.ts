import { newId } from '@synthwell/db';
import { createApiKey, createUser, subscribe } from '@synthwell/db/testing';
import Synthwell, {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
} from '@synthwell/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

/** @synthwell/sdk against the real gateway: every method, streaming, and each error class provoked for real. */
describe('@synthwell/sdk against the gateway', () => {
  let t: TestGateway;
  let client: Synthwell;
  beforeAll(async () => {
    t = await startTestGateway({ AUTH_CACHE_TTL_MS: '0' });
    client = new Synthwell({ apiKey: (await t.account('free')).key, baseURL: `${t.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists and retrieves models', async () => {
    const list = await client.models.list();
    expect(list.data.map((model) => model.id)).toContain('sw-ngram-mini');
    const model = await client.models.retrieve('sw-ngram-mini');
    expect(model).toMatchObject({ id: 'sw-ngram-mini', kind: 'chat', tier: 'standard' });
  });

  it('creates a completion and streams one with the same seed to the same text', async () => {
    const params = {
      model: 'sw-ngram-mini',
      messages: [{ role: 'user' as const, content: 'Tell me about the river.' }],
      max_tokens: 24,
      seed: 11,
    };
    const completion = await client.chat.completions.create(params);
    const stream = await client.chat.completions.create({
      ...params,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(completion.choices[0]?.message.content);
    const final = await stream.finalCompletion();
    expect(final.usage?.completion_tokens).toBe(completion.usage.completion_tokens);
  });

  it('generates images and reports usage', async () => {
    const images = await client.images.generate({ prompt: 'a windmill', size: '256x256', response_format: 'b64_json' });
    expect(images.data[0]?.b64_json?.length).toBeGreaterThan(100);
    const usage = await client.usage.retrieve();
    expect(usage.plan.slug).toBe('free');
    expect(usage.daily.images.used).toBeGreaterThanOrEqual(1);
  });

  it('raises the right error classes, with the request id', async () => {
    const bad = new Synthwell({ apiKey: 'sk-sw-not-a-key', baseURL: `${t.url}/v1`, maxRetries: 0 });
    const auth = await bad.models.list().catch((error: unknown) => error);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect((auth as AuthenticationError).requestId).toMatch(/^req_/);
    await expect(
      client.chat.completions.create({ model: 'sw-ngram-pro', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(NotFoundError);
    const invalid = await client.chat.completions
      .create({ model: 'sw-ngram-mini', messages: [] })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect((invalid as BadRequestError).param).toBe('messages');
    const offline = new Synthwell({ apiKey: 'sk-sw-x', baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0 });
    await expect(offline.models.list()).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('tells a used-up daily quota (not retried) from a per-minute limit', async () => {
    const plan = await t.db.plan.create({
      data: {
        id: newId('pln'),
        slug: `sdk-${newId('pln')}`,
        name: 'Tiny',
        priceCents: 0,
        requestsPerMinute: 100,
        tokensPerMinute: 100_000,
        chatRequestsPerDay: 1,
        imagesPerDay: 0,
        syntheticRecordsPerDay: 0,
        concurrentSyntheticJobs: 1,
        modelTiers: ['standard'],
      },
    });
    const { user } = await createUser(t.db);
    await subscribe(t.db, user.id, plan);
    const limited = new Synthwell({
      apiKey: (await createApiKey(t.db, user.id)).key,
      baseURL: `${t.url}/v1`,
      maxRetries: 2,
    });
    await limited.chat.completions.create({
      model: 'sw-ngram-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 3,
    });
    const started = Date.now();
    const quota = await limited.chat.completions
      .create({ model: 'sw-ngram-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 })
      .catch((error: unknown) => error);
    expect(quota).toBeInstanceOf(QuotaExceededError);
    expect(quota).not.toBeInstanceOf(RateLimitError);
    // Not retried: a used-up daily quota cannot recover in seconds.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
