// Test doubles for the network and the clock. Excluded from the build.
import { APIUserAbortError } from '../errors.js';
import type { Fetch } from '../internal/http-client.js';
import type { Scheduler } from '../internal/scheduler.js';

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  /** The parsed JSON body, if any. */
  body: unknown;
  signal: AbortSignal;
}

/** One scripted answer: a response, an error to reject with, or a function of the request. */
export type Reply = Response | Error | ((request: RecordedRequest) => Response | Promise<Response>);

/** A `fetch` that answers with `replies` in order and records every request; one call too many fails the test. */
export function scriptedFetch(...replies: Reply[]): { fetch: Fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch: Fetch = async (url, init) => {
    const request: RecordedRequest = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? new AbortController().signal,
    };
    requests.push(request);
    const reply = replies[requests.length - 1];
    if (reply === undefined) throw new Error(`Unexpected request number ${requests.length}: ${request.method} ${url}`);
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(request) : reply;
  };
  return { fetch, requests };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req_test', ...headers },
  });
}

/** The gateway's OpenAI-shaped error response. */
export function errorResponse(
  status: number,
  error: { message?: string; type?: string; code?: string | null; param?: string | null },
  headers: Record<string, string> = {},
): Response {
  const body = { error: { message: 'failed', type: 'server_error', code: null, param: null, ...error } };
  return jsonResponse(status, body, headers);
}

/**
 * A 200 response whose body yields `chunks` as separate reads. With `cut`, the body then fails the way
 * a dropped connection does instead of ending.
 */
export function streamResponse(chunks: string[], options: { cut?: boolean; contentType?: string } = {}): Response {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
      else if (options.cut) controller.error(new TypeError('terminated: other side closed'));
      else controller.close();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': options.contentType ?? 'text/event-stream', 'x-request-id': 'req_stream' },
  });
}

/** A reply that never answers until the request is aborted, then rejects as fetch does. */
export function hangingReply(request: RecordedRequest): Promise<Response> {
  return new Promise((_resolve, reject) => {
    const fail = () => reject(new DOMException('This operation was aborted', 'AbortError'));
    if (request.signal.aborted) fail();
    request.signal.addEventListener('abort', fail, { once: true });
  });
}

/** A clock that never waits: it records each sleep and rolls `random` for jitter. */
export function fakeScheduler(options: { random?: number; now?: number } = {}): Scheduler & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => options.now ?? 0,
    random: () => options.random ?? 0,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new APIUserAbortError();
      sleeps.push(ms);
    },
  };
}

/** Encodes chunks as SSE `data:` events, ended by `[DONE]`. */
export function sseEvents(...data: unknown[]): string[] {
  return [...data.map((item) => `data: ${JSON.stringify(item)}\n\n`), 'data: [DONE]\n\n'];
}
