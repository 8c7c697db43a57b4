import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { newId } from '@synthwell/db';
import { loadBrownSentences } from '@synthwell/providers';
import { bearer, readSse, type TestGateway } from './harness.js';

/** Human seed examples for instruction jobs. */
export const HUMAN_SEEDS = [
  {
    id: 'h1',
    data: { instruction: 'Describe how a jury reaches a verdict.', response: 'The jurors discuss the evidence.' },
  },
  {
    id: 'h2',
    data: { instruction: 'Explain why cities grew near rivers.', response: 'Rivers carried goods and water.' },
  },
  {
    id: 'h3',
    data: { instruction: 'Summarise the duties of a county clerk.', response: 'The clerk keeps public records.' },
  },
  { id: 'h4', data: { instruction: 'Write a short note about the weather.', response: 'It rained all afternoon.' } },
];

/** An instruction job on the offline n-gram model, small enough to finish in about a second. */
export function offlineJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { task: 'instruction', model: 'sw-ngram-mini', count: 12, seed: 7, seeds: HUMAN_SEEDS, ...overrides };
}

/** POSTs `body` as JSON; without a body, sends none and no content type, as clients do. */
export function post(t: TestGateway, key: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined)
    return fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...headers } });
  return fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: { ...bearer(key), ...headers },
    body: JSON.stringify(body),
  });
}

export function get(t: TestGateway, key: string, path: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, { headers: { ...bearer(key), ...headers } });
}

/** Submits a job and returns its body, failing loudly on anything but 200. */
export async function submit(t: TestGateway, key: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await post(t, key, '/v1/synthetic/jobs', body, headers);
  const json = await response.json();
  if (response.status !== 200) throw new Error(`submit answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Follows a job's events to their end: the parsed events and the final job. */
export async function follow(t: TestGateway, key: string, id: string) {
  const response = await get(t, key, `/v1/synthetic/jobs/${id}/events`);
  const { events } = await readSse(response);
  return {
    response,
    events: events.map((event) => ({
      event: event.event,
      data: event.data === '[DONE]' ? '[DONE]' : JSON.parse(event.data),
    })),
  };
}

/** Reads SSE events as they arrive until `until` accepts one; returns that event and stops reading. */
export async function waitForEvent(
  t: TestGateway,
  key: string,
  id: string,
  until: (event: { event?: string; data: unknown }) => boolean,
): Promise<{ event?: string; data: unknown }> {
  const controller = new AbortController();
  const response = await fetch(`${t.url}/v1/synthetic/jobs/${id}/events`, {
    headers: bearer(key),
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended first');
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data === undefined || data === '[DONE]') continue;
        const event = { event: name, data: JSON.parse(data) as unknown };
        if (until(event)) return event;
      }
    }
  } finally {
    controller.abort();
  }
}

/** A job's records through the JSONL download. */
export async function downloadRecords(t: TestGateway, key: string, id: string) {
  const response = await get(t, key, `/v1/synthetic/jobs/${id}/records?format=jsonl`);
  const text = await response.text();
  return {
    response,
    records: text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line)),
  };
}

/** A chat model in the catalog served by an upstream provider the test configured by name. */
export async function addModel(
  t: TestGateway,
  id: string,
  provider: string,
  tier: 'standard' | 'premium' = 'standard',
) {
  await t.db.model.create({
    data: {
      id,
      kind: 'chat',
      tier,
      displayName: id,
      routes: { create: [{ id: newId('rte'), provider, upstreamModel: `${provider}-model` }] },
    },
  });
}

export interface ScriptedUpstream {
  /** What SYNTHWELL_PROVIDER_<NAME>_BASE_URL should be. */
  baseURL: string;
  /** Chat requests received so far. */
  readonly received: number;
  /** Requests beyond the first `count` received (from now on, counting all) wait until `release()`. */
  holdAfter(count: number): void;
  /** Answers every held request and stops holding. */
  release(): void;
  /** The next `count` requests get 429 with `retry-after: <seconds>`. */
  rateLimitNext(count: number, seconds: number): void;
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible upstream that answers each chat request with a human sentence picked by the
 * request's seed (so replies vary per attempt and are reproducible), and that a test can hold or
 * rate-limit to catch a job mid-way.
 */
export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const sentences = loadBrownSentences({ split: 'heldout', files: 3 })
    .filter((sentence) => sentence.length >= 8 && sentence.length <= 30)
    .map((sentence) => sentence.join(' '));
  let received = 0;
  let holdFrom = Number.POSITIVE_INFINITY;
  let rateLimited: { count: number; seconds: number } = { count: 0, seconds: 1 };
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();

  const answer = (body: { seed?: number; model?: string }, res: ServerResponse) => {
    if (res.destroyed) return;
    const seed = Math.abs(body.seed ?? received);
    const content = sentences[seed % sentences.length] as string;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${seed}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model ?? 'scripted',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 20, completion_tokens: content.split(' ').length, total_tokens: 20 },
      }),
    );
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { seed?: number; model?: string };
    received++;
    if (rateLimited.count > 0) {
      rateLimited.count--;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(rateLimited.seconds) });
      res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', code: null } }));
      return;
    }
    if (received > holdFrom) held.push(() => answer(body, res));
    else answer(body, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseURL: `${url}/v1`,
    get received() {
      return received;
    },
    holdAfter(count) {
      holdFrom = count;
    },
    release() {
      holdFrom = Number.POSITIVE_INFINITY;
      for (const reply of held.splice(0)) reply();
    },
    rateLimitNext(count, seconds) {
      rateLimited = { count, seconds };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
