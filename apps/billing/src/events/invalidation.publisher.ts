import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import { LOGGER, REDIS } from '../core/tokens.js';

/** The channel the gateway subscribes to (apps/gateway/src/events/invalidation.subscriber.ts). */
export const INVALIDATION_CHANNEL = 'sw:invalidate';

/** What changed: one user's plan, subscription, comp or keys; one key (by hash); or every plan. */
export type Invalidation = { userId: string } | { keyHash: string } | { all: true };

/**
 * Tells every gateway replica to drop cached plans and keys at once. Without Redis this does nothing:
 * the gateway's caches expire within 5 seconds anyway, so publishing only makes changes faster.
 * Failures are logged, never thrown: the change itself has already been committed.
 */
@Injectable()
export class InvalidationPublisher {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async publish(invalidation: Invalidation): Promise<void> {
    if (!this.redis) return;
    try {
      await this.redis.publish(INVALIDATION_CHANNEL, JSON.stringify(invalidation));
    } catch (error) {
      this.logger.warn(
        { err: error, invalidation },
        'could not publish an invalidation; gateway caches expire within 5 s',
      );
    }
  }
}
