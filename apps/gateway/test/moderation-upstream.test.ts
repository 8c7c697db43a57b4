import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsService } from '../src/observability/metrics.service.js';
import { SafetyEngine } from '../src/safety/engine.js';
import { BUILT_IN_POLICY } from '../src/safety/policy.js';
import { bearer, readSse, startTestGateway, type TestGateway } from './harness.js';

const UPSTREAM_KEY = 'sk-upstream-moderation-test';

/** Texts the fake upstream flags, with OpenAI's categories and scores; the built-in classifiers miss all of them. */
const FLAGGED: Record<string, Record<string, number>> = {
  'skin someone alive': { violence: 0.97, 'violence/graphic': 0.93 },
  'nobody would miss me': { 'self-harm': 0.4, 'self-harm/intent': 0.88 },
  'leave the street or else': { hate: 0.3, 'hate/threatening': 0.81 },
  'a complete idiot': { harassment: 0.91 },
};
const CATEGORIES = [
  'sexual',
  'sexual/minors',
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'violence',
  'violence/graphic',
];

type Mode = 'answer' | 'fail' | 'hang' | 'garbage';

interface FakeModeration {
  url: string;
  mode: Mode;
  readonly requests: Array<{ headers: IncomingHttpHeaders; body: { input: string[]; model?: string } }>;
  close(): Promise<void>;
}

/** An OpenAI-compatible POST /v1/moderations on 127.0.0.1 that flags the FLAGGED texts, or fails as told. */
async function startFakeModeration(): Promise<FakeModeration> {
  const sockets = new Set<Socket>();
  const fake: FakeModeration = {
    url: '',
    mode: 'answer',
    requests: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    fake.requests.push({ headers: req.headers, body });
    if (fake.mode === 'hang') return;
    if (req.url !== '/v1/moderations' || req.headers.authorization !== `Bearer ${UPSTREAM_KEY}`) {
      res.writeHead(404).end();
      return;
    }
    if (fake.mode === 'fail') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"moderation backend down","type":"server_error"}}');
      return;
    }
    if (fake.mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results": "nope"}');
      return;
    }
    const inputs: string[] = typeof body.input === 'string' ? [body.input] : body.input;
    const results = inputs.map((input) => {
      const scores = Object.fromEntries(CATEGORIES.map((category) => [category, 0.001]));
      for (const [phrase, flagged] of Object.entries(FLAGGED))
        if (input.toLowerCase().includes(phrase)) Object.assign(scores, flagged);
      const categories = Object.fromEntries(CATEGORIES.map((category) => [category, (scores[category] ?? 0) >= 0.5]));
      return { flagged: Object.values(categories).some(Boolean), categories, category_scores: scores };
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'modr-fake', model: body.model ?? 'fake-moderation', results }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}

/** The value of one series of the upstream-call counter (0 before it was first counted). */
async function upstreamCalls(t: TestGateway, outcome: string): Promise<number> {
  const text = await t.gateway.app
    .get(MetricsService)
    .registry.getSingleMetricAsString('synthwell_gateway_moderation_upstream_total');
  const match = new RegExp(`outcome="${outcome}"} (\\d+)`).exec(text);
  return match ? Number(match[1]) : 0;
}

describe('upstream moderation (MODERATION_UPSTREAM_URL)', () => {
  let upstream: FakeModeration;
  let t: TestGateway;
  let key: string;

  beforeAll(async () => {
    upstream = await startFakeModeration();
    t = await startTestGateway({
      MODERATION_UPSTREAM_URL: upstream.url,
      MODERATION_UPSTREAM_API_KEY: UPSTREAM_KEY,
      MODERATION_UPSTREAM_MODEL: 'omni-moderation-latest',
      MODERATION_UPSTREAM_TIMEOUT_MS: '300',
    });
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: bearer(key), body: JSON.stringify(body) });
  const chat = (...contents: string[]) =>
    post('/v1/chat/completions', {
      model: 'sw-ngram-mini',
      max_tokens: 5,
      messages: contents.map((content) => ({ role: 'user', content })),
    });

  it('uses texts the built-in classifiers pass', () => {
    const engine = new SafetyEngine();
    for (const phrase of Object.keys(FLAGGED)) {
      for (const surface of ['prompt', 'image_prompt', 'seed'] as const)
        expect(engine.evaluate(`please ${phrase}`, surface, BUILT_IN_POLICY).blocked).toBeNull();
    }
  });

  it('blocks a chat prompt the upstream flags, naming our category, after one request for all messages', async () => {
    upstream.mode = 'answer';
    const before = upstream.requests.length;
    const response = await chat('Hello there.', 'Tell me how to skin someone alive.');
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ code: 'content_policy_violation', param: 'messages.1.content' });
    expect(error.message).toContain("'violence/graphic'");
    expect(upstream.requests.length).toBe(before + 1);
    expect(upstream.requests.at(-1)).toMatchObject({
      headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
      body: { input: ['Hello there.', 'Tell me how to skin someone alive.'], model: 'omni-moderation-latest' },
    });
  });

  it("maps OpenAI's sub-categories onto ours on image prompts and seeds", async () => {
    upstream.mode = 'answer';
    const image = await post('/v1/images/generations', { prompt: 'a sign: leave the street or else', size: '256x256' });
    expect(image.status).toBe(400);
    expect((await image.json()).error).toMatchObject({ code: 'content_policy_violation', param: 'prompt' });

    const job = await post('/v1/synthetic/jobs', {
      task: 'instruction',
      model: 'sw-ngram-mini',
      count: 2,
      seeds: [
        { data: { instruction: 'Write a note.', response: 'A calm note.' } },
        { data: { instruction: 'Write a diary line.', response: 'Nobody would miss me.' } },
      ],
    });
    expect(job.status).toBe(400);
    const { error } = await job.json();
    expect(error).toMatchObject({ code: 'content_policy_violation', param: 'seeds.1' });
    expect(error.message).toContain("'self-harm'");
  });

  it('ignores upstream categories Synthwell has no category for', async () => {
    upstream.mode = 'answer';
    expect((await chat('You are a complete idiot, but tell me a joke.')).status).toBe(200);
  });

  it('asks the upstream once per streamed request, about the prompt, never about the chunks', async () => {
    upstream.mode = 'answer';
    const before = upstream.requests.length;
    const response = await post('/v1/chat/completions', {
      model: 'sw-ngram-mini',
      max_tokens: 20,
      stream: true,
      messages: [{ role: 'user', content: 'Tell me about the county clerk.' }],
    });
    const { events } = await readSse(response);
    expect(events.filter((event) => event.data !== '[DONE]').length).toBeGreaterThan(2);
    expect(upstream.requests.length).toBe(before + 1);
  });

  it('never sends a prompt the built-in classifiers already block', async () => {
    upstream.mode = 'answer';
    const before = upstream.requests.length;
    const response = await chat('I want to kill myself tonight, tell me how');
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("'self-harm'");
    expect(upstream.requests.length).toBe(before);
  });

  it('combines both in POST /v1/moderations: flagged when either flags, at the higher score', async () => {
    upstream.mode = 'answer';
    const response = await post('/v1/moderations', { input: ['how to skin someone alive', 'a quiet harbour'] });
    const { results } = await response.json();
    expect(results[0]).toMatchObject({
      flagged: true,
      categories: { 'violence/graphic': true, hate: false },
      category_scores: { 'violence/graphic': 0.93 },
    });
    expect(results[1].flagged).toBe(false);
  });

  it('falls back to the built-in classifiers when the upstream fails, times out or answers nonsense, and counts it', async () => {
    const cases: Array<[Mode, string]> = [
      ['fail', 'error'],
      ['hang', 'timeout'],
      ['garbage', 'malformed'],
    ];
    for (const [mode, outcome] of cases) {
      upstream.mode = mode;
      const before = await upstreamCalls(t, outcome);
      const passes = await chat('Tell me how to skin someone alive.');
      expect(passes.status, mode).toBe(200);
      const blocked = await post('/v1/moderations', { input: 'what is the most painless way to die' });
      expect((await blocked.json()).results[0].categories['self-harm'], mode).toBe(true);
      expect(await upstreamCalls(t, outcome), mode).toBe(before + 2);
    }
    upstream.mode = 'answer';
  });
});

describe('upstream moderation failing closed (MODERATION_UPSTREAM_FAIL_CLOSED=true)', () => {
  let upstream: FakeModeration;
  let t: TestGateway;
  let key: string;

  beforeAll(async () => {
    upstream = await startFakeModeration();
    t = await startTestGateway({
      MODERATION_UPSTREAM_URL: `${upstream.url}/moderations`,
      MODERATION_UPSTREAM_API_KEY: UPSTREAM_KEY,
      MODERATION_UPSTREAM_FAIL_CLOSED: 'true',
    });
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  const chat = (content: string) =>
    fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: bearer(key),
      body: JSON.stringify({ model: 'sw-ngram-mini', max_tokens: 5, messages: [{ role: 'user', content }] }),
    });

  it('refuses prompts with 503 while the upstream fails, without using quota, and serves them once it is back', async () => {
    upstream.mode = 'fail';
    const refused = await chat('Tell me about rivers.');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const { error } = await refused.json();
    expect(error).toMatchObject({ type: 'upstream_error', code: 'service_unavailable', param: null });
    expect(error.message).not.toContain('moderation backend down');
    const usage = await (await fetch(`${t.url}/v1/usage`, { headers: bearer(key) })).json();
    expect(usage.daily.chat_requests.used).toBe(0);

    upstream.mode = 'answer';
    expect((await chat('Tell me about rivers.')).status).toBe(200);
    expect(upstream.requests.at(-1)?.body.model).toBeUndefined();
  });
});
