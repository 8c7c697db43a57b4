import type { SyntheticJob, SyntheticRecord, SyntheticRejections } from '@synthwell/contracts';
import type { SyntheticRecord as RecordRow } from '@synthwell/db';
import { decodeJobError, type JobRow } from './job-store.js';

const NO_REJECTIONS: SyntheticRejections = {
  invalid: 0,
  duplicate: 0,
  over_quota: 0,
  low_score: 0,
  judge_error: 0,
  generation_error: 0,
};

const seconds = (date: Date | null) => (date ? Math.floor(date.getTime() / 1000) : null);

/** A job row as the API shows it. */
export function toApiJob(row: JobRow, now = Date.now()): SyntheticJob {
  const { summary } = row;
  const result = row.metrics as Pick<SyntheticJob, 'metrics' | 'verdict'> | null;
  return {
    id: row.id,
    object: 'synthetic.job',
    task: row.task,
    status: row.status,
    model: summary.model,
    judge_model: summary.judge_model,
    judge: summary.judge,
    count: row.requested,
    requested_count: summary.requested_count,
    threshold: summary.threshold,
    seed: summary.seed,
    progress: {
      generated: row.generated,
      kept: row.kept,
      rejected: { ...NO_REJECTIONS, ...(row.rejected as Partial<SyntheticRejections>) },
      eta_ms: etaMs(row, now),
    },
    outcome: row.status === 'succeeded' ? (row.kept >= row.requested ? 'completed' : 'exhausted') : null,
    metrics: result?.metrics ?? null,
    verdict: result?.verdict ?? null,
    mixing_guidance: summary.mixing_guidance,
    error: decodeJobError(row.error),
    created_at: seconds(row.createdAt) as number,
    started_at: seconds(row.startedAt),
    finished_at: seconds(row.finishedAt),
    cancel_requested_at: seconds(row.cancelRequestedAt),
  };
}

/** A stored record with its grade and provenance, as the API (and the JSONL download) shows it. */
export function toApiRecord(row: RecordRow): SyntheticRecord {
  const provenance = row.provenance as SyntheticRecord['provenance'];
  return {
    id: row.id,
    object: 'synthetic.record',
    job_id: row.jobId,
    seq: row.seq,
    data: row.data,
    judge: { score: row.judgeScore ?? provenance.judge_score, rationale: row.judgeRationale ?? '' },
    provenance,
  };
}

/** For a running job, the time left at its pace since it started; null before its first kept record. */
function etaMs(row: JobRow, now: number): number | null {
  if (row.status !== 'running' || !row.startedAt || row.kept === 0) return null;
  const perRecord = (now - row.startedAt.getTime()) / row.kept;
  return Math.max(0, Math.round(perRecord * (row.requested - row.kept)));
}
