import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import { DelayedError, type Job, Queue, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { encodeJobError } from '../job-store.js';
import { claimJob } from './claim.js';
import { type JobExecutor, type JobQueue, WorkerShutdown } from './job-queue.js';

/** How long a job whose owner is at their concurrent-job limit waits before it is offered again. */
const AT_LIMIT_DELAY_MS = 1_000;
/** BullMQ's lowest priority number is its highest priority; plans' queue priorities count upwards. */
const LOWEST_PRIORITY = 1_000;
/** How long a submission waits for Redis to take its job; after that, reconciliation hands it over. */
const ENQUEUE_TIMEOUT_MS = 2_000;
/** How often jobs queued in the database but missing from Redis (Redis was down) are handed over. */
const RECONCILE_MS = 30_000;

export interface BullmqQueueOptions {
  redisUrl: string;
  name: string;
  /** Jobs this process runs at once; 0 makes it a producer only (workers run as separate processes). */
  workers: number;
  /** A worker that stops renewing its lock for this long is presumed dead and its job is resumed elsewhere. */
  lockMs: number;
}

interface QueuedJob {
  jobId: string;
}

/** How long closing may wait for BullMQ before the queue's connections are cut. */
const CLOSE_GRACE_MS = 5_000;

/** True if `work` settles (either way) within `ms`. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Jobs on a BullMQ queue in Redis, for several gateway replicas and separate worker processes.
 * Priority maps onto BullMQ's priorities; a job whose owner is at their plan's limit goes back to the
 * delayed set for a second. A worker that dies loses its lock and BullMQ's stalled-job check hands
 * the job to another worker, which resumes it from its checkpoint. A worker that shuts down puts its
 * jobs straight back in the queue.
 */
export class BullmqQueue implements JobQueue {
  private readonly connections: Redis[] = [];
  private readonly queue: Queue<QueuedJob>;
  private worker: Worker<QueuedJob> | null = null;
  private readonly running = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;
  private reconciling = false;

  constructor(
    private readonly db: Db,
    private readonly executor: JobExecutor,
    private readonly options: BullmqQueueOptions,
    private readonly logger: Logger,
  ) {
    this.queue = new Queue<QueuedJob>(options.name, { connection: this.connection() });
    this.queue.on('error', (error: Error) => logger.warn({ err: error }, 'synthetic queue error'));
  }

  /**
   * Hands the job to Redis. While Redis is down the job stays `queued` in the database and the
   * submission still succeeds; reconciliation adds it once Redis is back.
   */
  async enqueue(job: { id: string; priority: number }): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not take the job in time')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.add(job), timeout]);
    } catch (error) {
      this.logger.warn({ err: error, jobId: job.id }, 'synthetic job not queued in Redis yet; reconciliation will');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Never waits for Redis: a gateway starts while Redis is down, and its workers join when it is back. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    this.timer.unref();
    void this.reconcile();
    if (this.options.workers < 1) return;
    this.worker = new Worker<QueuedJob>(this.options.name, (job, token) => this.process(job, token), {
      connection: this.connection(),
      concurrency: this.options.workers,
      lockDuration: this.options.lockMs,
      stalledInterval: this.options.lockMs,
      maxStalledCount: 10,
    });
    this.worker.on('error', (error: Error) => this.logger.warn({ err: error }, 'synthetic worker error'));
    this.worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.abandon(job.data.jobId, error);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const controller of this.running.values()) controller.abort(new WorkerShutdown());
    // Waits for the processors, which hand their interrupted jobs back to the queue. A connection
    // still reconnecting after a Redis outage can keep BullMQ's close waiting for good; past the grace
    // period the connections are cut, which ends what BullMQ waits for (a job it could not hand back
    // is re-queued by stalled-job recovery, as after a crash).
    const closing = (async () => {
      await this.worker?.close();
      await this.queue.close();
    })();
    if (!(await settlesWithin(closing, CLOSE_GRACE_MS))) {
      this.logger.warn({ graceMs: CLOSE_GRACE_MS }, 'synthetic queue did not close in time; cutting its connections');
      for (const connection of this.connections) connection.disconnect();
      await settlesWithin(closing, CLOSE_GRACE_MS);
    }
    for (const connection of this.connections) connection.disconnect();
  }

  /** Adding is idempotent (the BullMQ job id is the job's id), so re-adding every queued job is safe. */
  private async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      const queued = await this.db.syntheticJob.findMany({
        where: { status: 'queued' },
        select: { id: true, priority: true },
      });
      for (const job of queued) await this.add(job);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not reconcile queued synthetic jobs with Redis');
    } finally {
      this.reconciling = false;
    }
  }

  /** A job whose every attempt failed on infrastructure (not on its own terms) ends `failed`. */
  private async abandon(jobId: string, error: Error): Promise<void> {
    this.logger.error({ err: error, jobId }, 'synthetic job failed on every attempt');
    await this.db.syntheticJob
      .updateMany({
        where: { id: jobId, status: { in: ['queued', 'running'] } },
        data: {
          status: 'failed',
          finishedAt: new Date(),
          error: encodeJobError({ code: 'internal_error', message: 'The job could not be run.' }),
        },
      })
      .catch((failure: unknown) => this.logger.error({ err: failure, jobId }, 'could not mark the job failed'));
  }

  private async add(job: { id: string; priority: number }): Promise<void> {
    await this.queue.add(
      'run',
      { jobId: job.id },
      {
        jobId: job.id,
        priority: Math.max(1, LOWEST_PRIORITY - job.priority),
        // Only infrastructure failures (the database unreachable) throw; the job itself records its end.
        attempts: 5,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: true,
        removeOnFail: 1_000,
      },
    );
  }

  private async process(job: Job<QueuedJob>, token: string | undefined): Promise<void> {
    const { jobId } = job.data;
    // Handed back to us while we still run it (our lock lapsed, e.g. a stalled event loop): the run
    // in progress finishes the job; this delivery has nothing to do.
    if (this.running.has(jobId)) return;
    const claim = await claimJob(this.db, jobId, { takeOver: true });
    if (claim === 'gone') return;
    if (claim === 'at_limit') {
      await job.moveToDelayed(Date.now() + AT_LIMIT_DELAY_MS, token);
      throw new DelayedError();
    }
    const controller = new AbortController();
    this.running.set(jobId, controller);
    try {
      const end = await this.executor.run(jobId, controller.signal);
      if (end === 'interrupted') {
        await job.moveToWait(token);
        throw new WaitingError();
      }
    } finally {
      this.running.delete(jobId);
    }
  }

  private connection(): Redis {
    // BullMQ needs connections that never give up on a command; the gateway's own client does.
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    connection.on('error', (error: Error) => this.logger.debug({ err: error }, 'synthetic queue connection error'));
    this.connections.push(connection);
    return connection;
  }
}
