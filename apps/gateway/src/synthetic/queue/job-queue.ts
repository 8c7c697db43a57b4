/**
 * Where submitted jobs wait for a worker. Two implementations: the embedded default (a priority queue
 * with a worker pool in this process) and BullMQ on Redis, whose workers may be separate processes.
 * Either way the database row is the truth: a worker claims a job there (see `claimJob`), and a job a
 * worker was running when it stopped stays `running` until another worker resumes it.
 */
export interface JobQueue {
  /** Hands a persisted, queued job to the workers. Resolves once it has been considered for a free slot. */
  enqueue(job: { id: string; priority: number }): Promise<void>;
  /** Starts this process's workers, if it runs any, and recovers jobs a stopped worker left behind. */
  start(): Promise<void>;
  /** Stops taking jobs and interrupts running ones between upstream calls; they resume on the next worker. */
  close(): Promise<void>;
}

/** Thrown into a running job when its worker shuts down: the job is interrupted, not cancelled. */
export class WorkerShutdown extends Error {
  constructor() {
    super('The worker is shutting down.');
    this.name = 'WorkerShutdown';
  }
}

/** Runs one claimed job to its end; resolves `interrupted` when `signal` stopped it first. */
export interface JobExecutor {
  run(jobId: string, signal: AbortSignal): Promise<'finished' | 'interrupted'>;
}
