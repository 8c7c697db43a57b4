import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import { claimJob } from './claim.js';
import { type JobExecutor, type JobQueue, WorkerShutdown } from './job-queue.js';

/** How often queued jobs are reconsidered without a trigger, e.g. after an admin raised a plan's limit. */
const RESCAN_MS = 5_000;
const PAGE = 100;

/**
 * The embedded default: `workers` slots in this process, filled from the database's queued jobs by
 * priority, then age. A job whose owner is at their plan's concurrent-job limit waits; the next job
 * in line takes the slot. Meant for one gateway process: at start it re-queues every job left
 * `running`, because in this mode only a previous run of this process can have been running it.
 */
export class InProcessQueue implements JobQueue {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  /** The next scheduling pass, while it has not started: later triggers share it. */
  private pending: Promise<void> | null = null;
  private tail: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly executor: JobExecutor,
    private readonly workers: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const recovered = await this.db.syntheticJob.updateMany({
      where: { status: 'running' },
      data: { status: 'queued' },
    });
    if (recovered.count > 0) this.logger.info({ jobs: recovered.count }, 'resuming synthetic jobs a previous run left');
    this.timer = setInterval(() => void this.schedule(), RESCAN_MS);
    this.timer.unref();
    await this.schedule();
  }

  async enqueue(): Promise<void> {
    await this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const { controller } of this.running.values()) controller.abort(new WorkerShutdown());
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
    await this.tail;
  }

  /** Runs a scheduling pass after every write so far; concurrent triggers share one pass. */
  private schedule(): Promise<void> {
    if (!this.pending) {
      const pass = this.tail.then(() => {
        this.pending = null;
        return this.fillSlots();
      });
      this.pending = pass;
      this.tail = pass.catch((error: unknown) => this.logger.error({ err: error }, 'synthetic job scheduling failed'));
    }
    return this.pending;
  }

  private async fillSlots(): Promise<void> {
    const atLimit = new Set<string>();
    let skip = 0;
    while (!this.closed && this.running.size < this.workers) {
      const candidates = await this.db.syntheticJob.findMany({
        where: { status: 'queued' },
        orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }],
        select: { id: true, userId: true },
        skip,
        take: PAGE,
      });
      if (candidates.length === 0) return;
      let started = false;
      for (const { id, userId } of candidates) {
        if (atLimit.has(userId) || this.running.has(id)) continue;
        const claim = await claimJob(this.db, id, { takeOver: false });
        if (claim === 'at_limit') atLimit.add(userId);
        if (claim !== 'claimed') continue;
        this.launch(id);
        started = true;
        break;
      }
      // A started job leaves the queued set, so the scan starts over; otherwise it reads on.
      skip = started ? 0 : skip + candidates.length;
    }
  }

  private launch(jobId: string): void {
    const controller = new AbortController();
    const done = this.executor
      .run(jobId, controller.signal)
      .catch((error: unknown) =>
        this.logger.error({ err: error, jobId }, 'synthetic job crashed; it resumes at restart'),
      )
      .finally(() => {
        this.running.delete(jobId);
        if (!this.closed) void this.schedule();
      });
    this.running.set(jobId, { controller, done });
  }
}
