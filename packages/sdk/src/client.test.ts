import type { ChatCompletion } from '@synthwell/contracts';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { ChatCompletionStream } from './chat-completion-stream.js';
import { type ClientOptions, Synthwell } from './client.js';
import { APIConnectionError, NotFoundError, RateLimitError, SynthwellError } from './errors.js';
import type { SyntheticRecord, SyntheticRecordPage } from './resources/synthetic.js';
import type { Stream } from './streaming.js';
import {
  errorResponse,
  jsonResponse,
  type Reply,
  scriptedFetch,
  sseEvents,
  streamResponse,
} from './testing/fake-fetch.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

function client(replies: Reply[], options: ClientOptions = {}) {
  const { fetch, requests } = scriptedFetch(...replies);
  return {
    client: new Synthwell({ apiKey: 'sk-sw-test', baseURL: 'https://gw.test/v1', fetch, ...options }),
    requests,
  };
}

const completion = {
  id: 'chatcmpl_1',
  object: 'chat.completion',
  created: 1,
  model: 'sw-ngram-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
} satisfies ChatCompletion;

const chunk = (content: string) => ({
  id: 'chatcmpl_1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'sw-ngram-mini',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

const messages = [{ role: 'user', content: 'Hello' }] as const;

describe('new Synthwell()', () => {
  it('reads the API key and base URL from the environment', async () => {
    vi.stubEnv('SYNTHWELL_API_KEY', 'sk-sw-from-env');
    vi.stubEnv('SYNTHWELL_BASE_URL', 'https://env.test/v1/');
    const { fetch, requests } = scriptedFetch(jsonResponse(200, { object: 'list', data: [] }));
    const sdk = new Synthwell({ fetch });
    await sdk.models.list();
    expect(sdk.baseURL).toBe('https://env.test/v1');
    expect(requests[0]?.url).toBe('https://env.test/v1/models');
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer sk-sw-from-env');
  });

  it('defaults to the local gateway, 60 s timeouts and 2 retries', () => {
    vi.stubEnv('SYNTHWELL_BASE_URL', '');
    const sdk = new Synthwell({ apiKey: 'sk-sw-test' });
    expect(sdk).toMatchObject({ baseURL: 'http://localhost:4000/v1', timeout: 60_000, maxRetries: 2 });
  });

  it('prefers explicit options to the environment', () => {
    vi.stubEnv('SYNTHWELL_BASE_URL', 'https://env.test/v1');
    expect(new Synthwell({ apiKey: 'k', baseURL: 'https://explicit.test/v1' }).baseURL).toBe(
      'https://explicit.test/v1',
    );
  });

  it('fails at construction, naming the fix, when there is no credential', () => {
    vi.stubEnv('SYNTHWELL_API_KEY', '');
    expect(() => new Synthwell()).toThrow(SynthwellError);
    expect(() => new Synthwell()).toThrow(/SYNTHWELL_API_KEY/);
  });

  it('refuses both an API key and a session token', () => {
    expect(() => new Synthwell({ apiKey: 'sk-sw-a', sessionToken: 'swt_b' })).toThrow(/either/);
  });

  it('rejects a nonsensical timeout or retry count', () => {
    expect(() => new Synthwell({ apiKey: 'k', timeout: 0 })).toThrow(/timeout/);
    expect(() => new Synthwell({ apiKey: 'k', maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it('sends a session token, asking a token function for a fresh one on every request', async () => {
    vi.stubEnv('SYNTHWELL_API_KEY', '');
    const sessionToken = vi.fn(async () => `swt_${sessionToken.mock.calls.length}`);
    const { client: sdk, requests } = client(
      [jsonResponse(200, { object: 'usage' }), jsonResponse(200, { object: 'usage' })],
      { apiKey: undefined, sessionToken },
    );
    await sdk.usage.retrieve();
    await sdk.usage.retrieve();
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual(['Bearer swt_1', 'Bearer swt_2']);
  });
});

describe('client.chat.completions.create', () => {
  it('returns the completion', async () => {
    const { client: sdk, requests } = client([jsonResponse(200, completion)]);
    const result = await sdk.chat.completions.create({ model: 'sw-ngram-mini', messages: [...messages] });
    expectTypeOf(result).toEqualTypeOf<ChatCompletion>();
    expect(result).toEqual(completion);
    expect(requests[0]).toMatchObject({ method: 'POST', url: 'https://gw.test/v1/chat/completions' });
  });

  it('streams chunks with stream: true and assembles them', async () => {
    const { client: sdk, requests } = client([streamResponse(sseEvents(chunk('Hel'), chunk('lo')))]);
    const stream = await sdk.chat.completions.create({
      model: 'sw-ngram-mini',
      messages: [...messages],
      stream: true,
    });
    expectTypeOf(stream).toEqualTypeOf<ChatCompletionStream>();
    expect(stream).toBeInstanceOf(ChatCompletionStream);
    const completion = await stream.finalCompletion();
    expect(completion.choices[0]?.message.content).toBe('Hello');
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
  });

  it('throws a connection error when the stream is cut before [DONE], without re-sending', async () => {
    const { client: sdk, requests } = client([
      streamResponse([`data: ${JSON.stringify(chunk('Hel'))}\n\n`], { cut: true }),
    ]);
    const stream = await sdk.chat.completions.create({ model: 'm', messages: [...messages], stream: true });
    const received: string[] = [];
    const reading = (async () => {
      for await (const item of stream) received.push(item.choices[0]?.delta.content ?? '');
    })();
    await expect(reading).rejects.toBeInstanceOf(APIConnectionError);
    expect(received).toEqual(['Hel']);
    expect(requests).toHaveLength(1);
  });

  it('throws an upstream error sent as a data event', async () => {
    const error = { message: 'provider overloaded', type: 'upstream_error', code: 'upstream_error', param: null };
    const { client: sdk } = client([streamResponse([`data: ${JSON.stringify({ error })}\n\n`])]);
    const stream = await sdk.chat.completions.create({ model: 'm', messages: [...messages], stream: true });
    await expect(stream.finalCompletion()).rejects.toMatchObject({ code: 'upstream_error', requestId: 'req_stream' });
  });

  it('stops quietly when the reader aborts through stream.controller', async () => {
    const { client: sdk } = client([
      (request) => {
        // A body that, like fetch's, fails once the request's signal aborts.
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(chunk('Hel'))}\n\n`));
            request.signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
    ]);
    const stream = await sdk.chat.completions.create({ model: 'm', messages: [...messages], stream: true });
    const received: string[] = [];
    for await (const item of stream) {
      received.push(item.choices[0]?.delta.content ?? '');
      stream.controller.abort();
    }
    expect(received).toEqual(['Hel']);
  });

  it('maps a rate limit after its retries to RateLimitError', async () => {
    const limited = () => errorResponse(429, { code: 'rate_limit_exceeded' }, { 'retry-after-ms': '0' });
    const { client: sdk, requests } = client([limited(), limited(), limited()]);
    await expect(sdk.chat.completions.create({ model: 'm', messages: [...messages] })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.headers.get('idempotency-key'))).size).toBe(1);
  });
});

describe('resources', () => {
  it('reaches each endpoint with the right method and path', async () => {
    const { client: sdk, requests } = client(
      Array.from({ length: 14 }, () => jsonResponse(200, { id: 'x', data: [] })),
    );
    await sdk.models.list();
    await sdk.models.retrieve('org/model 1');
    await sdk.images.generate({ prompt: 'a lighthouse' });
    await sdk.usage.retrieve();
    await sdk.synthetic.jobs.create({ task: 'classification', model: 'm', count: 1, labels: ['a', 'b'] });
    await sdk.synthetic.jobs.list({ limit: 10 });
    await sdk.synthetic.jobs.retrieve('job_1');
    await sdk.synthetic.jobs.cancel('job_1');
    await sdk.synthetic.jobs.records('job_1', { cursor: 'c2' });
    await sdk.synthetic.evaluate({ records: [] });
    await sdk.synthetic.lab({ experiment: 'gaussian', generations: 3 });
    await sdk.synthetic.jobs.manifest('job_1');
    await sdk.provenance.datasets.verify({ manifest: {}, jsonl_sha256: 'a'.repeat(64) });
    await sdk.provenance.keys();
    expect(requests.map((request) => `${request.method} ${request.url.replace('https://gw.test/v1', '')}`)).toEqual([
      'GET /models',
      'GET /models/org%2Fmodel%201',
      'POST /images/generations',
      'GET /usage',
      'POST /synthetic/jobs',
      'GET /synthetic/jobs?limit=10',
      'GET /synthetic/jobs/job_1',
      'POST /synthetic/jobs/job_1/cancel',
      'GET /synthetic/jobs/job_1/records?cursor=c2',
      'POST /synthetic/evaluate',
      'POST /synthetic/lab',
      'GET /synthetic/jobs/job_1/manifest',
      'POST /provenance/datasets/verify',
      'GET /provenance/keys',
    ]);
  });

  it('maps a missing model to NotFoundError', async () => {
    const { client: sdk } = client([errorResponse(404, { type: 'not_found_error', code: 'model_not_found' })]);
    await expect(sdk.models.retrieve('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('streams a job’s progress events', async () => {
    const { client: sdk, requests } = client([
      streamResponse([
        ': connected\n\n',
        'event: progress\nid: 1\ndata: {"generated":10}\n\n',
        'event: completed\nid: 2\ndata: {"status":"succeeded"}\n\n',
      ]),
    ]);
    const events = [];
    for await (const event of await sdk.synthetic.jobs.events('job_1')) events.push(event);
    expect(requests[0]?.url).toBe('https://gw.test/v1/synthetic/jobs/job_1/events');
    expect(events).toEqual([
      { event: 'progress', id: '1', data: { generated: 10 } },
      { event: 'completed', id: '2', data: { status: 'succeeded' } },
    ]);
  });

  it('reads records as a page by default and as a JSONL stream on request', async () => {
    const page = { data: [{ id: 'rec_1' }], has_more: true, next_cursor: 'c2' };
    const { client: sdk, requests } = client([
      jsonResponse(200, page),
      streamResponse(['{"id":"rec_1"}\n{"id":', '"rec_2"}\n'], { contentType: 'application/x-ndjson' }),
    ]);
    const first = await sdk.synthetic.jobs.records('job_1');
    expectTypeOf(first).toEqualTypeOf<SyntheticRecordPage>();
    expect(first).toEqual(page);

    const all = await sdk.synthetic.jobs.records('job_1', { format: 'jsonl' });
    expectTypeOf(all).toEqualTypeOf<Stream<SyntheticRecord>>();
    const records = [];
    for await (const record of all) records.push(record);
    expect(records).toEqual([{ id: 'rec_1' }, { id: 'rec_2' }]);
    expect(requests[1]?.url).toBe('https://gw.test/v1/synthetic/jobs/job_1/records?format=jsonl');
  });
});
