import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { bearer, startTestGateway, type TestGateway } from './harness.js';

interface CatalogEntry {
  id: string;
  tier: string;
  available: boolean;
  plans: Array<{ id: string; slug: string; name: string }>;
}

describe('/v1/models', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists only the models the caller's plan includes, labelled as small offline models", async () => {
    const free = await t.account('free');
    const premium = await t.account('premium');
    const freeList = await (await fetch(`${t.url}/v1/models`, { headers: bearer(free.key) })).json();
    const premiumList = await (await fetch(`${t.url}/v1/models`, { headers: bearer(premium.key) })).json();
    expect(freeList.object).toBe('list');
    expect(freeList.data.map((model: { id: string }) => model.id).sort()).toEqual(['sw-canvas', 'sw-ngram-mini']);
    expect(premiumList.data.map((model: { id: string }) => model.id).sort()).toEqual([
      'sw-canvas',
      'sw-canvas-pro',
      'sw-ngram-mini',
      'sw-ngram-pro',
    ]);
    const mini = freeList.data.find((model: { id: string }) => model.id === 'sw-ngram-mini');
    expect(mini).toMatchObject({
      object: 'model',
      kind: 'chat',
      tier: 'standard',
      owned_by: 'synthwell',
      pricing: { currency: 'usd' },
    });
    expect(mini.display_name).toContain('offline');
  });

  it('retrieves one model, and hides a premium model from a Free caller', async () => {
    const free = await t.account('free');
    const ok = await fetch(`${t.url}/v1/models/sw-ngram-mini`, { headers: bearer(free.key) });
    expect(ok.status).toBe(200);
    expect((await ok.json()).id).toBe('sw-ngram-mini');
    const hidden = await fetch(`${t.url}/v1/models/sw-ngram-pro`, { headers: bearer(free.key) });
    expect(hidden.status).toBe(404);
    expect((await hidden.json()).error).toMatchObject({ type: 'not_found_error', code: 'model_not_found' });
  });

  it('lists the whole catalog with include=locked: locked models by name, with the plans that include them', async () => {
    const free = await t.account('free');
    const premium = await t.account('premium');
    const catalog = async (key: string): Promise<Record<string, CatalogEntry>> => {
      const response = await fetch(`${t.url}/v1/models?include=locked`, { headers: bearer(key) });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.object).toBe('list');
      return Object.fromEntries(body.data.map((model: CatalogEntry) => [model.id, model]));
    };
    const forFree = await catalog(free.key);
    expect(Object.keys(forFree).sort()).toEqual(['sw-canvas', 'sw-canvas-pro', 'sw-ngram-mini', 'sw-ngram-pro']);
    expect(forFree['sw-ngram-pro']).toMatchObject({
      object: 'model',
      tier: 'premium',
      display_name: expect.any(String),
      available: false,
      plans: [{ id: 'pln_premium', slug: 'premium', name: 'Premium' }],
    });
    expect(forFree['sw-ngram-mini']).toMatchObject({
      available: true,
      plans: [{ slug: 'free' }, { slug: 'premium' }],
    });
    const forPremium = await catalog(premium.key);
    expect(Object.values(forPremium).every((model) => model.available)).toBe(true);

    // The default answer keeps OpenAI's shape: no availability fields.
    const plain = await (await fetch(`${t.url}/v1/models`, { headers: bearer(free.key) })).json();
    expect(Object.keys(plain.data[0]).sort()).toEqual(
      Object.keys(forFree['sw-canvas'] ?? {})
        .filter((key) => key !== 'available' && key !== 'plans')
        .sort(),
    );

    const bad = await fetch(`${t.url}/v1/models?include=everything`, { headers: bearer(free.key) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ type: 'invalid_request_error', param: 'include' });
  });

  it('drops a disabled model and an archived plan once the catalog refreshes', async () => {
    const fresh = await startTestGateway();
    try {
      const free = await fresh.account('free');
      const ids = async (query: string) =>
        (await (await fetch(`${fresh.url}/v1/models${query}`, { headers: bearer(free.key) })).json()).data.map(
          (model: { id: string }) => model.id,
        );
      expect(await ids('')).toContain('sw-canvas');
      await fresh.db.model.update({ where: { id: 'sw-canvas' }, data: { enabled: false } });
      await fresh.db.plan.update({ where: { id: 'pln_premium' }, data: { archivedAt: new Date() } });
      // What the invalidation subscriber runs on `{ all: true }` (and the timer every CATALOG_REFRESH_MS).
      await fresh.gateway.app.get(CatalogService).refresh();
      expect(await ids('')).not.toContain('sw-canvas');
      expect(await ids('?include=locked')).not.toContain('sw-canvas');
      const locked = await (await fetch(`${fresh.url}/v1/models?include=locked`, { headers: bearer(free.key) })).json();
      const pro = locked.data.find((model: CatalogEntry) => model.id === 'sw-ngram-pro');
      expect(pro).toMatchObject({ available: false, plans: [] });
    } finally {
      await fresh.close();
    }
  });

  it('serves the OpenAPI document without a key', async () => {
    const response = await fetch(`${t.url}/v1/openapi.json`);
    expect(response.status).toBe(200);
    const doc = await response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe(t.url);
  });

  it('answers unknown routes with a 404 in the OpenAI error shape', async () => {
    const response = await fetch(`${t.url}/v1/nope`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.type).toBe('not_found_error');
  });

  it('reports health and readiness, and exposes Prometheus metrics', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).checks).toMatchObject({ database: true, catalog: true, models: true });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('synthwell_gateway_overhead_seconds_bucket');
    expect(metrics).toContain('synthwell_gateway_requests_total');
  });
});
