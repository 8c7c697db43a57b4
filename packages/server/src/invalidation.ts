import type { Logger } from './logger.js';

/**
 * The Redis channel on which a change to something the gateways cache is announced: billing publishes
 * plan, subscription, comp and key changes; a gateway publishes content-policy changes. Every gateway
 * replica subscribes (apps/gateway/src/events/invalidation.subscriber.ts).
 */
export const INVALIDATION_CHANNEL = 'sw:invalidate';

/** What changed: one user's plan or keys, one key (by hash), every plan and the catalog, or the content policy. */
export type Invalidation = { userId: string } | { keyHash: string } | { all: true } | { safetyPolicy: true };

/** The one Redis call publishing needs, so this package does not depend on a Redis client. */
export interface Publisher {
  publish(channel: string, message: string): Promise<unknown>;
}

/**
 * Announces a change. Without Redis it does nothing (replicas' caches expire or reload on their own).
 * Failures are logged, never thrown: the change itself has already been committed.
 */
export async function publishInvalidation(
  redis: Publisher | null,
  logger: Logger,
  invalidation: Invalidation,
): Promise<void> {
  if (!redis) return;
  try {
    await redis.publish(INVALIDATION_CHANNEL, JSON.stringify(invalidation));
  } catch (error) {
    logger.warn(
      { err: error, invalidation },
      'could not publish an invalidation; caches expire or reload on their own',
    );
  }
}
