import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { INVALIDATION_CHANNEL, type Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import { AuthService } from '../auth/auth.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { LOGGER, REDIS } from '../core/tokens.js';

/**
 * Drops cached plans and keys the moment billing says they changed, and tells listeners (the content
 * policy) when another replica changed what they cache, on every replica. Without Redis (or while it
 * is down) the caches' own refresh intervals are the bound.
 */
@Injectable()
export class InvalidationSubscriber implements OnModuleInit, OnModuleDestroy {
  private subscriber: Redis | null = null;
  private readonly safetyPolicyListeners = new Set<() => void>();

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

  /** Calls `listener` whenever a replica says the content policy changed; returns the unsubscribe. */
  onSafetyPolicyChange(listener: () => void): () => void {
    this.safetyPolicyListeners.add(listener);
    return () => this.safetyPolicyListeners.delete(listener);
  }

  apply(message: string): void {
    let event: Partial<{ userId: string; keyHash: string; all: boolean; safetyPolicy: boolean }>;
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
    } else if (event.safetyPolicy === true) {
      for (const listener of this.safetyPolicyListeners) listener();
    }
  }
}
