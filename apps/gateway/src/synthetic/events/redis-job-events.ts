import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import type { JobEvent, JobEventListener, JobEvents } from './job-events.js';

const CHANNEL_PREFIX = 'sw:synthetic:job:';
/** How long subscribing waits for Redis; followers re-read the database anyway, so it may go on without. */
const SUBSCRIBE_TIMEOUT_MS = 1_000;

/**
 * Job events over Redis pub/sub, so a replica streaming a job's progress hears the worker process
 * running it. One subscriber connection per process, multiplexed over every followed job.
 */
export class RedisJobEvents implements JobEvents {
  private readonly subscriber: Redis;
  private readonly listeners = new Map<string, Set<JobEventListener>>();

  constructor(
    private readonly publisher: Redis,
    private readonly logger: Logger,
  ) {
    this.subscriber = publisher.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', (error: Error) => logger.debug({ err: error }, 'job events subscriber error'));
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
  }

  async publish(jobId: string, event: JobEvent): Promise<void> {
    // Best effort: followers re-read the job from the database periodically, so a lost event only delays them.
    await this.publisher
      .publish(CHANNEL_PREFIX + jobId, JSON.stringify(event))
      .catch((error: unknown) => this.logger.warn({ err: error, jobId }, 'could not publish a job event'));
  }

  async subscribe(jobId: string, listener: JobEventListener): Promise<() => void> {
    let set = this.listeners.get(jobId);
    if (!set) {
      set = new Set();
      this.listeners.set(jobId, set);
      const subscribed = this.subscriber.subscribe(CHANNEL_PREFIX + jobId).catch((error: unknown) => {
        this.logger.warn({ err: error, jobId }, 'could not subscribe to job events');
      });
      await Promise.race([subscribed, sleep(SUBSCRIBE_TIMEOUT_MS)]);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(jobId) !== set) return;
      this.listeners.delete(jobId);
      this.subscriber.unsubscribe(CHANNEL_PREFIX + jobId).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect();
  }

  private deliver(channel: string, message: string): void {
    const listeners = this.listeners.get(channel.slice(CHANNEL_PREFIX.length));
    if (!listeners) return;
    let event: JobEvent;
    try {
      event = JSON.parse(message) as JobEvent;
    } catch {
      this.logger.warn({ channel }, 'ignored a malformed job event');
      return;
    }
    for (const listener of listeners) listener(event);
  }
}
