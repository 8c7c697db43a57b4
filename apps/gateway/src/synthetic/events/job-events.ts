import type { SyntheticProgress } from '@synthwell/contracts';

/** Statuses a job ends in. */
export type FinalStatus = 'succeeded' | 'failed' | 'canceled';

/**
 * What happens to a job, as the processes that serve and run jobs tell each other: a batch was
 * committed, the job finished, or its owner asked to cancel it. The database stays the truth; events
 * only say when to look (or, for progress, save a read).
 */
export type JobEvent =
  | { type: 'progress'; progress: SyntheticProgress }
  | { type: 'finished'; status: FinalStatus }
  | { type: 'cancel_requested' };

export type JobEventListener = (event: JobEvent) => void;

/** Per-job publish/subscribe: in-process by default, Redis pub/sub when replicas and workers are separate. */
export interface JobEvents {
  publish(jobId: string, event: JobEvent): Promise<void>;
  /** Delivers the job's events from now on; the returned function unsubscribes. */
  subscribe(jobId: string, listener: JobEventListener): Promise<() => void>;
  close(): Promise<void>;
}
