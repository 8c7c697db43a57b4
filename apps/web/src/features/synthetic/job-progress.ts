import type { SyntheticJob, SyntheticJobStatus, SyntheticProgress } from '@synthwell/contracts';

/** What the job page shows while a job runs, folded from the job's event stream. */
export interface JobProgressView {
  status: SyntheticJobStatus;
  count: number;
  progress: SyntheticProgress;
  /** The job as the gateway last described it (from retrieve, or a terminal event carrying it). */
  job: SyntheticJob | null;
}

export interface JobStreamEvent {
  event: string;
  data: Record<string, unknown>;
}

const TERMINAL = new Set<SyntheticJobStatus>(['succeeded', 'failed', 'canceled']);

export const isTerminal = (status: SyntheticJobStatus) => TERMINAL.has(status);

const EVENT_STATUS: Record<string, SyntheticJobStatus> = {
  done: 'succeeded',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
  cancelled: 'canceled',
};

function isJob(data: Record<string, unknown>): data is SyntheticJob {
  return data.object === 'synthetic.job' && typeof data.id === 'string';
}

function isProgress(data: Record<string, unknown>): data is SyntheticProgress {
  return typeof data.kept === 'number' && typeof data.generated === 'number' && typeof data.rejected === 'object';
}

export function fromJob(job: SyntheticJob): JobProgressView {
  return { status: job.status, count: job.count, progress: job.progress, job };
}

/**
 * Folds one event into the view. `progress` events carry counts; the final event names the outcome and
 * may carry the job or its last counts. A finished job never goes back to running (events can be replayed).
 */
export function applyJobEvent(view: JobProgressView, { event, data }: JobStreamEvent): JobProgressView {
  if (isJob(data))
    return {
      ...fromJob(data),
      status: isTerminal(view.status) && !isTerminal(data.status) ? view.status : data.status,
    };
  const progress = isProgress(data)
    ? data
    : isProgress((data.progress ?? {}) as Record<string, unknown>)
      ? (data.progress as SyntheticProgress)
      : null;
  const terminal = EVENT_STATUS[event];
  if (terminal) return { ...view, status: terminal, progress: progress ?? view.progress };
  if (event === 'progress' && progress) {
    return { ...view, status: isTerminal(view.status) ? view.status : 'running', progress };
  }
  return view;
}

/** Kept records as a share of the count, 0..1; a succeeded job is complete. */
export function completion(view: JobProgressView): number {
  if (view.status === 'succeeded' && view.job?.outcome !== 'exhausted') return 1;
  return view.count > 0 ? Math.min(1, view.progress.kept / view.count) : 0;
}

export function rejectedTotal(progress: SyntheticProgress): number {
  return Object.values(progress.rejected).reduce((sum, value) => sum + value, 0);
}
