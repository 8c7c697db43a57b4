import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  apiErrorFromResponse,
  SynthwellError,
} from '../errors.js';
import type { RequestOptions } from '../request-options.js';
import { newIdempotencyKey } from './idempotency.js';
import { retryDelayMs } from './retry.js';
import type { Scheduler } from './scheduler.js';

/** The slice of `fetch` the client needs; the global one, undici's or a test double all fit. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below the base URL, starting with `/`. */
  path: string;
  query?: QueryParams | undefined;
  body?: unknown;
}

export interface HttpClientConfig {
  /** Without a trailing slash. */
  baseURL: string;
  timeout: number;
  maxRetries: number;
  fetch: Fetch;
  defaultHeaders: Record<string, string>;
  /** Asked before every attempt, so a short-lived session token can be refreshed between retries. */
  bearerToken: () => string | Promise<string>;
  scheduler: Scheduler;
}

/** A 2xx response whose body is still unread, and the controller that aborts it. */
export interface OpenResponse {
  response: Response;
  controller: AbortController;
}

type Attempt<T> = { ok: true; value: T; controller: AbortController } | { ok: false; error: SynthwellError };

/** Sends requests to the gateway: authentication, headers, timeouts, retries and error mapping. */
export class HttpClient {
  readonly #config: HttpClientConfig;

  constructor(config: HttpClientConfig) {
    this.#config = config;
  }

  /** Sends a request and parses its JSON answer. Reading the body is part of the attempt, so it is retried too. */
  async json<T>(request: HttpRequest, options: RequestOptions = {}): Promise<T> {
    const { value } = await this.#send(request, options, 'application/json', async (response) =>
      parseJsonBody<T>(await response.text()),
    );
    return value;
  }

  /**
   * Sends a request and resolves once a 2xx status and its headers arrived. The body is the caller's to
   * read and is never re-sent: a stream that has begun cannot be replayed. The caller's `signal` keeps
   * aborting the body after this resolves.
   */
  async open(request: HttpRequest, accept: string, options: RequestOptions = {}): Promise<OpenResponse> {
    const { value: response, controller } = await this.#send(request, options, accept, async (response) => response);
    const { signal } = options;
    if (signal) {
      signal.addEventListener('abort', () => controller.abort(), { once: true, signal: controller.signal });
      if (signal.aborted) controller.abort();
    }
    return { response, controller };
  }

  async #send<T>(
    request: HttpRequest,
    options: RequestOptions,
    accept: string,
    read: (response: Response) => Promise<T>,
  ): Promise<{ value: T; controller: AbortController }> {
    const maxRetries = options.maxRetries ?? this.#config.maxRetries;
    const timeout = options.timeout ?? this.#config.timeout;
    const idempotencyKey = request.method === 'POST' ? (options.idempotencyKey ?? newIdempotencyKey()) : undefined;
    const url = this.#url(request);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);

    for (let retryCount = 0; ; retryCount++) {
      const headers = await this.#headers(options, accept, body !== undefined, idempotencyKey, retryCount);
      const attempt = await this.#attempt(
        url,
        { method: request.method, headers, body },
        options.signal,
        timeout,
        read,
      );
      if (attempt.ok) return attempt;
      const delay =
        retryCount < maxRetries ? retryDelayMs(attempt.error, retryCount, this.#config.scheduler) : undefined;
      if (delay === undefined) throw attempt.error;
      await this.#config.scheduler.sleep(delay, options.signal);
    }
  }

  /** One try: resolves with the result or a retryable-or-not error; throws only what must never be retried. */
  async #attempt<T>(
    url: string,
    init: { method: string; headers: Headers; body: string | undefined },
    signal: AbortSignal | undefined,
    timeout: number,
    read: (response: Response) => Promise<T>,
  ): Promise<Attempt<T>> {
    if (signal?.aborted) throw new APIUserAbortError();
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);

    try {
      const response = await this.#config.fetch(url, { ...init, signal: controller.signal });
      if (!response.ok) {
        return { ok: false, error: apiErrorFromResponse(response.status, response.headers, await response.text()) };
      }
      return { ok: true, value: await read(response), controller };
    } catch (cause) {
      if (signal?.aborted) throw new APIUserAbortError();
      if (timedOut) return { ok: false, error: new APITimeoutError(timeout) };
      if (cause instanceof SynthwellError) throw cause;
      return { ok: false, error: new APIConnectionError(undefined, { cause }) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    }
  }

  async #headers(
    options: RequestOptions,
    accept: string,
    hasBody: boolean,
    idempotencyKey: string | undefined,
    retryCount: number,
  ): Promise<Headers> {
    const headers = new Headers({ accept, authorization: `Bearer ${await this.#config.bearerToken()}` });
    if (hasBody) headers.set('content-type', 'application/json');
    if (idempotencyKey !== undefined) headers.set('idempotency-key', idempotencyKey);
    for (const [name, value] of Object.entries({ ...this.#config.defaultHeaders, ...options.headers })) {
      headers.set(name, value);
    }
    headers.set('x-synthwell-retry-count', String(retryCount));
    return headers;
  }

  #url(request: HttpRequest): string {
    const url = `${this.#config.baseURL}${request.path}`;
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) search.set(name, String(value));
    }
    const query = search.toString();
    return query ? `${url}?${query}` : url;
  }
}

function parseJsonBody<T>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new SynthwellError(`The gateway answered with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
