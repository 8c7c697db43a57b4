import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { newId } from '@synthwell/db';
import { type FakeUpstream, startFakeOpenAI } from '@synthwell/providers/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { bearer, readSse, startTestGateway, type TestGateway } from './harness.js';

interface SlowCall {
  /** True when the gateway hung up before the 200 words were sent. */
  closedEarly: Promise<boolean>;
}

/** An upstream that streams one word every 40 ms (whatever was asked) and notes whether its client hung up early. */
function startSlowUpstream(): Promise<{ server: Server; url: string; nextCall: () => Promise<SlowCall> }> {
  let announce: (call: SlowCall) => void = () => {};
  const nextCall = () =>
    new Promise<SlowCall>((resolve) => {
      announce = resolve;
    });
  const server = createServer((req, res) => {
    let resolveClosed: (early: boolean) => void = () => {};
    announce({
      closedEarly: new Promise<boolean>((resolve) => {
        resolveClosed = resolve;
      }),
    });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const timer = setInterval(() => {
      const chunk = {
        id: 'slow',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'slow',
        choices: [{ index: 0, delta: { content: `word${sent} ` }, finish_reason: null }],
      };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (++sent === 200) {
        clearInterval(timer);
        res.end('data: [DONE]\n\n');
        resolveClosed(false);
      }
    }, 40);
    res.on('close', () => {
      clearInterval(timer);
      if (sent < 200) resolveClosed(true);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, nextCall }),
    ),
  );
}

describe('routing: retries, fallbacks, timeouts and broken upstreams', () => {
  let t: TestGateway;
  let primary: FakeUpstream;
  let backup: FakeUpstream;
  let slow: Awaited<ReturnType<typeof startSlowUpstream>>;
  let key: string;

  beforeAll(async () => {
    primary = await startFakeOpenAI({ reply: 'Primary says hello to you all.' });
    backup = await startFakeOpenAI({ reply: 'Backup answers instead.', omitStreamUsage: true });
    slow = await startSlowUpstream();
    t = await startTestGateway({
      SYNTHWELL_PROVIDER_PRIMARY_BASE_URL: primary.baseURL,
      SYNTHWELL_PROVIDER_BACKUP_BASE_URL: backup.baseURL,
      SYNTHWELL_PROVIDER_SLOW_BASE_URL: slow.url,
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
      SSE_KEEPALIVE_MS: '150',
      UPSTREAM_MAX_RETRIES: '2',
    });
    const model = (id: string, routes: Array<[string, number]>) =>
      t.db.model.create({
        data: {
          id,
          kind: 'chat',
          tier: 'standard',
          displayName: id,
          routes: {
            create: routes.map(([provider, order]) => ({
              id: newId('rte'),
              provider,
              upstreamModel: `${provider}-model`,
              order,
            })),
          },
        },
      });
    await model('solo', [['primary', 0]]);
    await model('routed', [
      ['primary', 0],
      ['backup', 1],
    ]);
    await model('backup-only', [['backup', 0]]);
    await model('slow', [['slow', 0]]);
    await model('cut', [['primary', 0]]);
    await model('keepalive', [['primary', 0]]);
    await model('routed-stream', [
      ['primary', 0],
      ['backup', 1],
    ]);
    await t.gateway.app.get(CatalogService).refresh();
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([primary?.close(), backup?.close(), new Promise((done) => slow?.server.close(done))]);
  });
  beforeEach(() => {
    primary.failAlways(null);
    backup.failAlways(null);
  });

  const chat = (model: string, extra: Record<string, unknown> = {}, init: RequestInit = {}) =>
    fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: bearer(key),
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
      ...init,
    });

  async function usageOf(response: Response) {
    await t.flushUsage();
    return t.db.usageEvent.findUniqueOrThrow({ where: { requestId: response.headers.get('x-request-id') as string } });
  }

  it('retries a 500 on the same route and answers', async () => {
    const before = primary.requests.length;
    primary.failNext({ type: 'status', status: 500 });
    const response = await chat('solo');
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe('Primary says hello to you all.');
    expect(primary.requests.length - before).toBe(2);
  });

  it('honours retry-after on a 429', async () => {
    primary.failNext({ type: 'rate_limit', retryAfter: '1' });
    const started = Date.now();
    const response = await chat('solo');
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('answers 429 upstream_rate_limited, not our own code, when the upstream asks for a long wait', async () => {
    primary.failAlways({ type: 'rate_limit', retryAfter: '120' });
    const response = await chat('solo');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('120');
    expect((await response.json()).error).toMatchObject({ type: 'rate_limit_error', code: 'upstream_rate_limited' });
  });

  it('falls back to the next route when one keeps failing', async () => {
    primary.failAlways({ type: 'status', status: 503 });
    const response = await chat('routed');
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe('Backup answers instead.');
    expect((await usageOf(response)).provider).toBe('backup');
  });

  it('answers 502 without the upstream payload when every route fails', async () => {
    primary.failAlways({ type: 'status', status: 500, message: 'secret internal detail acct_123' });
    backup.failAlways({ type: 'status', status: 500, message: 'secret internal detail acct_123' });
    const response = await chat('routed');
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error).toMatchObject({ type: 'upstream_error', code: 'upstream_error' });
    expect(JSON.stringify(body)).not.toContain('acct_123');
  });

  it('sends keep-alive comments while a stream waits for its first chunk', async () => {
    primary.failNext({ type: 'delay', ms: 700 });
    const response = await chat('keepalive', { stream: true });
    expect(response.status).toBe(200);
    const { events, comments } = await readSse(response);
    expect(comments).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.data).toBe('[DONE]');
  });

  it('times out a hanging upstream with 504', async () => {
    backup.failAlways({ type: 'hang' });
    const response = await chat('backup-only');
    expect(response.status).toBe(504);
    expect((await response.json()).error.code).toBe('upstream_timeout');
  });

  it('answers 502 for malformed upstream JSON', async () => {
    backup.failAlways({ type: 'malformed_json' });
    const response = await chat('backup-only');
    expect(response.status).toBe(502);
  });

  it('falls back for a stream when the first route fails before any content', async () => {
    primary.failAlways({ type: 'status', status: 500 });
    const response = await chat('routed-stream', { stream: true });
    expect(response.status).toBe(200);
    const { events } = await readSse(response);
    const text = events
      .filter((event) => event.data !== '[DONE]')
      .map((event) => JSON.parse(event.data).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Backup answers instead.');
    // The backup reports no usage; the gateway counts what it delivered.
    const usage = await usageOf(response);
    expect(usage).toMatchObject({ provider: 'backup', outcome: 'ok' });
    expect(usage.completionTokens).toBeGreaterThan(0);
  });

  it('ends a stream cut mid-way with an error event, metering what was delivered', async () => {
    primary.failNext({ type: 'cut_stream', afterEvents: 3 });
    const response = await chat('cut', { stream: true });
    expect(response.status).toBe(200);
    const { events } = await readSse(response);
    const last = events.at(-1);
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '{}').error.type).toBe('upstream_error');
    expect(events.some((event) => event.data === '[DONE]')).toBe(false);
    const usage = await usageOf(response);
    expect(usage.outcome).toBe('upstream_error');
    expect(usage.completionTokens).toBeGreaterThan(0);
  });

  /** The first usage record matching `where`, flushing the ledger until it is there (or 50 tries). */
  async function meteredEvent(where: NonNullable<Parameters<typeof t.db.usageEvent.findFirst>[0]>['where']) {
    let event = null;
    for (let attempt = 0; attempt < 50 && !event; attempt++) {
      await t.flushUsage();
      event = await t.db.usageEvent.findFirst({ where });
      if (!event) await new Promise((done) => setImmediate(done));
    }
    return event;
  }

  it('cancels the upstream when the client disconnects, and meters the delivered part', async () => {
    const controller = new AbortController();
    const call = slow.nextCall();
    const response = await chat('slow', { stream: true }, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while ((received.match(/word/g) ?? []).length < 3)
      received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    expect(await (await call).closedEarly).toBe(true);
    const event = await meteredEvent({ requestId: response.headers.get('x-request-id') as string });
    expect(event).toMatchObject({ outcome: 'client_closed', status: 499 });
    expect(event?.completionTokens).toBeGreaterThanOrEqual(3);
  });

  it('cancels the upstream when the client hangs up waiting for a whole answer, on a connection that served others', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (model: string) =>
      new Promise<{ status: number; requestId: string; socket: Socket }>((resolve, reject) => {
        const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });
        const req = httpRequest(`${t.url}/v1/chat/completions`, {
          method: 'POST',
          agent,
          headers: { ...bearer(key), 'content-length': String(Buffer.byteLength(body)) },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              requestId: String(res.headers['x-request-id']),
              socket: req.socket as Socket,
            }),
          );
        });
        req.on('error', reject);
        req.end(body);
      });
    // Two answers on one keep-alive connection first: the connection's signal must not fire for them.
    const first = await post('solo');
    const second = await post('solo');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.socket).toBe(first.socket);

    const since = new Date();
    const call = slow.nextCall();
    const hungUp = post('slow').catch((error: Error) => error);
    const upstream = await call;
    agent.destroy();
    expect(await hungUp).toBeInstanceOf(Error);
    expect(await upstream.closedEarly).toBe(true);
    const event = await meteredEvent({ model: 'slow', createdAt: { gte: since } });
    expect(event).toMatchObject({ outcome: 'client_closed', status: 499, completionTokens: 0 });
  });

  it('opens the circuit after repeated failures and stops sending to that route', async () => {
    primary.failAlways({ type: 'status', status: 500 });
    for (let i = 0; i < 3; i++) expect((await chat('routed')).status).toBe(200);
    const before = primary.requests.length;
    expect((await chat('routed')).status).toBe(200);
    expect(primary.requests.length).toBe(before);
  });
});
