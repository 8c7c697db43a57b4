import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import { AuthService } from '../auth/auth.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { LOGGER, REDIS } from '../core/tokens.js';

/** The channel billing publishes on when a plan, a subscription, a comp or a key changes. */
export const INVALIDATION_CHANNEL = 'sw:invalidate';

export type Invalidation = { userId: string } | { keyHash: string } | { all: true };

/**
 * Drops cached plans and keys the moment billing says they changed, on every replica. Without Redis
 * (or while it is down) the caches' 5-second TTL is the bound.
 */
@Injectable()
export class InvalidationSubscriber implements OnModuleInit, OnModuleDestroy {
  private subscriber: Redis | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly auth: AuthService,
    private readonly catalog: CatalogService,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    // A connection in subscriber mode cannot run other commands, so it gets its own.
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', (error: Error) => this.logger.debug({ err: error }, 'invalidation subscriber error'));
    this.subscriber.on('message', (_channel: string, message: string) => this.apply(message));
    await this.subscriber.subscribe(INVALIDATION_CHANNEL).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not subscribe to invalidations; relying on cache TTLs');
    });
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  apply(message: string): void {
    let event: Partial<{ userId: string; keyHash: string; all: boolean }>;
    try {
      event = JSON.parse(message) as typeof event;
    } catch {
      this.logger.warn('ignored a malformed invalidation message');
      return;
    }
    if (event.all) {
      this.auth.invalidate();
      void this.catalog.refresh().catch(() => undefined);
    } else if (typeof event.userId === 'string') {
      this.auth.invalidate({ userId: event.userId });
    } else if (typeof event.keyHash === 'string') {
      this.auth.invalidate({ keyHash: event.keyHash });
    }
  }
}
