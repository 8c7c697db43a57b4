import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { readSseEvents, type SseEvent } from '../sse.js';
import { type CallContext, ProviderError } from '../types.js';
import { errorFromStatus } from './errors.js';
import {
  type Http1Head,
  type Http1Listener,
  type Http1Owner,
  type Http1Pool,
  poolFor,
  ResponseParser,
  requestBytes,
} from './http1.js';

/** Error bodies are read only this far: enough for the upstream's message, never a whole payload. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

type Phase = 'connect' | 'firstByte' | 'total';

/**
 * The keep-alive pool of `https:` upstreams (plain `http:` ones use http1.ts): Node's client rather
 * than fetch, which costs three times as much per call, and its socket events give the connect
 * deadline directly. LIFO scheduling keeps the warmest sockets busy.
 */
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' });

interface Target {
  secure: boolean;
  protocol: string;
  hostname: string;
  /** host[:port] as the Host header gives it. */
  host: string;
  port: string | number;
  path: string;
  /** The keep-alive pool of a plain-http target, found on its first call. */
  pool?: Http1Pool;
}

/** Upstream URLs are a handful per deployment: each is parsed once, not on every call. */
const targets = new Map<string, Target>();

function parseTarget(url: string): Target {
  const cached = targets.get(url);
  if (cached) return cached;
  const parsed = new URL(url);
  const secure = parsed.protocol === 'https:';
  const target = {
    secure,
    protocol: parsed.protocol,
    hostname: parsed.hostname,
    host: parsed.host,
    port: parsed.port || (secure ? 443 : 80),
    path: `${parsed.pathname}${parsed.search}`,
  };
  if (targets.size >= 1_000) targets.clear();
  targets.set(url, target);
  return target;
}

/** An upstream response body, read whole or as its bytes arrive. */
export interface ResponseBody extends AsyncIterable<Uint8Array> {
  /** The body was read to its framed end (false when the connection was lost first). */
  readonly complete: boolean;
  /** The body's bytes, whole, or its first `limit` bytes or more; rejects if the connection is lost first. */
  readAll(limit?: number): Promise<Buffer>;
}

/** A 2xx upstream response: status, headers and the body. */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: ResponseBody;
}

/** Fetch's Headers from node's, for the (cold) error path that parses retry-after. */
function toHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const item of value) result.append(name, item);
    else if (value !== undefined) result.set(name, value);
  }
  return result;
}

/**
 * One HTTP call to an upstream with the context's deadlines: connect (a new socket until it is
 * connected; a reused keep-alive socket has none), first byte (response headers, or the first event
 * of a stream) and total. Everything it throws is a ProviderError: a deadline is `timeout`, the
 * client going away is `aborted`, a failed or dropped connection is `connection`.
 * Plain `http:` upstreams go through the hand-written HTTP/1.1 client (http1.ts), `https:` ones
 * through Node's. Call `dispose()` when done; it cancels whatever is still in flight.
 */
export class UpstreamCall {
  /** The armed deadline of each phase; plain fields, as a Map costs more than the timers themselves. */
  private readonly timers: Record<Phase, NodeJS.Timeout | undefined> = {
    connect: undefined,
    firstByte: undefined,
    total: undefined,
  };
  private readonly onClientAbort = () => this.fail(new ProviderError('aborted', 'the request was cancelled'));
  private failure: ProviderError | null = null;
  /** Whatever carries the call and must be destroyed to cancel it. */
  private carrier: { destroy(error?: Error): void } | null = null;
  private finished = false;

  constructor(
    private readonly provider: string,
    private readonly ctx: CallContext,
    private readonly streaming: boolean,
  ) {
    const { totalMs, firstByteMs } = ctx.timeouts ?? {};
    this.arm('total', totalMs);
    this.arm('firstByte', firstByteMs);
    if (ctx.signal.aborted) this.onClientAbort();
    else ctx.signal.addEventListener('abort', this.onClientAbort, { once: true });
  }

  /** Sends the request; resolves with a 2xx response, throws a ProviderError for anything else. */
  send(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<UpstreamResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const target = parseTarget(url);
    return target.secure ? this.sendHttps(target, init) : this.sendHttp1(target, init);
  }

  private sendHttp1(
    target: Target,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<UpstreamResponse> {
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const exchange = new Http1Exchange(this, resolve, reject);
      // An IPv6 literal's brackets belong to the URL, not to the address.
      target.pool ??= poolFor(target.hostname.replace(/^\[(.*)\]$/, '$1'), Number(target.port));
      const pool = target.pool;
      const { socket, fresh } = pool.acquire(exchange);
      exchange.start(pool, socket);
      this.carrier = socket;
      if (fresh) {
        this.arm('connect', this.ctx.timeouts?.connectMs);
        socket.once('connect', () => this.disarm('connect'));
      }
      try {
        socket.write(requestBytes(init.method, target.path, target.host, init.headers, init.body));
      } catch (error) {
        exchange.abandon();
        reject(error);
      }
    });
  }

  /** The response head arrived: deadlines up to it end. */
  headArrived(): void {
    this.disarm('connect');
    if (!this.streaming) this.disarm('firstByte');
  }

  /** The response was read to its end and its socket went back to the pool. */
  released(socket: Socket): void {
    if (this.carrier === socket) this.carrier = null;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** Errors of the connection, as the call reports them. */
  connectionError(error: unknown): ProviderError {
    return this.toProviderError(error, `could not reach ${this.provider}`);
  }

  /**
   * A 4xx/5xx response as the error it means, with as much of its body as arrives (up to
   * MAX_ERROR_BODY_BYTES): the status already says what went wrong, so a broken error body adds nothing.
   */
  async statusError(status: number, headers: IncomingHttpHeaders, body: ResponseBody): Promise<ProviderError> {
    const bytes = await body.readAll(MAX_ERROR_BODY_BYTES).catch(() => Buffer.alloc(0));
    return errorFromStatus(
      this.provider,
      status,
      toHeaders(headers),
      bytes.subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8'),
    );
  }

  malformed(error: unknown): ProviderError {
    return new ProviderError('bad_response', `${this.provider} sent a malformed HTTP response`, { cause: error });
  }

  private sendHttps(
    target: Target,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<UpstreamResponse> {
    const body = init.body;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const request = httpsRequest(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          method: init.method,
          headers:
            body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: httpsAgent,
        },
        (response) => {
          this.carrier = {
            destroy: (error) => {
              response.destroy(error);
              request.destroy(error);
            },
          };
          this.headArrived();
          const status = response.statusCode ?? 0;
          const answer = nodeBody(response);
          if (status >= 200 && status < 300) resolve({ status, headers: response.headers, body: answer });
          else this.statusError(status, response.headers, answer).then(reject);
        },
      );
      this.carrier = request;
      request.on('socket', (socket) => {
        if (socket.connecting) {
          this.arm('connect', this.ctx.timeouts?.connectMs);
          socket.once('connect', () => this.disarm('connect'));
        }
      });
      request.on('error', (error) => reject(this.connectionError(error)));
      request.end(body);
    });
  }

  /** The response body parsed as JSON; malformed JSON is a `bad_response`. */
  async json(response: UpstreamResponse): Promise<unknown> {
    let bytes: Buffer;
    try {
      bytes = await response.body.readAll();
    } catch (error) {
      throw this.toProviderError(error, `the connection to ${this.provider} was lost mid-response`);
    }
    if (this.failure) throw this.failure;
    if (!response.body.complete)
      throw new ProviderError('connection', `the connection to ${this.provider} was lost mid-response`);
    this.finished = true;
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new ProviderError('bad_response', `${this.provider} sent a response that is not valid JSON`, {
        cause: error,
      });
    }
  }

  /** The response body's server-sent events; the first one ends the first-byte deadline. */
  async *events(response: UpstreamResponse): AsyncGenerator<SseEvent> {
    const events = readSseEvents(response.body);
    while (true) {
      let next: IteratorResult<SseEvent>;
      try {
        next = await events.next();
      } catch (error) {
        throw this.toProviderError(error, `the connection to ${this.provider} was lost mid-stream`);
      }
      if (this.failure) throw this.failure;
      if (next.done) {
        if (!response.body.complete)
          throw new ProviderError('connection', `the connection to ${this.provider} was lost mid-stream`);
        this.finished = true;
        return;
      }
      this.disarm('firstByte');
      yield next.value;
    }
  }

  dispose(): void {
    this.disarm('connect');
    this.disarm('firstByte');
    this.disarm('total');
    this.ctx.signal.removeEventListener('abort', this.onClientAbort);
    // A fully read response leaves its socket to the pool; anything else is cut off.
    if (!this.finished) this.carrier?.destroy();
    this.carrier = null;
  }

  private arm(phase: Phase, ms: number | undefined): void {
    if (ms === undefined || !Number.isFinite(ms) || ms <= 0 || this.timers[phase] !== undefined) return;
    const timer = setTimeout(() => this.fail(timeoutError(this.provider, phase, ms)), ms);
    timer.unref();
    this.timers[phase] = timer;
  }

  private disarm(phase: Phase): void {
    const timer = this.timers[phase];
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers[phase] = undefined;
  }

  private fail(error: ProviderError): void {
    if (this.failure) return;
    this.failure = error;
    // Destroying with the error makes pending reads and the request reject with it.
    this.carrier?.destroy(error);
  }

  private toProviderError(error: unknown, connectionMessage: string): ProviderError {
    if (this.failure) return this.failure;
    if (error instanceof ProviderError) return error;
    const code = errorCode(error);
    return new ProviderError('connection', code ? `${connectionMessage} (${code})` : connectionMessage, {
      cause: error,
    });
  }
}

/**
 * One request and response on a pooled HTTP/1.1 socket: the socket's owner while the call uses it and
 * the response parser's listener, in one object, so a call allocates no listener closures.
 */
class Http1Exchange implements Http1Owner, Http1Listener {
  private readonly parser = new ResponseParser(this);
  private readonly body = new QueuedBody();
  private pool: Http1Pool | null = null;
  private socket: Socket | null = null;
  private leftover = false;

  constructor(
    private readonly call: UpstreamCall,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(pool: Http1Pool, socket: Socket): void {
    this.pool = pool;
    this.socket = socket;
  }

  /** The request could not even be written: the socket is not reused. */
  abandon(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) this.pool?.release(socket, false);
  }

  // Http1Owner: the socket's events while this call owns it.
  received(chunk: Buffer): void {
    try {
      if (this.parser.feed(chunk) !== null) this.leftover = true;
    } catch (error) {
      const failure = this.call.malformed(error);
      this.abandon();
      this.body.fail(failure);
      this.reject(failure);
    }
  }

  broken(error: Error): void {
    this.error(error);
  }

  closed(): void {
    this.parser.closed();
  }

  // Http1Listener: the response as the parser reads it (and errors of the socket).
  head({ status, headers }: Http1Head): void {
    this.call.headArrived();
    if (status >= 200 && status < 300) {
      this.resolve({ status, headers, body: this.body });
      return;
    }
    this.call.statusError(status, headers, this.body).then(this.reject);
  }

  data(chunk: Buffer): void {
    this.body.push(chunk);
  }

  end(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      this.pool?.release(socket, this.parser.reusable && !this.leftover && !this.call.failed);
      this.call.released(socket);
    }
    this.body.end();
  }

  error(error: Error): void {
    const failure = this.call.connectionError(error);
    this.body.fail(failure);
    this.reject(failure);
  }
}

/** A body fed by the HTTP/1.1 parser: chunks queue until read. */
class QueuedBody implements ResponseBody {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;

  get complete(): boolean {
    return this.ended;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    if (this.ended || this.error) return;
    this.error = error;
    this.notify();
  }

  async readAll(limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
    while (!this.ended && this.size < limit) {
      if (this.error) throw this.error;
      await this.nextEvent();
    }
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    while (true) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.size -= chunk.length;
        yield chunk;
        continue;
      }
      if (this.ended) return;
      if (this.error) throw this.error;
      await this.nextEvent();
    }
  }

  private nextEvent(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** Node's IncomingMessage as a ResponseBody. */
function nodeBody(message: IncomingMessage): ResponseBody {
  return {
    get complete() {
      return message.complete;
    },
    readAll: (limit = Number.POSITIVE_INFINITY) =>
      new Promise<Buffer>((resolve, reject) => {
        // Plain events rather than `for await`: the async iterator costs a promise per chunk.
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve(Buffer.concat(chunks));
        message.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= limit) {
            message.destroy();
            done();
          }
        });
        message.once('end', done);
        message.once('error', reject);
        // A socket closed before the end: `complete` stays false and is reported by the caller.
        message.once('close', done);
      }),
    [Symbol.asyncIterator]: () => message[Symbol.asyncIterator](),
  };
}

function timeoutError(provider: string, phase: Phase, ms: number): ProviderError {
  const what = { connect: 'connect', firstByte: 'start answering', total: 'finish answering' }[phase];
  return new ProviderError('timeout', `${provider} did not ${what} within ${ms} ms`);
}

/** The system error code behind a failed call, e.g. ECONNREFUSED or ECONNRESET. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = Reflect.get(current, 'code');
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}
