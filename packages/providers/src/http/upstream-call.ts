import { readSseEvents, type SseEvent } from '../sse.js';
import { type CallContext, ProviderError } from '../types.js';
import { CALL_ID_HEADER, type ConnectionWatch, watchConnection } from './connect-monitor.js';
import { errorFromStatus } from './errors.js';

/** Error bodies are read only this far: enough for the upstream's message, never a whole payload. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

type Phase = 'connect' | 'firstByte' | 'total';

/**
 * One HTTP call to an upstream with the context's deadlines: connect, first byte (response headers,
 * or the first event of a stream) and total. Everything it throws is a ProviderError: a deadline is
 * `timeout`, the client going away is `aborted`, a failed or dropped connection is `connection`.
 * Call `dispose()` when done; it cancels whatever is still in flight.
 */
export class UpstreamCall {
  private readonly controller = new AbortController();
  private readonly timers = new Map<Phase, NodeJS.Timeout>();
  private readonly watch: ConnectionWatch;
  private readonly onClientAbort = () => this.fail(new ProviderError('aborted', 'the request was cancelled'));
  private failure: ProviderError | null = null;
  private responded = false;

  constructor(
    private readonly provider: string,
    private readonly ctx: CallContext,
    private readonly streaming: boolean,
  ) {
    const { connectMs, firstByteMs, totalMs } = ctx.timeouts ?? {};
    this.arm('total', totalMs);
    this.arm('firstByte', firstByteMs);
    this.watch = watchConnection({
      onDispatched: () => {
        if (!this.responded) this.arm('connect', connectMs);
      },
      onConnected: () => this.disarm('connect'),
    });
    if (ctx.signal.aborted) this.onClientAbort();
    else ctx.signal.addEventListener('abort', this.onClientAbort, { once: true });
  }

  /** Sends the request; resolves with a 2xx response, throws a ProviderError for anything else. */
  async send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Response> {
    if (this.failure) throw this.failure;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { ...init.headers, [CALL_ID_HEADER]: this.watch.callId },
        signal: this.controller.signal,
      });
    } catch (error) {
      throw this.toProviderError(error, `could not reach ${this.provider}`);
    }
    this.responded = true;
    this.disarm('connect');
    if (!this.streaming) this.disarm('firstByte');
    if (!response.ok) {
      const body = await this.readLimited(response, MAX_ERROR_BODY_BYTES);
      throw errorFromStatus(this.provider, response.status, response.headers, body);
    }
    return response;
  }

  /** The response body parsed as JSON; malformed JSON is a `bad_response`. */
  async json(response: Response): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.toProviderError(error, `the connection to ${this.provider} was lost mid-response`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ProviderError('bad_response', `${this.provider} sent a response that is not valid JSON`, {
        cause: error,
      });
    }
  }

  /** The response body's server-sent events; the first one ends the first-byte deadline. */
  async *events(response: Response): AsyncGenerator<SseEvent> {
    if (!response.body) throw new ProviderError('bad_response', `${this.provider} sent an empty stream`);
    const events = readSseEvents(response.body);
    while (true) {
      let next: IteratorResult<SseEvent>;
      try {
        next = await events.next();
      } catch (error) {
        throw this.toProviderError(error, `the connection to ${this.provider} was lost mid-stream`);
      }
      if (next.done) return;
      this.disarm('firstByte');
      yield next.value;
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.watch.stop();
    this.ctx.signal.removeEventListener('abort', this.onClientAbort);
    if (!this.controller.signal.aborted) this.controller.abort();
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
    this.controller.abort(error);
  }

  private toProviderError(error: unknown, connectionMessage: string): ProviderError {
    if (this.failure) return this.failure;
    if (error instanceof ProviderError) return error;
    const code = errorCode(error);
    return new ProviderError('connection', code ? `${connectionMessage} (${code})` : connectionMessage, {
      cause: error,
    });
  }

  private async readLimited(response: Response, limit: number): Promise<string> {
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= limit) break;
      }
    } catch {
      // The status already says what went wrong; a broken error body adds nothing.
    }
    return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit));
  }
}

function timeoutError(provider: string, phase: Phase, ms: number): ProviderError {
  const what = {
    connect: 'connect',
    firstByte: 'start answering',
    total: 'finish answering',
  }[phase];
  return new ProviderError('timeout', `${provider} did not ${what} within ${ms} ms`);
}

/** The system or undici error code behind a fetch failure, e.g. ECONNREFUSED or UND_ERR_SOCKET. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = Reflect.get(current, 'code');
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}
