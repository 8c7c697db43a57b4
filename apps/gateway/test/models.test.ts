import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';

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
