import { newId } from '@synthwell/db';
import { createApiKey, createUser, subscribe } from '@synthwell/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';

const chat = { model: 'sw-ngram-mini', messages: [{ role: 'user', content: 'Hello there.' }], max_tokens: 5, seed: 1 };

describe('plans on the hot path', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway({ AUTH_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A user on a plan of its own, so each test owns its limits. */
  async function onPlan(
    limits: Partial<{
      requestsPerMinute: number;
      tokensPerMinute: number;
      chatRequestsPerDay: number;
      imagesPerDay: number;
    }>,
  ) {
    const plan = await t.db.plan.create({
      data: {
        id: newId('pln'),
        slug: `test-${newId('pln')}`,
        name: 'Tiny',
        priceCents: 0,
        requestsPerMinute: limits.requestsPerMinute ?? 100,
        tokensPerMinute: limits.tokensPerMinute ?? 100_000,
        chatRequestsPerDay: limits.chatRequestsPerDay ?? 100,
        imagesPerDay: limits.imagesPerDay ?? 100,
        syntheticRecordsPerDay: 100,
        concurrentSyntheticJobs: 1,
        modelTiers: ['standard'],
      },
    });
    const { user } = await createUser(t.db);
    await subscribe(t.db, user.id, plan);
    const { key } = await createApiKey(t.db, user.id);
    return { plan, user, key };
  }

  const post = (key: string, path = '/v1/chat/completions', body: unknown = chat) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: bearer(key), body: JSON.stringify(body) });

  it('holds a daily quota exactly, answering 429 quota_exceeded with when it resets', async () => {
    const { key } = await onPlan({ chatRequestsPerDay: 3 });
    for (let i = 0; i < 3; i++) expect((await post(key)).status).toBe(200);
    const refused = await post(key);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.error).toMatchObject({ type: 'insufficient_quota', code: 'quota_exceeded' });
    expect(body.error.message).toContain('resets at 00:00 UTC');
    const retryAfter = Number(refused.headers.get('retry-after'));
    const secondsToMidnight = (new Date().setUTCHours(24, 0, 0, 0) - Date.now()) / 1000;
    expect(Math.abs(retryAfter - secondsToMidnight)).toBeLessThan(5);
  });

  it('holds requests per minute, with a different code and x-ratelimit headers', async () => {
    const { key } = await onPlan({ requestsPerMinute: 2 });
    const first = await post(key);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(first.headers.get('x-ratelimit-reset-requests')).toBe('30s');
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect((await post(key)).status).toBe(200);
    const refused = await post(key);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBe(30);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('refuses a request whose tokens exceed the per-minute budget, consuming nothing', async () => {
    const { key } = await onPlan({ tokensPerMinute: 100, chatRequestsPerDay: 1 });
    const refused = await post(key, '/v1/chat/completions', { ...chat, max_tokens: 500 });
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.param).toBe('max_tokens');
    expect((await post(key)).status).toBe(200);
  });

  it('counts images by the number generated', async () => {
    const { key } = await onPlan({ imagesPerDay: 3 });
    expect((await post(key, '/v1/images/generations', { prompt: 'a', n: 2, size: '256x256' })).status).toBe(200);
    const refused = await post(key, '/v1/images/generations', { prompt: 'a', n: 2, size: '256x256' });
    expect(refused.status).toBe(429);
    expect((await post(key, '/v1/images/generations', { prompt: 'a', n: 1, size: '256x256' })).status).toBe(200);
  });

  it('reports the plan and what remains on /v1/usage', async () => {
    const { key, plan } = await onPlan({ chatRequestsPerDay: 10, requestsPerMinute: 50 });
    await post(key);
    await post(key);
    const usage = await (await fetch(`${t.url}/v1/usage`, { headers: bearer(key) })).json();
    expect(usage).toMatchObject({
      object: 'usage',
      plan: { id: plan.id, name: 'Tiny', model_tiers: ['standard'] },
      daily: { chat_requests: { limit: 10, used: 2, remaining: 8 }, images: { used: 0 } },
      minute: { requests: { limit: 50, used: 2, remaining: 48 } },
    });
    expect(new Date(usage.resets_at).getUTCHours()).toBe(0);
  });

  it('lets a Free key use a premium model right after an upgrade', async () => {
    const { user } = await createUser(t.db);
    const { key } = await createApiKey(t.db, user.id);
    const premiumChat = { ...chat, model: 'sw-ngram-pro' };
    expect((await post(key, '/v1/chat/completions', premiumChat)).status).toBe(403);
    await subscribe(t.db, user.id, await t.db.plan.findUniqueOrThrow({ where: { slug: 'premium' } }));
    // AUTH_CACHE_TTL_MS=0 here; the default 5 s TTL bounds the delay in production (see docs).
    expect((await post(key, '/v1/chat/completions', premiumChat)).status).toBe(200);
  });
});
