import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@synthwell/server';
import { LOGGER } from './tokens.js';

/** How long a stopping gateway waits for metered requests to finish (main.ts exits after 10 s). */
export const DRAIN_MS = 8_000;

/**
 * The requests that produce usage (chat completions, image generations), counted so that a stopping
 * gateway lets them finish — answered, metered, settled — before the ledger, limiter and database
 * close. Without it, Nest's shutdown runs every module's destroy hook while requests are still in
 * flight, and those requests lose their usage record.
 */
@Injectable()
export class InFlight {
  private count = 0;
  private idle: (() => void) | null = null;
  private readonly stoppers: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  /** A request starts; call `end` when it is answered and metered, whatever happened. */
  begin(): void {
    this.count++;
  }

  end(): void {
    this.count--;
    if (this.count === 0) this.idle?.();
  }

  /** Runs `work` as one request in flight. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work();
    } finally {
      this.end();
    }
  }

  /** `stop` runs when the gateway starts stopping: stop taking new requests there. */
  onStop(stop: () => void): void {
    this.stoppers.push(stop);
  }

  /** Stops intake and resolves when nothing is in flight, or after `timeoutMs` (false then). */
  async drain(timeoutMs: number): Promise<boolean> {
    for (const stop of this.stoppers) stop();
    if (this.count === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

/**
 * Provided by the root module, whose destroy hooks Nest runs before those of the modules it imports:
 * the drain happens before any service the requests use is torn down.
 */
@Injectable()
export class ShutdownDrain implements OnModuleDestroy {
  constructor(
    private readonly inFlight: InFlight,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleDestroy(): Promise<void> {
    const pending = this.inFlight.size;
    if (await this.inFlight.drain(DRAIN_MS)) {
      if (pending > 0) this.logger.info({ requests: pending }, 'stopping: requests in flight finished');
    } else {
      this.logger.warn({ requests: this.inFlight.size }, 'stopping: requests still in flight after the drain');
    }
  }
}
