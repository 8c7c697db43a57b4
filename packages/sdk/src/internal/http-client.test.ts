import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  QuotaExceededError,
  RateLimitError,
} from '../errors.js';
import {
  errorResponse,
  fakeScheduler,
  hangingReply,
  jsonResponse,
  type Reply,
  scriptedFetch,
  streamResponse,
} from '../testing/fake-fetch.js';
import { HttpClient, type HttpClientConfig } from './http-client.js';
import { realScheduler, type Scheduler } from './scheduler.js';

const post = { method: 'POST', path: '/chat/completions', body: { model: 'm' } } as const;
const ok = () => jsonResponse(200, { ok: true });
const unavailable = () => errorResponse(503, { message: 'busy', code: 'service_unavailable' });

function setup(replies: Reply[], config: Partial<HttpClientConfig> = {}) {
  const { fetch, requests } = scriptedFetch(...replies);
  const scheduler = fakeScheduler();
  const http = new HttpClient({
    baseURL: 'https://api.test/v1',
    timeout: 60_000,
    maxRetries: 2,
    fetch,
    defaultHeaders: {},
    bearerToken: () => 'sk-sw-test',
    scheduler,
    ...config,
  });
  return { http, requests, sleeps: scheduler.sleeps };
}

describe('HttpClient requests', () => {
  it('sends JSON with the bearer token to the base URL and parses the answer', async () => {
    const { http, requests } = setup([ok()]);
    await expect(http.json(post)).resolves.toEqual({ ok: true });
    const [request] = requests;
    expect(request?.url).toBe('https://api.test/v1/chat/completions');
    expect(request?.method).toBe('POST');
    expect(request?.body).toEqual({ model: 'm' });
    expect(request?.headers.get('authorization')).toBe('Bearer sk-sw-test');
    expect(request?.headers.get('content-type')).toBe('application/json');
  });

  it('encodes query parameters and leaves out unset ones', async () => {
    const { http, requests } = setup([ok()]);
    await http.json({ method: 'GET', path: '/synthetic/jobs', query: { limit: 5, cursor: undefined, mine: true } });
    expect(requests[0]?.url).toBe('https://api.test/v1/synthetic/jobs?limit=5&mine=true');
    expect(requests[0]?.headers.has('idempotency-key')).toBe(false);
  });

  it('lets per-request headers override default headers', async () => {
    const { http, requests } = setup([ok()], { defaultHeaders: { 'X-Team': 'a', 'X-Trace': 'd' } });
    await http.json(post, { headers: { 'x-team': 'b' } });
    expect(requests[0]?.headers.get('x-team')).toBe('b');
    expect(requests[0]?.headers.get('x-trace')).toBe('d');
  });
});

describe('HttpClient retries', () => {
  it('retries up to maxRetries with exponential backoff, then throws the last error', async () => {
    const { http, requests, sleeps } = setup([unavailable(), unavailable(), unavailable()]);
    await expect(http.json(post)).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('succeeds when a retry does', async () => {
    const { http, requests } = setup([new TypeError('fetch failed'), unavailable(), ok()]);
    await expect(http.json(post)).resolves.toEqual({ ok: true });
    expect(requests.map((request) => request.headers.get('x-synthwell-retry-count'))).toEqual(['0', '1', '2']);
  });

  it('reuses one idempotency key across the retries of a call, and not across calls', async () => {
    const { http, requests } = setup([unavailable(), ok(), ok()]);
    await http.json(post);
    await http.json(post);
    const keys = requests.map((request) => request.headers.get('idempotency-key'));
    expect(keys[0]).toMatch(/^sw-[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('sends the caller’s idempotency key when given one', async () => {
    const { http, requests } = setup([unavailable(), ok()]);
    await http.json(post, { idempotencyKey: 'order-42' });
    expect(requests.map((request) => request.headers.get('idempotency-key'))).toEqual(['order-42', 'order-42']);
  });

  it('honours retry-after instead of the backoff', async () => {
    const limited = errorResponse(429, { code: 'rate_limit_exceeded' }, { 'retry-after': '20' });
    const { http, sleeps } = setup([limited, ok()]);
    await http.json(post);
    expect(sleeps).toEqual([20_000]);
  });

  it('gives up at once on a retry-after longer than a minute, with the wait on the error', async () => {
    const limited = errorResponse(429, { code: 'rate_limit_exceeded' }, { 'retry-after': '900' });
    const { http, requests } = setup([limited]);
    const error = await http.json(post).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(900_000);
    expect(requests).toHaveLength(1);
  });

  it('does not retry a spent quota or a bad request', async () => {
    const quota = errorResponse(429, { code: 'quota_exceeded', type: 'insufficient_quota' });
    const first = setup([quota]);
    await expect(first.http.json(post)).rejects.toBeInstanceOf(QuotaExceededError);
    expect(first.requests).toHaveLength(1);

    const second = setup([errorResponse(400, { code: 'invalid_request_body' })]);
    await expect(second.http.json(post)).rejects.toBeInstanceOf(BadRequestError);
    expect(second.requests).toHaveLength(1);
  });

  it('lets a call turn retries off', async () => {
    const { http, requests } = setup([unavailable()]);
    await expect(http.json(post, { maxRetries: 0 })).rejects.toBeInstanceOf(InternalServerError);
    expect(requests).toHaveLength(1);
  });

  it('asks for the bearer token again before each attempt', async () => {
    let issued = 0;
    const { http, requests } = setup([unavailable(), ok()], { bearerToken: async () => `swt_${++issued}` });
    await http.json(post);
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual(['Bearer swt_1', 'Bearer swt_2']);
  });
});

describe('HttpClient timeouts and aborts', () => {
  it('abandons an attempt that exceeds the timeout, retries it, and reports a timeout', async () => {
    const { http, requests } = setup([hangingReply, hangingReply]);
    const error = await http.json(post, { timeout: 1, maxRetries: 1 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(requests).toHaveLength(2);
    expect(requests.every((request) => request.signal.aborted)).toBe(true);
  });

  it('stops at once when the caller aborts, without retrying', async () => {
    const controller = new AbortController();
    const { http, requests } = setup([
      (request) => {
        controller.abort();
        return hangingReply(request);
      },
    ]);
    await expect(http.json(post, { signal: controller.signal })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const { http, requests } = setup([ok()]);
    await expect(http.json(post, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(0);
  });

  it('stops waiting between retries when the caller aborts', async () => {
    const controller = new AbortController();
    const abortWhileSleeping: Scheduler = {
      ...realScheduler,
      sleep: (ms, signal) => {
        const sleeping = realScheduler.sleep(ms, signal);
        controller.abort();
        return sleeping;
      },
    };
    const { http, requests } = setup([unavailable(), ok()], { scheduler: abortWhileSleeping });
    await expect(http.json(post, { signal: controller.signal })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(requests).toHaveLength(1);
  });
});

describe('HttpClient streams', () => {
  it('never re-sends a request once its stream began, even if the stream then fails', async () => {
    const { http, requests } = setup([streamResponse(['data: {}\n\n'], { cut: true }), ok()]);
    const { response } = await http.open(post, 'text/event-stream');
    await expect(response.text()).rejects.toThrow();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.get('accept')).toBe('text/event-stream');
  });

  it('retries a stream request that failed before it began', async () => {
    const { http, requests } = setup([unavailable(), streamResponse(['data: [DONE]\n\n'])]);
    const { response } = await http.open(post, 'text/event-stream');
    expect(await response.text()).toBe('data: [DONE]\n\n');
    expect(requests).toHaveLength(2);
  });

  it('keeps the caller’s signal wired to the open stream', async () => {
    const controller = new AbortController();
    const { http } = setup([streamResponse(['data: {}\n\n'])]);
    const opened = await http.open(post, 'text/event-stream', { signal: controller.signal });
    controller.abort();
    expect(opened.controller.signal.aborted).toBe(true);
  });
});
