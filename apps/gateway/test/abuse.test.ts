import { once } from 'node:events';
import type { Socket } from 'node:net';
import { newId } from '@synthwell/db';
import { type FakeUpstream, startFakeOpenAI } from '@synthwell/providers/testing';
import { issueSessionToken } from '@synthwell/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { InvalidationSubscriber } from '../src/events/invalidation.subscriber.js';
import {
  bearer,
  expectErrorBody,
  readSse,
  SESSION_SECRET,
  startTestGateway,
  streamedText,
  type TestGateway,
  withRedisIfSet,
} from './harness.js';
import { exchange, openSocket, type RawResponse, readResponse } from './raw-http.js';
import { follow, offlineJob, submit } from './synthetic-fixtures.js';

const CHAT = { model: 'sw-ngram-mini', messages: [{ role: 'user', content: 'hello' }], max_tokens: 3 };

function expectDocumentedError(response: RawResponse, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')?.[0]).toContain('application/json');
  expectErrorBody(JSON.parse(response.body));
}

/** A request line and headers as a client would write them, with the terminating blank line. */
function head(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function hostOf(t: TestGateway): string {
  return `Host: ${new URL(t.url).host}`;
}

/** The head of a chat request from a fresh account on `gateway`, its body framed by `framing`. */
async function chatHead(gateway: TestGateway, framing: string): Promise<string> {
  return head([
    'POST /v1/chat/completions HTTP/1.1',
    hostOf(gateway),
    `Authorization: Bearer ${(await gateway.account()).key}`,
    'Content-Type: application/json',
    framing,
  ]);
}

/**
 * Writes `chunk` as fast as the gateway reads it (honouring backpressure) until `stop` resolves, the
 * connection closes or `cap` bytes are written; resolves with the bytes written.
 */
async function pump(socket: Socket, chunk: string, stop: Promise<unknown>, cap: number): Promise<number> {
  let stopped = false;
  const halt = stop.then(
    () => {
      stopped = true;
    },
    () => {
      stopped = true;
    },
  );
  const closed = once(socket, 'close');
  let written = 0;
  while (!stopped && !socket.destroyed && written < cap) {
    written += chunk.length;
    if (!socket.write(chunk)) await Promise.race([once(socket, 'drain'), halt, closed]);
  }
  return written;
}

/** Writes `chunk` every `everyMs` until `stop` resolves or the socket closes; resolves with the bytes written. */
function trickle(socket: Socket, chunk: string, everyMs: number, stop: Promise<unknown>): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) return;
      socket.write(chunk);
      written += chunk.length;
    }, everyMs);
    const done = () => {
      clearInterval(timer);
      resolve(written);
    };
    void stop.then(done, done);
    socket.once('close', done);
  });
}

describe('hostile clients', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(withRedisIfSet('abuse'));
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('oversized bodies', () => {
    it('answers 413 request_too_large to a body over BODY_LIMIT_BYTES', async () => {
      const response = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: bearer((await t.account()).key),
        body: JSON.stringify({ ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(t.config.BODY_LIMIT_BYTES) }] }),
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('x-request-id')).toMatch(/^req_/);
      expect((await response.json()).error.code).toBe('request_too_large');
    });

    it('refuses a declared Content-Length of 1 GB before reading any body', async () => {
      const socket = await openSocket(t.url);
      const response = readResponse(socket);
      socket.write(await chatHead(t, `Content-Length: ${1024 ** 3}`));
      // Not one byte of the body was sent: the answer comes from the declared length alone.
      const answer = await response;
      socket.destroy();
      expectDocumentedError(answer, 413);
      expect(JSON.parse(answer.body).error.code).toBe('request_too_large');
    });

    it('cuts off an endless chunked body once it passes the limit', async () => {
      const socket = await openSocket(t.url);
      const response = readResponse(socket);
      socket.write(await chatHead(t, 'Transfer-Encoding: chunked'));
      const chunk = 'x'.repeat(64 * 1024);
      const cap = 16 * t.config.BODY_LIMIT_BYTES;
      const sent = await pump(socket, `${chunk.length.toString(16)}\r\n${chunk}\r\n`, response, cap);
      const answer = await response;
      socket.destroy();
      // The gateway stopped reading and closed the connection long before the cap. Its 413 may be
      // lost to the reset while the client is still writing; when it arrives it is in the documented shape.
      expect(sent).toBeLessThan(cap);
      if (answer.status !== 0) expectDocumentedError(answer, 413);
    });

    it('answers 400 invalid_json to a megabyte of [ instead of overflowing the stack', async () => {
      const response = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: bearer((await t.account()).key),
        body: '['.repeat(1024 * 1024),
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('invalid_json');
    });

    it('answers 400, not 500, to deeply nested JSON inside fields that take any JSON', async () => {
      const account = await t.account();
      const depth = 200_000;
      const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      // JSON-record seeds and tool parameters are free-form JSON, so nothing rejects the nesting by shape.
      const job = `{"task":"json_schema","model":"sw-ngram-mini","count":1,"json_schema":{"type":"object"},"seeds":[{"data":${nested}}]}`;
      const tools = `[{"type":"function","function":{"name":"f","parameters":${nested}}}]`;
      const chat = `{"model":"sw-ngram-mini","messages":[{"role":"user","content":"hi"}],"max_tokens":2,"tools":${tools}}`;
      for (const [path, body] of [
        ['/v1/synthetic/jobs', job],
        ['/v1/chat/completions', chat],
        ['/v1/synthetic/evaluate', `{"records":[${nested}]}`],
      ] as const) {
        const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: bearer(account.key), body });
        expect(response.status, path).toBe(400);
        expectErrorBody(await response.json());
      }
    });
  });

  describe('slow clients', () => {
    it('keeps serving others while a hundred connections trickle their headers', async () => {
      const key = (await t.account('premium')).key;
      const sockets = await Promise.all(Array.from({ length: 100 }, () => openSocket(t.url)));
      let release: () => void = () => {};
      const stop = new Promise<void>((resolve) => {
        release = resolve;
      });
      const trickling = sockets.map((socket) => {
        socket.write(`GET /v1/models HTTP/1.1\r\n${hostOf(t)}\r\nX-Slow: `);
        return trickle(socket, 'a', 100, stop);
      });
      try {
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`${t.url}/v1/models`, { headers: bearer(key) });
          expect(response.status).toBe(200);
          await response.arrayBuffer();
        }
        // The slow connections were all still open, each mid-header, while the others were served.
        expect(sockets.filter((socket) => socket.destroyed)).toHaveLength(0);
      } finally {
        release();
        await Promise.all(trickling);
        for (const socket of sockets) socket.destroy();
      }
    });

    describe('with REQUEST_TIMEOUT_MS=1000 and HEADERS_TIMEOUT_MS=500', () => {
      let strict: TestGateway;
      let upstream: FakeUpstream;
      beforeAll(async () => {
        upstream = await startFakeOpenAI({ reply: 'A slow upstream finally answers.' });
        strict = await startTestGateway({
          REQUEST_TIMEOUT_MS: '1000',
          HEADERS_TIMEOUT_MS: '500',
          SYNTHWELL_PROVIDER_SLOW_BASE_URL: upstream.baseURL,
        });
        await strict.db.model.create({
          data: {
            id: 'slow-model',
            kind: 'chat',
            tier: 'standard',
            displayName: 'slow',
            routes: { create: [{ id: newId('rte'), provider: 'slow', upstreamModel: 'm', order: 0 }] },
          },
        });
        await strict.gateway.app.get(CatalogService).refresh();
      });
      afterAll(async () => {
        await strict?.close();
        await upstream?.close();
      });

      it('answers 408 and closes the connection when the headers never finish', async () => {
        const socket = await openSocket(strict.url);
        // Listened for from the start: the close can come in the same turn as the answer's last bytes.
        const closed = once(socket, 'close');
        const response = readResponse(socket);
        socket.write(`GET /v1/models HTTP/1.1\r\n${hostOf(strict)}\r\nX-Never: ending`);
        const answer = await response;
        await closed;
        expectDocumentedError(answer, 408);
      });

      it('answers 408 and closes the connection when the body arrives a byte at a time', async () => {
        const socket = await openSocket(strict.url);
        // Listened for from the start: the close can come in the same turn as the answer's last bytes.
        const closed = once(socket, 'close');
        const response = readResponse(socket);
        const body = JSON.stringify(CHAT).padEnd(200, ' ');
        socket.write(await chatHead(strict, `Content-Length: ${body.length}`));
        const sent = trickle(socket, ' ', 100, response);
        const answer = await response;
        await closed;
        expectDocumentedError(answer, 408);
        // Cut off long before the 200-byte body could have arrived at this pace.
        expect(await sent).toBeLessThan(body.length);
      });

      it('answers deeply nested tool parameters for an upstream model with 400, not 5xx', async () => {
        const depth = 200_000;
        const parameters = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const body = `{"model":"slow-model","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${parameters}}}]}`;
        const response = await fetch(`${strict.url}/v1/chat/completions`, {
          method: 'POST',
          headers: bearer((await strict.account()).key),
          body,
        });
        expect(response.status).toBe(400);
        expectErrorBody(await response.json());
      });

      it('does not cut a streamed response that takes longer than the request timeout', async () => {
        upstream.failNext({ type: 'delay', ms: 1_500 });
        const response = await fetch(`${strict.url}/v1/chat/completions`, {
          method: 'POST',
          headers: bearer((await strict.account()).key),
          body: JSON.stringify({ model: 'slow-model', messages: [{ role: 'user', content: 'hi' }], stream: true }),
        });
        expect(response.status).toBe(200);
        const { events } = await readSse(response);
        expect(events.at(-1)?.data).toBe('[DONE]');
        expect(streamedText(events)).toBe('A slow upstream finally answers.');
      });
    });
  });

  describe('header injection and smuggling', () => {
    let key: string;
    beforeAll(async () => {
      key = (await t.account('premium')).key;
    });
    const get = (extra: string[]) =>
      exchange(t.url, head(['GET /v1/models HTTP/1.1', hostOf(t), `Authorization: Bearer ${key}`, ...extra]));

    it.each([
      ['a bare CR inside a value', ['X-Note: a\rSet-Cookie: injected=1']],
      ['a bare LF inside a value', ['X-Note: a\nSet-Cookie: injected=1']],
      ['obsolete line folding', ['X-Note: a', ' Set-Cookie: injected=1']],
      ['a NUL inside a value', ['X-Note: a\0Set-Cookie: injected=1']],
      ['a space before the colon', ['Set-Cookie : injected=1']],
    ])('answers 400 in the documented shape to %s, and closes the connection', async (_name, extra) => {
      const answer = await get(extra);
      expectDocumentedError(answer, 400);
      expect(answer.headers.has('set-cookie')).toBe(false);
      expect(answer.headers.get('connection')).toEqual(['close']);
    });

    it.each([
      ['Content-Length with Transfer-Encoding', ['Content-Length: 5', 'Transfer-Encoding: chunked']],
      ['two different Content-Lengths', ['Content-Length: 5', 'Content-Length: 6']],
    ])('answers 400 to %s and never runs the smuggled request', async (_name, framing) => {
      const smuggled = head(['GET /v1/usage HTTP/1.1', hostOf(t), `Authorization: Bearer ${key}`]);
      const answer = await exchange(
        t.url,
        `${head(['POST /v1/chat/completions HTTP/1.1', hostOf(t), 'Content-Type: application/json', ...framing])}0\r\n\r\n${smuggled}`,
      );
      expectDocumentedError(answer, 400);
      expect(answer.raw.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
    });

    it('answers 431 to headers over 16 KiB', async () => {
      const answer = await get([`X-Big: ${'a'.repeat(17 * 1024)}`]);
      expectDocumentedError(answer, 431);
    });

    it('never echoes a client-chosen x-request-id', async () => {
      const answer = await get(['X-Request-Id: chosen-by-client', 'Connection: close']);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-request-id')?.[0]).toMatch(/^req_/);
      expect(answer.raw).not.toContain('chosen-by-client');
    });

    it('keeps encoded CR/LF in the path inside the JSON body', async () => {
      const answer = await exchange(
        t.url,
        head([
          'GET /v1/models/a%0d%0aSet-Cookie:%20injected=1 HTTP/1.1',
          hostOf(t),
          `Authorization: Bearer ${key}`,
          'Connection: close',
        ]),
      );
      expectDocumentedError(answer, 404);
      expect(answer.headers.has('set-cookie')).toBe(false);
      expect(answer.headers.get('x-request-id')?.[0]).toMatch(/^req_/);
    });

    it.each([
      ['a malformed percent-encoding', '/v1/models/%', 400],
      ['a 2,000-character path parameter', `/v1/models/${'m'.repeat(2_000)}`, 414],
    ])('answers %s in the documented shape with a request id', async (_name, path, status) => {
      const answer = await exchange(
        t.url,
        head([`GET ${path} HTTP/1.1`, hostOf(t), `Authorization: Bearer ${key}`, 'Connection: close']),
      );
      expectDocumentedError(answer, status);
      expect(answer.headers.get('x-request-id')?.[0]).toMatch(/^req_/);
      expect(answer.body).not.toContain('mmmmmmmmmm');
    });
  });

  describe('valid requests at the edges of the contract', () => {
    // Found by fuzz.test.ts: a vanishing temperature made the offline sampler's weights NaN and its
    // nucleus search loop forever, freezing the whole gateway on one valid request.
    it('answers a chat completion with a temperature of 1e-300 or 5e-324, plain and streamed', async () => {
      const { key } = await t.account();
      for (const temperature of [1e-300, 5e-324]) {
        for (const stream of [false, true]) {
          const response = await fetch(`${t.url}/v1/chat/completions`, {
            method: 'POST',
            headers: bearer(key),
            body: JSON.stringify({ ...CHAT, temperature, top_p: 0.5, stream }),
          });
          expect(response.status, `${temperature} ${stream}`).toBe(200);
          await response.arrayBuffer();
        }
      }
    });
  });

  describe('ids and cursors the database cannot take', () => {
    it('answers a NUL byte in an id with 404 and in a list cursor with 400, never 500', async () => {
      const { key } = await t.account();
      const headers = { authorization: `Bearer ${key}` };
      for (const [method, path, status] of [
        ['GET', '/v1/synthetic/jobs/%00', 404],
        ['GET', '/v1/synthetic/jobs/job_a%00b/records', 404],
        ['POST', '/v1/synthetic/jobs/job_%00/cancel', 404],
        ['GET', '/v1/synthetic/jobs?cursor=%00', 400],
        ['GET', '/v1/synthetic/jobs?cursor=job_a%00', 400],
        // The image library's own checks may answer 404 or 400; either way a client error.
        ['GET', '/v1/images?cursor=img_%00', 'client error'],
        ['DELETE', '/v1/images/img_%00', 'client error'],
      ] as const) {
        const response = await fetch(`${t.url}${path}`, { method, headers });
        if (status === 'client error') expect([400, 404], `${method} ${path}`).toContain(response.status);
        else expect(response.status, `${method} ${path}`).toBe(status);
        expectErrorBody(await response.json());
      }
    });
  });

  describe('tampered API keys', () => {
    const chat = (headers: Record<string, string>, path = '/v1/chat/completions') =>
      fetch(`${t.url}${path}`, { method: 'POST', headers, body: JSON.stringify(CHAT) });

    it('refuses near misses of a valid key and never charges its owner', async () => {
      const owner = await t.account();
      const { key } = owner;
      const body = key.slice('sk-sw-'.length);
      const flip = (at: number) => {
        const swapped = body[at] === 'A' ? 'B' : 'A';
        return `sk-sw-${body.slice(0, at)}${swapped}${body.slice(at + 1)}`;
      };
      const nearMisses = [
        flip(0),
        flip(Math.floor(body.length / 2)),
        flip(body.length - 1),
        key.slice(0, -1),
        `${key}A`,
        key.toUpperCase(),
        `sk-sx-${body}`,
        `sk_sw_${body}`,
        ` ${key}x`,
      ];
      for (const attempt of nearMisses) {
        const response = await chat(bearer(attempt));
        expect(response.status, attempt).toBe(401);
        expect((await response.json()).error).toMatchObject({ type: 'authentication_error' });
      }
      for (const authorization of [
        `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
        `Bearer ${key} ${key}`,
        `Bearer ${key}, Bearer ${key}`,
        key,
      ]) {
        const response = await chat({ authorization, 'content-type': 'application/json' });
        expect(response.status, authorization.slice(0, 12)).toBe(401);
      }
      await t.flushUsage();
      expect(await t.db.usageEvent.count({ where: { userId: owner.user.id } })).toBe(0);
      const usage = await (await fetch(`${t.url}/v1/usage`, { headers: bearer(key) })).json();
      expect(usage.daily.chat_requests.used).toBe(0);
    });

    it('ignores a key in the query string, a cookie or x-api-key', async () => {
      const { key } = await t.account();
      for (const [path, headers] of [
        [`/v1/chat/completions?api_key=${key}`, {}],
        ['/v1/chat/completions', { cookie: `api_key=${key}; session=${key}` }],
        ['/v1/chat/completions', { 'x-api-key': key }],
      ] as const) {
        const response = await chat({ 'content-type': 'application/json', ...headers }, path);
        expect(response.status).toBe(401);
        expect((await response.json()).error.code).toBe('missing_api_key');
      }
    });

    it("refuses a disabled account's key", async () => {
      const account = await t.account();
      await t.db.user.update({ where: { id: account.user.id }, data: { disabledAt: new Date() } });
      const response = await chat(bearer(account.key));
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('invalid_api_key');
    });
  });

  describe('tampered session tokens', () => {
    const models = (token: string) => fetch(`${t.url}/v1/models`, { headers: bearer(token) });
    const decode = (token: string) => {
      const [payload = '', signature = ''] = token.slice('swt_'.length).split('.');
      return { claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), signature };
    };
    const encode = (claims: unknown, signature: string) =>
      `swt_${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    async function expectRefused(token: string, label: string): Promise<void> {
      const response = await models(token);
      expect(response.status, label).toBe(401);
      expect(await response.json(), label).toEqual({
        error: {
          message: expect.any(String),
          type: 'authentication_error',
          param: null,
          code: 'invalid_session_token',
        },
      });
    }

    it('refuses changed claims, foreign or missing signatures, extra segments and unknown secrets', async () => {
      const alice = await t.account();
      const bob = await t.account();
      const token = t.sessionToken(alice.user.id);
      expect((await models(token)).status).toBe(200);
      const { claims, signature } = decode(token);
      const bobs = decode(t.sessionToken(bob.user.id));
      const cases: Array<[string, string]> = [
        ['another user', encode({ ...claims, sub: bob.user.id }, signature)],
        ['the admin role', encode({ ...claims, role: 'admin' }, signature)],
        ['a later expiry', encode({ ...claims, exp: claims.exp + 86_400 }, signature)],
        ["another token's signature", encode(claims, bobs.signature)],
        ['no signature', encode(claims, '')],
        ['no signature segment', token.slice(0, token.indexOf('.'))],
        ['a truncated signature', token.slice(0, -6)],
        ['an extra segment', `${token}.${signature}`],
        [
          'an unknown secret',
          issueSessionToken({ sub: alice.user.id, role: 'admin' }, ['an-unknown-secret-0123456789abcdef']).token,
        ],
      ];
      for (const [label, tampered] of cases) await expectRefused(tampered, label);
    });

    it("refuses a disabled account's session token as soon as billing says the account changed", async () => {
      const account = await t.account();
      const token = t.sessionToken(account.user.id);
      expect((await models(token)).status).toBe(200);
      await t.db.user.update({ where: { id: account.user.id }, data: { disabledAt: new Date() } });
      t.gateway.app.get(InvalidationSubscriber).apply(JSON.stringify({ userId: account.user.id }));
      await expectRefused(token, 'disabled');
    });

    it("answers 401, not 500, to a deleted account's genuine session token", async () => {
      const account = await t.account();
      const token = t.sessionToken(account.user.id);
      expect((await models(token)).status).toBe(200);
      await t.db.user.delete({ where: { id: account.user.id } });
      t.gateway.app.get(InvalidationSubscriber).apply(JSON.stringify({ userId: account.user.id }));
      await expectRefused(token, 'deleted');
      const never = await t.account();
      const unused = t.sessionToken(never.user.id);
      await t.db.user.delete({ where: { id: never.user.id } });
      await expectRefused(unused, 'deleted before first use');
    });
  });

  describe("one account reaching another's resources by id", () => {
    let alice: Awaited<ReturnType<TestGateway['account']>>;
    let bob: Awaited<ReturnType<TestGateway['account']>>;
    beforeAll(async () => {
      alice = await t.account('premium');
      bob = await t.account('premium');
    });

    const generate = (key: string, idempotencyKey?: string) =>
      fetch(`${t.url}/v1/images/generations`, {
        method: 'POST',
        headers: { ...bearer(key), ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
        body: JSON.stringify({ prompt: 'a lighthouse at dusk', size: '256x256' }),
      });

    it("cannot open Alice's image through a link signed for Bob's, nor get it by replaying her Idempotency-Key", async () => {
      const aliceImage = await (await generate(alice.key, 'alice-secret-key')).json();
      const aliceId = /img_[0-9a-z]+/.exec(aliceImage.data[0].url)?.[0] as string;
      const bobImage = await (await generate(bob.key)).json();
      const bobUrl: string = bobImage.data[0].url;
      const forged = bobUrl.replace(/img_[0-9a-z]+/, aliceId);
      const opened = await fetch(forged);
      expect(opened.status).toBe(403);
      expect((await opened.json()).error.code).toBe('invalid_signed_url');
      expect((await fetch(bobUrl)).status).toBe(200);

      const replay = await generate(bob.key, 'alice-secret-key');
      expect(replay.status).toBe(200);
      const replayed = await replay.json();
      expect(replayed.data[0].url).not.toContain(aliceId);
      expect(await t.db.image.count({ where: { userId: bob.user.id } })).toBe(2);
      expect(await t.db.image.count({ where: { userId: alice.user.id } })).toBe(1);

      const used = async (key: string) =>
        (await (await fetch(`${t.url}/v1/usage`, { headers: bearer(key) })).json()).daily.images.used;
      expect(await used(alice.key)).toBe(1);
      expect(await used(bob.key)).toBe(2);
    });

    it("cannot read, follow, download or cancel Alice's job, list past it, or take it over with her Idempotency-Key", async () => {
      const job = await submit(t, alice.key, offlineJob({ count: 2 }), { 'idempotency-key': 'alice-job' });
      await follow(t, alice.key, job.id);
      const asBob = (method: string, path: string) =>
        fetch(`${t.url}${path}`, { method, headers: { authorization: `Bearer ${bob.key}` } });
      for (const [method, suffix] of [
        ['GET', ''],
        ['GET', '/events'],
        ['GET', '/records'],
        ['GET', '/records?format=jsonl'],
        ['POST', '/cancel'],
      ] as const) {
        const response = await asBob(method, `/v1/synthetic/jobs/${job.id}${suffix}`);
        expect(response.status, `${method} ${suffix}`).toBe(404);
        expectErrorBody(await response.json());
      }
      const listed = await (await asBob('GET', `/v1/synthetic/jobs?cursor=job_zzzzzzzzzzzzzzzzzzzzzzzzz`)).json();
      expect(listed.data.map((row: { id: string }) => row.id)).not.toContain(job.id);

      const taken = await submit(t, bob.key, offlineJob({ count: 2 }), { 'idempotency-key': 'alice-job' });
      expect(taken.id).not.toBe(job.id);
      const alicesJob = await t.db.syntheticJob.findUniqueOrThrow({ where: { id: job.id } });
      expect(alicesJob).toMatchObject({ userId: alice.user.id, status: 'succeeded' });
    });
  });

  describe('a non-admin reaching admin operations', () => {
    it('gets the same 404 as an unknown route from every admin operation, and changes nothing', async () => {
      const user = await t.account();
      const root = await t.account();
      const admin = bearer(issueSessionToken({ sub: root.user.id, role: 'admin' }, [SESSION_SECRET]).token);
      const before = await (await fetch(`${t.url}/v1/safety/policies`, { headers: admin })).json();
      const unknown = await (await fetch(`${t.url}/v1/no-such-route`, { headers: bearer(user.key) })).json();
      for (const credentials of [bearer(user.key), bearer(t.sessionToken(user.user.id))]) {
        for (const [method, path, body] of [
          ['GET', '/v1/safety/policies', undefined],
          ['PUT', '/v1/safety/policies/free', { categories: { 'violence/graphic': 'allow' } }],
          ['PUT', '/v1/safety/policies/default', {}],
          ['GET', '/v1/safety/flags', undefined],
        ] as const) {
          const response = await fetch(`${t.url}${path}`, {
            method,
            headers: credentials,
            body: body ? JSON.stringify(body) : undefined,
          });
          expect(response.status, `${method} ${path}`).toBe(404);
          expect(await response.json()).toEqual(unknown);
        }
      }
      const after = await (await fetch(`${t.url}/v1/safety/policies`, { headers: admin })).json();
      expect(after).toEqual(before);
    });
  });

  describe('CORS preflight', () => {
    const origin = 'http://localhost:3000';

    it('answers a preflight with the CORS headers a browser needs, and a request id', async () => {
      const preflight = await fetch(`${t.url}/v1/images/img_1`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'DELETE',
          'access-control-request-headers': 'authorization, idempotency-key',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('x-request-id')).toMatch(/^req_/);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, DELETE');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, idempotency-key');

      // The request that follows it may read the gateway's own headers.
      const actual = await fetch(`${t.url}/v1/models`, { headers: { ...bearer((await t.account()).key), origin } });
      expect(actual.status).toBe(200);
      expect(actual.headers.get('access-control-allow-origin')).toBe(origin);
      expect(actual.headers.get('access-control-expose-headers')).toBe(
        'x-request-id, x-synthwell-overhead-ms, retry-after',
      );
    });

    it('answers an OPTIONS that is not a preflight with 204, Allow and a request id, not a text/plain 400', async () => {
      const bare = await fetch(`${t.url}/v1/models`, { method: 'OPTIONS' });
      const noMethod = await fetch(`${t.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin } });
      for (const response of [bare, noMethod]) {
        expect(response.status).toBe(204);
        expect(response.headers.get('allow')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
        expect(response.headers.get('x-request-id')).toMatch(/^req_/);
        expect(await response.text()).toBe('');
      }
      expect(bare.headers.get('access-control-allow-origin')).toBeNull();
      expect(noMethod.headers.get('access-control-allow-origin')).toBe(origin);
      expect(bare.headers.get('x-request-id')).not.toBe(noMethod.headers.get('x-request-id'));
    });
  });

  it('is still up and ready after all of the above', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
