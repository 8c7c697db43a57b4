import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readSseEvents, type SseEvent } from '../sse.js';
import { type CallContext, ProviderError } from '../types.js';
import { errorFromStatus } from './errors.js';

/** Error bodies are read only this far: enough for the upstream's message, never a whole payload. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

type Phase = 'connect' | 'firstByte' | 'total';

/**
 * Keep-alive pools shared by every adapter. node:http rather than fetch: on the gateway's hot path
 * it costs a third of fetch's time per call, and its socket events give the connect deadline
 * directly. LIFO scheduling keeps the warmest sockets busy.
 */
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 64, scheduling: 'lifo' }),
};

interface Target {
  secure: boolean;
  protocol: string;
  hostname: string;
  port: string | number;
  path: string;
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
    port: parsed.port || (secure ? 443 : 80),
    path: `${parsed.pathname}${parsed.search}`,
  };
  if (targets.size >= 1_000) targets.clear();
  targets.set(url, target);
  return target;
}

/** A 2xx upstream response: status, headers and the body as a byte stream. */
export interface UpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
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
 * Call `dispose()` when done; it cancels whatever is still in flight.
 */
export class UpstreamCall {
  private readonly timers = new Map<Phase, NodeJS.Timeout>();
  private readonly onClientAbort = () => this.fail(new ProviderError('aborted', 'the request was cancelled'));
  private failure: ProviderError | null = null;
  private request: ClientRequest | null = null;
  private response: IncomingMessage | null = null;
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
    const body = init.body;
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const request = (target.secure ? httpsRequest : httpRequest)(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          method: init.method,
          headers:
            body === undefined ? init.headers : { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: target.secure ? agents.https : agents.http,
        },
        (response) => {
          this.response = response;
          this.disarm('connect');
          if (!this.streaming) this.disarm('firstByte');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve({ status, headers: response.headers, body: response });
            return;
          }
          this.readLimited(response, MAX_ERROR_BODY_BYTES).then(
            (text) => reject(errorFromStatus(this.provider, status, toHeaders(response.headers), text)),
            reject,
          );
        },
      );
      this.request = request;
      request.on('socket', (socket) => {
        if (socket.connecting) {
          this.arm('connect', this.ctx.timeouts?.connectMs);
          socket.once('connect', () => this.disarm('connect'));
        }
      });
      request.on('error', (error) => reject(this.toProviderError(error, `could not reach ${this.provider}`)));
      request.end(body);
    });
  }

  /** The response body parsed as JSON; malformed JSON is a `bad_response`. */
  async json(response: UpstreamResponse): Promise<unknown> {
    // Plain events rather than `for await`: the async iterator costs a promise per chunk on the hot path.
    const chunks: Buffer[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const body = response.body;
        body.on('data', (chunk: Buffer) => chunks.push(chunk));
        body.once('end', resolve);
        body.once('error', reject);
        // A socket closed before the end: `complete` stays false and is reported below.
        body.once('close', resolve);
      });
    } catch (error) {
      throw this.toProviderError(error, `the connection to ${this.provider} was lost mid-response`);
    }
    if (this.failure) throw this.failure;
    if (!response.body.complete)
      throw new ProviderError('connection', `the connection to ${this.provider} was lost mid-response`);
    this.finished = true;
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
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
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.ctx.signal.removeEventListener('abort', this.onClientAbort);
    // A fully read response leaves its socket to the pool; anything else is cut off.
    if (!this.finished) {
      this.response?.destroy();
      this.request?.destroy();
    }
  }

  private arm(phase: Phase, ms: number | undefined): void {
    if (ms === undefined || !Number.isFinite(ms) || ms <= 0 || this.timers.has(phase)) return;
    const timer = setTimeout(() => this.fail(timeoutError(this.provider, phase, ms)), ms);
    timer.unref();
    this.timers.set(phase, timer);
  }

  private disarm(phase: Phase): void {
    const timer = this.timers.get(phase);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(phase);
  }

  private fail(error: ProviderError): void {
    if (this.failure) return;
    this.failure = error;
    // Destroying with the error makes pending reads and the request reject with it.
    this.response?.destroy(error);
    this.request?.destroy(error);
  }

  private toProviderError(error: unknown, connectionMessage: string): ProviderError {
    if (this.failure) return this.failure;
    if (error instanceof ProviderError) return error;
    const code = errorCode(error);
    return new ProviderError('connection', code ? `${connectionMessage} (${code})` : connectionMessage, {
      cause: error,
    });
  }

  private async readLimited(response: IncomingMessage, limit: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).byteLength;
        if (size >= limit) break;
      }
    } catch {
      // The status already says what went wrong; a broken error body adds nothing.
    }
    return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
  }
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
