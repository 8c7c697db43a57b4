import type { ErrorBody } from '@synthwell/contracts';
import type { StreamTarget } from '../core/exchange.js';

/**
 * The one place the gateway writes Server-Sent Events. Events are typed objects serialised here;
 * nothing else builds `data:` lines. Keep-alive comments flow while the writer waits for an upstream.
 */
export class SseWriter {
  private keepAlive: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly res: StreamTarget,
    private readonly keepAliveMs: number,
  ) {}

  /** Sends the status line and headers; call once, before the first event. */
  open(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders();
    this.armKeepAlive();
  }

  get opened(): boolean {
    return this.res.headersSent;
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  /** Writes one event; returns false when the client is gone. */
  send(data: unknown, event?: string): boolean {
    if (this.closed) return false;
    this.armKeepAlive();
    const frame = `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
    this.res.write(frame);
    return true;
  }

  /** An error the client can see after the stream began (OpenAI clients read `error` in a data frame). */
  error(body: ErrorBody): void {
    this.send(body, 'error');
  }

  /** Ends the stream with OpenAI's `data: [DONE]` terminator. */
  done(): void {
    if (this.closed) return;
    this.res.write('data: [DONE]\n\n');
    this.end();
  }

  end(): void {
    clearTimeout(this.keepAlive);
    if (this.ended) return;
    this.ended = true;
    if (!this.res.writableEnded) this.res.end();
  }

  private armKeepAlive(): void {
    clearTimeout(this.keepAlive);
    this.keepAlive = setTimeout(() => {
      if (this.closed) return;
      this.res.write(': keep-alive\n\n');
      this.armKeepAlive();
    }, this.keepAliveMs);
    this.keepAlive.unref();
  }
}
