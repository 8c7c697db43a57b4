import { once } from 'node:events';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';
import { openSocket, type RawResponse, ResponseReader } from './raw-http.js';

/**
 * The front door answers plain chat completions on the socket and hands anything else, with the rest
 * of its connection, to Fastify. These tests talk raw HTTP/1.1 so they control framing and pipelining,
 * and read the gateway's connection counter to see which server took a connection.
 */
const question = [{ role: 'user', content: 'What did the jury say about the election?' }];

/** Headers whose values differ between two answers by nature (time, framing, identity, timing). */
const VARYING = new Set([
  'date',
  'x-request-id',
  'x-synthwell-overhead-ms',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
]);

describe('the front door', () => {
  let t: TestGateway;
  let key: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startTestGateway();
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await t?.close();
  });

  const open = async () => {
    const socket = await openSocket(t.url);
    sockets.push(socket);
    return { socket, reader: new ResponseReader(socket) };
  };

  const chatBody = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model: 'sw-ngram-mini', messages: question, max_tokens: 8, seed: 1, ...extra });

  const chatRequest = (body = chatBody(), headers: Record<string, string> = {}) => {
    const fields = {
      host: 'gateway.test',
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    };
    const lines = Object.entries(fields)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    return `POST /v1/chat/completions HTTP/1.1\r\n${lines}\r\n${body}`;
  };

  /** Connections Fastify has taken over so far (each read itself is one more: a GET is handed over). */
  const handedOver = async (): Promise<number> => {
    const { socket, reader } = await open();
    socket.write('GET /metrics HTTP/1.1\r\nhost: gateway.test\r\nconnection: close\r\n\r\n');
    const { body } = await reader.next();
    return Number(/synthwell_gateway_connections_total\{served_by="fastify"\} (\d+)/.exec(body)?.[1] ?? 0);
  };

  const expectCompletion = (response: RawResponse) => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')?.[0]).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-request-id')?.[0]).toMatch(/^req_/);
    expect(Number(response.headers.get('x-synthwell-overhead-ms')?.[0])).toBeGreaterThanOrEqual(0);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ object: 'chat.completion', model: 'sw-ngram-mini' });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    return body;
  };

  it('answers plain chat completions itself, several in a row on one connection', async () => {
    const before = await handedOver();
    const { socket, reader } = await open();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      socket.write(chatRequest());
      const response = await reader.next();
      expectCompletion(response);
      expect(response.headers.get('connection')?.[0]).toBe('keep-alive');
      expect(response.headers.get('x-ratelimit-limit-requests')?.[0]).toMatch(/^\d+$/);
      ids.add(response.headers.get('x-request-id')?.[0] ?? '');
    }
    expect(ids.size).toBe(3);
    expect(reader.closed).toBe(false);
    // Only the counter's own read was handed over.
    expect(await handedOver()).toBe(before + 1);
  });

  it('answers pipelined requests in order, each once', async () => {
    const { socket, reader } = await open();
    socket.write(
      chatRequest(chatBody({ seed: 1 })) + chatRequest(chatBody({ seed: 2 })) + chatRequest(chatBody({ seed: 1 })),
    );
    const [a, b, c] = [await reader.next(), await reader.next(), await reader.next()];
    const [first, , third] = [expectCompletion(a), expectCompletion(b), expectCompletion(c)];
    // Same seed, same answer: the responses came back in the order asked.
    expect(third.choices[0].message.content).toBe(first.choices[0].message.content);
  });

  it('puts a request together from bytes that arrive in pieces', async () => {
    const { socket, reader } = await open();
    const request = Buffer.from(chatRequest());
    let sent = 0;
    for (const cut of [10, 40, request.length - 20, request.length - 1, request.length]) {
      // Each piece is flushed to the kernel before the next is written.
      await new Promise((resolve) => socket.write(request.subarray(sent, cut), resolve));
      sent = cut;
    }
    expectCompletion(await reader.next());
  });

  it('hands a connection to Fastify at the first request of another kind, and serves the rest there', async () => {
    const before = await handedOver();
    const { socket, reader } = await open();
    socket.write(chatRequest());
    expectCompletion(await reader.next());
    socket.write(`GET /v1/models HTTP/1.1\r\nhost: gateway.test\r\nauthorization: Bearer ${key}\r\n\r\n`);
    const models = await reader.next();
    expect(models.status).toBe(200);
    expect(JSON.parse(models.body).object).toBe('list');
    // Later chat requests on the same connection are answered by Fastify's route, the same way.
    socket.write(chatRequest());
    expectCompletion(await reader.next());
    expect(await handedOver()).toBe(before + 2);
  });

  it('hands over a pipelined request of another kind with every byte after it', async () => {
    const { socket, reader } = await open();
    socket.write(
      chatRequest() +
        `GET /v1/models HTTP/1.1\r\nhost: gateway.test\r\nauthorization: Bearer ${key}\r\n\r\n` +
        chatRequest(),
    );
    expectCompletion(await reader.next());
    expect(JSON.parse((await reader.next()).body).object).toBe('list');
    expectCompletion(await reader.next());
  });

  it('leaves unusual framing to Node: a chunked body is answered the same way', async () => {
    const { socket, reader } = await open();
    const body = chatBody();
    const chunked = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    socket.write(chatRequest(chunked, { 'content-length': '', 'transfer-encoding': 'chunked' }));
    expectCompletion(await reader.next());
  });

  it('refuses a request with both Content-Length and Transfer-Encoding, as Node does', async () => {
    const { socket, reader } = await open();
    const body = chatBody();
    socket.write(
      chatRequest(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`, {
        'transfer-encoding': 'chunked',
      }),
    );
    const response = await reader.next();
    expect(response.status).toBe(400);
    await reader.whenClosed();
  });

  it('sends the same headers as the Fastify route, CORS included', async () => {
    const origin = { origin: 'https://app.example' };
    const front = await open();
    front.socket.write(chatRequest(chatBody(), origin));
    const direct = await front.reader.next();
    const handed = await open();
    const body = chatBody();
    handed.socket.write(
      chatRequest(`${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`, {
        ...origin,
        'content-length': '',
        'transfer-encoding': 'chunked',
      }),
    );
    const viaFastify = await handed.reader.next();
    const comparable = (response: RawResponse) =>
      Object.fromEntries(
        [...response.headers].filter(([name]) => !VARYING.has(name)).sort(([a], [b]) => a.localeCompare(b)),
      );
    expect(comparable(direct)).toEqual(comparable(viaFastify));
    expect(direct.headers.get('access-control-allow-origin')).toEqual(['https://app.example']);
    expect(direct.headers.get('vary')).toEqual(['Origin']);
  });

  it('answers errors in the OpenAI shape without handing over', async () => {
    const before = await handedOver();
    const { socket, reader } = await open();
    socket.write(chatRequest(chatBody(), { authorization: 'Bearer sk-sw-not-a-real-key' }));
    const unauthorized = await reader.next();
    expect(unauthorized.status).toBe(401);
    expect(JSON.parse(unauthorized.body).error.code).toBe('invalid_api_key');
    socket.write(chatRequest(chatBody({ model: 'no-such-model' })));
    const unknown = await reader.next();
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('model_not_found');
    socket.write(chatRequest(JSON.stringify({ model: 'sw-ngram-mini', messages: [] })));
    const empty = await reader.next();
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.body).error.param).toBe('messages');
    expect(await handedOver()).toBe(before + 1);
  });

  it('gives malformed JSON to Fastify, which answers 400 invalid_json', async () => {
    const { socket, reader } = await open();
    socket.write(chatRequest('{"model": "sw-ngram-mini", "messages": ['));
    const response = await reader.next();
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.code).toBe('invalid_json');
  });

  it('streams over chunked encoding and keeps the connection for the next request', async () => {
    const { socket, reader } = await open();
    socket.write(chatRequest(chatBody({ stream: true, max_tokens: 12 })));
    const stream = await reader.next();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')?.[0]).toContain('text/event-stream');
    expect(stream.headers.get('transfer-encoding')?.[0]).toBe('chunked');
    const events = stream.body.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    // The role, the text (short answers are held back whole by the output check, then released), [DONE].
    const text = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.slice('data: '.length)).choices[0]?.delta?.content ?? '')
      .join('');
    expect(text.length).toBeGreaterThan(0);
    socket.write(chatRequest());
    expectCompletion(await reader.next());
  });

  it('closes after the answer when the client says Connection: close', async () => {
    const { socket, reader } = await open();
    socket.write(chatRequest(chatBody(), { connection: 'close' }));
    const response = await reader.next();
    expectCompletion(response);
    expect(response.headers.get('connection')?.[0]).toBe('close');
    await reader.whenClosed();
  });

  it('treats a client that half-closes as gone, as Node does: the connection closes', async () => {
    const { socket, reader } = await open();
    socket.end(chatRequest());
    await reader.whenClosed();
  });
});

describe('the gateway when it stops', () => {
  it('finishes and meters the answers in flight on both paths, and closes idle connections', async () => {
    const t = await startTestGateway();
    const { key } = await t.account('free');
    const connect = async () => {
      const socket = await openSocket(t.url);
      return { socket, reader: new ResponseReader(socket) };
    };
    const head = (length: string) =>
      `POST /v1/chat/completions HTTP/1.1\r\nhost: gateway.test\r\nauthorization: Bearer ${key}\r\n` +
      `content-type: application/json\r\n${length}\r\n`;
    const plain = (payload: string) => `${head(`content-length: ${Buffer.byteLength(payload)}\r\n`)}${payload}`;
    // A chunked body: the front door hands this connection to Fastify.
    const chunked = (payload: string) =>
      `${head('transfer-encoding: chunked\r\n')}${Buffer.byteLength(payload).toString(16)}\r\n${payload}\r\n0\r\n\r\n`;
    const long = JSON.stringify({ model: 'sw-ngram-mini', messages: question, max_tokens: 200, stream: true });

    const idle = await connect();
    idle.socket.write(plain(JSON.stringify({ model: 'sw-ngram-mini', messages: question, max_tokens: 4 })));
    expect((await idle.reader.next()).status).toBe(200);
    const front = await connect();
    const handed = await connect();
    const started = [once(front.socket, 'data'), once(handed.socket, 'data')];
    front.socket.write(plain(long));
    handed.socket.write(chunked(long));
    const answers = [front.reader.next(), handed.reader.next()];
    await Promise.all(started);

    await t.gateway.app.close();
    for (const answer of await Promise.all(answers)) {
      expect(answer.status).toBe(200);
      expect(answer.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
      const requestId = answer.headers.get('x-request-id')?.[0] ?? '';
      const event = await t.db.usageEvent.findFirst({ where: { requestId } });
      expect(event).toMatchObject({ outcome: 'ok', status: 200 });
      expect(event?.completionTokens).toBeGreaterThan(0);
    }
    await Promise.all([idle.reader.whenClosed(), front.reader.whenClosed(), handed.reader.whenClosed()]);
    await t.close();
  });
});
