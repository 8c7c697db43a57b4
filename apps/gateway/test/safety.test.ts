import { newId } from '@synthwell/db';
import { type FakeUpstream, startFakeOpenAI } from '@synthwell/providers/testing';
import { issueSessionToken } from '@synthwell/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { MetricsService } from '../src/observability/metrics.service.js';
import { bearer, readSse, SESSION_SECRET, startTestGateway, streamedText, type TestGateway } from './harness.js';

const PII_REPLY = 'Sure, call the desk on (415) 555-0132 or mail desk@hotel.example to confirm.';
const GORE_REPLY = 'The knight swung and the decapitated guard fell as his entrails spilled over the stones.';

describe('content policy in the gateway', () => {
  let t: TestGateway;
  let pii: FakeUpstream;
  let gore: FakeUpstream;
  let key: string;
  let premiumKey: string;
  let admin: Record<string, string>;

  beforeAll(async () => {
    pii = await startFakeOpenAI({ reply: PII_REPLY });
    gore = await startFakeOpenAI({ reply: GORE_REPLY });
    t = await startTestGateway({
      SYNTHWELL_PROVIDER_PII_BASE_URL: pii.baseURL,
      SYNTHWELL_PROVIDER_GORE_BASE_URL: gore.baseURL,
    });
    for (const provider of ['pii', 'gore']) {
      await t.db.model.create({
        data: {
          id: `${provider}-model`,
          kind: 'chat',
          tier: 'standard',
          displayName: provider,
          routes: { create: [{ id: newId('rte'), provider, upstreamModel: 'm', order: 0 }] },
        },
      });
    }
    await t.gateway.app.get(CatalogService).refresh();
    key = (await t.account('free')).key;
    premiumKey = (await t.account('premium')).key;
    const root = await t.account('free');
    admin = bearer(issueSessionToken({ sub: root.user.id, role: 'admin' }, [SESSION_SECRET]).token);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([pii?.close(), gore?.close()]);
  });

  const post = (path: string, body: unknown, headers = bearer(key)) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const chat = (model: string, content: string, extra: Record<string, unknown> = {}, apiKey = key) =>
    post('/v1/chat/completions', { model, messages: [{ role: 'user', content }], ...extra }, bearer(apiKey));
  const setPolicy = (plan: string, change: object) =>
    fetch(`${t.url}/v1/safety/policies/${plan}`, { method: 'PUT', headers: admin, body: JSON.stringify(change) });

  it('refuses a blocked chat prompt with 400 content_policy_violation naming the category, before any upstream call', async () => {
    const before = pii.requests.length;
    const response = await chat('pii-model', 'I want to kill myself tonight, tell me how');
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({
      code: 'content_policy_violation',
      type: 'invalid_request_error',
      param: 'messages.0.content',
    });
    expect(error.message).toContain("'self-harm'");
    expect(pii.requests.length).toBe(before);
    const streamed = await chat('pii-model', 'I want to kill myself tonight', { stream: true });
    expect(streamed.status).toBe(400);
    expect((await streamed.json()).error.code).toBe('content_policy_violation');
  });

  it('refuses a synthetic-data job whose seeds carry a blocked category, before it is queued', async () => {
    const response = await post('/v1/synthetic/jobs', {
      task: 'instruction',
      model: 'sw-ngram-mini',
      count: 2,
      seeds: [{ data: { instruction: 'Write a note.', response: 'I want to kill myself tonight.' } }],
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'content_policy_violation', param: 'seeds.0' });
    expect(await t.db.syntheticJob.count()).toBe(0);
  });

  it('refuses blocked image prompts: protected characters and real people', async () => {
    const character = await post('/v1/images/generations', { prompt: 'Pikachu eating ramen', size: '256x256' });
    expect(character.status).toBe(400);
    expect((await character.json()).error).toMatchObject({ code: 'content_policy_violation', param: 'prompt' });
    const person = await post('/v1/images/generations', { prompt: 'Joe Biden asleep at his desk', size: '256x256' });
    expect((await person.json()).error.message).toContain("'real-person'");
  });

  it('redacts personal data in a plain answer', async () => {
    const response = await chat('pii-model', 'how do I reach the hotel?');
    expect(response.status).toBe(200);
    const content = (await response.json()).choices[0].message.content;
    expect(content).toBe('Sure, call the desk on [REDACTED] or mail [REDACTED] to confirm.');
  });

  it('redacts personal data split across streamed chunks', async () => {
    const response = await chat('pii-model', 'how do I reach the hotel?', { stream: true });
    const { events } = await readSse(response);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(streamedText(events)).toBe('Sure, call the desk on [REDACTED] or mail [REDACTED] to confirm.');
    // While the guard holds text back, nothing is sent for it: no event with an empty delta.
    const choices = events
      .filter((event) => event.data !== '[DONE]')
      .flatMap((event) => JSON.parse(event.data).choices as Array<{ delta: object; finish_reason: string | null }>);
    expect(choices.filter((choice) => choice.finish_reason === null && isEmptyDelta(choice.delta))).toEqual([]);
  });

  it('ends a stream that turns graphic with an error event and no [DONE]', async () => {
    const response = await chat('gore-model', 'tell me a story', { stream: true });
    expect(response.status).toBe(200);
    const { events } = await readSse(response);
    const last = events.at(-1);
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '{}').error).toMatchObject({ code: 'content_policy_violation' });
    expect(events.some((event) => event.data === '[DONE]')).toBe(false);
    expect(events.map((event) => event.data).join('')).not.toContain('entrails');
  });

  it('lets admins change a plan at run time: flagged outputs pass, are listed without text, and are counted', async () => {
    expect((await setPolicy('premium', { 'violence/graphic': 'flag' })).status).toBe(200);
    const response = await chat('gore-model', 'tell me a story', {}, premiumKey);
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe(GORE_REPLY);
    const stillBlocked = await chat('gore-model', 'tell me a story', {}, key);
    expect(stillBlocked.status).toBe(400);

    const flags = await (await fetch(`${t.url}/v1/safety/flags`, { headers: admin })).json();
    const flagged = flags.data.find(
      (item: { request_id: string }) => item.request_id === response.headers.get('x-request-id'),
    );
    expect(flagged).toMatchObject({
      plan: 'premium',
      surface: 'output',
      category: 'violence/graphic',
      action: 'flag',
      model: 'gore-model',
    });
    expect(JSON.stringify(flags)).not.toContain('decapitated');

    const metrics = await t.gateway.app
      .get(MetricsService)
      .registry.getSingleMetricAsString('synthwell_gateway_safety_decisions_total');
    expect(metrics).toMatch(/surface="output",category="violence\/graphic",action="flag"} [1-9]/);
    expect(metrics).toMatch(/surface="prompt",category="self-harm",action="block"} [1-9]/);
  });

  it('never lets an admin relax sexual content involving minors, and hides the admin routes from users', async () => {
    const relax = await setPolicy('premium', { 'sexual/minors': 'allow' });
    expect(relax.status).toBe(400);
    expect((await relax.json()).error.param).toBe('sexual/minors');
    const asUser = await fetch(`${t.url}/v1/safety/policies`, { headers: bearer(key) });
    expect(asUser.status).toBe(404);
    const listed = await (await fetch(`${t.url}/v1/safety/policies`, { headers: admin })).json();
    expect(listed.data.find((p: { plan: string }) => p.plan === 'premium').policy['sexual/minors']).toBe('block');
  });

  describe('POST /v1/moderations', () => {
    const moderate = (body: unknown, headers: Record<string, string> = bearer(key)) =>
      fetch(`${t.url}/v1/moderations`, { method: 'POST', headers, body: JSON.stringify(body) });

    it("answers in OpenAI's shape, one result per input", async () => {
      const response = await moderate({ input: ['have a lovely day', 'jews are vermin and should be exterminated'] });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.id).toMatch(/^modr-/);
      expect(body.results).toHaveLength(2);
      const [clean, hateful] = body.results;
      expect(clean.flagged).toBe(false);
      expect(Object.keys(clean.categories)).toEqual(Object.keys(clean.category_scores));
      expect(hateful).toMatchObject({ flagged: true, categories: { hate: true, 'self-harm': false } });
      expect(hateful.category_scores.hate).toBeGreaterThanOrEqual(0.5);
    });

    it('accepts a single string, validates the body, and requires a key', async () => {
      const single = await (await moderate({ input: 'Pikachu in the style of Greg Rutkowski' })).json();
      expect(single.results[0].categories['intellectual-property']).toBe(true);
      expect((await moderate({ input: 42 })).status).toBe(400);
      expect((await moderate({ input: 'x' }, { 'content-type': 'application/json' })).status).toBe(401);
    });
  });
});

/** A delta with no role, tool calls or text. */
function isEmptyDelta(delta: { role?: string; content?: string | null; tool_calls?: unknown }): boolean {
  return delta.role === undefined && delta.tool_calls === undefined && !delta.content;
}
