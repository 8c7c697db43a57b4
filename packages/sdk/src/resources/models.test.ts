import type { CatalogModelList, ModelList } from '@synthwell/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Synthwell } from '../client.js';
import { APIUserAbortError } from '../errors.js';
import { hangingReply, jsonResponse, type Reply, scriptedFetch } from '../testing/fake-fetch.js';

function client(...replies: Reply[]) {
  const { fetch, requests } = scriptedFetch(...replies);
  return { sdk: new Synthwell({ apiKey: 'sk-sw-test', baseURL: 'https://gw.test/v1', fetch }), requests };
}

const model = {
  id: 'sw-ngram-pro',
  object: 'model',
  created: 1,
  owned_by: 'synthwell',
  kind: 'chat',
  tier: 'premium',
  display_name: 'N-gram Pro',
  description: null,
  context_window: 2048,
  pricing: { input_per_million_tokens: 0, output_per_million_tokens: 0, per_image: 0, currency: 'usd' },
} as const;

describe('client.models.list', () => {
  it("lists the plan's models by default, in OpenAI's shape", async () => {
    const { sdk, requests } = client(jsonResponse(200, { object: 'list', data: [] }));
    const list = await sdk.models.list();
    expectTypeOf(list).toEqualTypeOf<ModelList>();
    expect(requests[0]?.url).toBe('https://gw.test/v1/models');
  });

  it("asks for the whole catalog with include: 'locked' and types each entry's availability", async () => {
    const catalog = {
      object: 'list',
      data: [{ ...model, available: false, plans: [{ id: 'pln_premium', slug: 'premium', name: 'Premium' }] }],
    };
    const { sdk, requests } = client(jsonResponse(200, catalog));
    const list = await sdk.models.list({ include: 'locked' });
    expectTypeOf(list).toEqualTypeOf<CatalogModelList>();
    expect(list.data[0]?.available).toBe(false);
    expect(list.data[0]?.plans.map((plan) => plan.name)).toEqual(['Premium']);
    expect(requests[0]?.url).toBe('https://gw.test/v1/models?include=locked');
  });

  it('still takes request options as its only argument', async () => {
    const controller = new AbortController();
    // The request arrives, then the caller gives up on it.
    const { sdk, requests } = client((request) => {
      controller.abort();
      return hangingReply(request);
    });
    const listing = sdk.models.list({ signal: controller.signal, headers: { 'x-trace': 't1' } });
    await expect(listing).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests[0]?.url).toBe('https://gw.test/v1/models');
    expect(requests[0]?.headers.get('x-trace')).toBe('t1');
  });
});
