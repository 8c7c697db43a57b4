import { Inject, Injectable } from '@nestjs/common';
import type { SyntheticJobStatus } from '@synthwell/contracts';
import type { Db, Prisma, SyntheticRecord as RecordRow, SyntheticJob } from '@synthwell/db';
import {
  contentHash,
  type SyntheticRecord as EngineRecord,
  type JobCheckpoint,
  type JobProgress,
  recordToText,
  type TaskSpec,
} from '@synthwell/synthetic';
import { DB } from '../core/tokens.js';
import { type JobSummary, type StoredJobSpec, taskSpec } from './job-spec.js';

/** A job as read for display: every column but the request, plus the summary decided at submission. */
export type JobRow = Omit<SyntheticJob, 'spec'> & { summary: JobSummary };

export interface JobError {
  code: string;
  message: string;
}

/** How a batch's commit went: the job may have been cancelled or finished meanwhile. */
export interface CommitResult {
  /** False when the job was no longer running, e.g. finished by another worker. */
  committed: boolean;
  cancelRequested: boolean;
}

/** Records the other jobs' de-duplication index holds at most, newest first. */
const MAX_PREVIOUS_RECORDS = 20_000;

/** Jobs and records in PostgreSQL: the single source of truth for every replica and worker. */
@Injectable()
export class JobStore {
  constructor(@Inject(DB) private readonly db: Db) {}

  async create(data: {
    id: string;
    userId: string;
    spec: StoredJobSpec;
    count: number;
    priority: number;
    idempotencyKey: string | null;
  }): Promise<void> {
    await this.db.syntheticJob.create({
      data: {
        id: data.id,
        userId: data.userId,
        task: data.spec.params.task,
        spec: data.spec as unknown as Prisma.InputJsonValue,
        requested: data.count,
        rejected: {},
        idempotencyKey: data.idempotencyKey,
        priority: data.priority,
      },
    });
  }

  /** A job of `userId` (another account's job is as absent as a missing one). */
  async find(userId: string, id: string): Promise<JobRow | null> {
    const [row] = await this.rows({ where: { id, userId } });
    return row ?? null;
  }

  async findByIdempotencyKey(userId: string, key: string): Promise<JobRow | null> {
    const [row] = await this.rows({ where: { userId, idempotencyKey: key } });
    return row ?? null;
  }

  /** Newest first; `cursor` is the last id of the previous page. */
  async list(
    userId: string,
    page: { limit: number; cursor?: string; status?: SyntheticJobStatus },
  ): Promise<{ rows: JobRow[]; hasMore: boolean }> {
    const rows = await this.rows({
      where: {
        userId,
        ...(page.status ? { status: page.status } : {}),
        ...(page.cursor ? { id: { lt: page.cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
  }

  /** Records still to be kept by the owner's queued and running jobs: what today's quota must leave room for. */
  async outstandingRecords(userId: string): Promise<number> {
    const jobs = await this.db.syntheticJob.findMany({
      where: { userId, status: { in: ['queued', 'running'] } },
      select: { requested: true, kept: true },
    });
    return jobs.reduce((sum, job) => sum + Math.max(0, job.requested - job.kept), 0);
  }

  /** The full job with its request, for a worker about to run it. */
  async load(id: string): Promise<(SyntheticJob & { stored: StoredJobSpec }) | null> {
    const job = await this.db.syntheticJob.findUnique({ where: { id } });
    return job ? { ...job, stored: job.spec as unknown as StoredJobSpec } : null;
  }

  /** Queued → canceled at once; a running job is asked to stop. Returns what happened. */
  async requestCancel(id: string): Promise<'canceled' | 'requested' | 'final'> {
    const now = new Date();
    const queued = await this.db.syntheticJob.updateMany({
      where: { id, status: 'queued' },
      data: { status: 'canceled', cancelRequestedAt: now, finishedAt: now },
    });
    if (queued.count === 1) return 'canceled';
    const running = await this.db.syntheticJob.updateMany({
      where: { id, status: 'running' },
      data: { cancelRequestedAt: now },
    });
    return running.count === 1 ? 'requested' : 'final';
  }

  /**
   * Writes a batch's records and the checkpoint after them in one transaction, so a resumed job
   * continues exactly after the last committed record. Records are keyed by (job, seq): a batch
   * replayed after a crash cannot add a record twice.
   */
  async commitBatch(
    job: { id: string; task: TaskSpec },
    records: readonly EngineRecord[],
    checkpoint: JobCheckpoint,
  ): Promise<CommitResult> {
    return this.db.$transaction(async (tx) => {
      // The job row first: the update locks it, so a job that finished or was cancelled meanwhile
      // (a stale worker's late batch) gets no records, and a finished job's export never changes.
      const updated = await tx.syntheticJob.updateMany({
        where: { id: job.id, status: 'running' },
        data: {
          kept: checkpoint.next_seq,
          generated: checkpoint.generated,
          rejected: checkpoint.rejected as unknown as Prisma.InputJsonValue,
          checkpoint: checkpoint as unknown as Prisma.InputJsonValue,
        },
      });
      if (updated.count === 0) return { committed: false, cancelRequested: false };
      if (records.length > 0) {
        await tx.syntheticRecord.createMany({
          data: records.map((record) => ({
            id: record.id,
            jobId: job.id,
            seq: record.seq,
            data: record.data as Prisma.InputJsonValue,
            judgeScore: record.verdict.score,
            judgeRationale: record.verdict.rationale,
            generationDepth: record.provenance.generation_depth,
            provenance: record.provenance as unknown as Prisma.InputJsonValue,
            contentHash: contentHash(recordToText(job.task, record.data)),
            createdAt: new Date(record.provenance.created_at),
          })),
          skipDuplicates: true,
        });
      }
      const { cancelRequestedAt } = await tx.syntheticJob.findUniqueOrThrow({
        where: { id: job.id },
        select: { cancelRequestedAt: true },
      });
      return { committed: true, cancelRequested: cancelRequestedAt !== null };
    });
  }

  /** Ends a running job; does nothing to a job that is no longer running. */
  async finish(
    id: string,
    end: {
      status: 'succeeded' | 'failed' | 'canceled';
      progress?: JobProgress;
      result?: { metrics: unknown; verdict: { level: string } };
      error?: JobError;
    },
  ): Promise<boolean> {
    const updated = await this.db.syntheticJob.updateMany({
      where: { id, status: 'running' },
      data: {
        status: end.status,
        finishedAt: new Date(),
        ...(end.progress
          ? {
              generated: end.progress.generated,
              rejected: end.progress.rejected as unknown as Prisma.InputJsonValue,
            }
          : {}),
        ...(end.result
          ? { metrics: end.result as unknown as Prisma.InputJsonValue, verdict: end.result.verdict.level }
          : {}),
        ...(end.error ? { error: encodeJobError(end.error) } : {}),
      },
    });
    return updated.count === 1;
  }

  /** Records with seq below `end`, as the engine needs them to resume. */
  async keptRecords(jobId: string, end: number): Promise<EngineRecord[]> {
    const rows = await this.db.syntheticRecord.findMany({
      where: { jobId, seq: { lt: end } },
      orderBy: { seq: 'asc' },
    });
    return rows.map(engineRecord);
  }

  /** One page of a job's records in seq order, after `afterSeq`. */
  async records(jobId: string, afterSeq: number, limit: number): Promise<RecordRow[]> {
    return this.db.syntheticRecord.findMany({
      where: { jobId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
  }

  /** The texts of the owner's other jobs' records, newest first, for cross-job de-duplication. */
  async previousRecordTexts(userId: string, exceptJobId: string): Promise<Array<{ id: string; text: string }>> {
    const rows = await this.db.syntheticRecord.findMany({
      where: { job: { userId }, jobId: { not: exceptJobId } },
      orderBy: { createdAt: 'desc' },
      take: MAX_PREVIOUS_RECORDS,
      select: { id: true, data: true, job: { select: { id: true, spec: true } } },
    });
    const tasks = new Map<string, TaskSpec>();
    return rows.map((row) => {
      let task = tasks.get(row.job.id);
      if (!task) {
        task = taskSpec((row.job.spec as unknown as StoredJobSpec).params);
        tasks.set(row.job.id, task);
      }
      return { id: row.id, text: recordToText(task, row.data as EngineRecord['data']) };
    });
  }

  private async rows(query: Omit<Prisma.SyntheticJobFindManyArgs, 'select' | 'omit' | 'include'>): Promise<JobRow[]> {
    const jobs = await this.db.syntheticJob.findMany({ ...query, omit: { spec: true } });
    if (jobs.length === 0) return [];
    const ids = jobs.map((job) => job.id);
    // The request can be megabytes of seeds; only its summary is read for display.
    const summaries = await this.db.$queryRaw<Array<{ id: string; summary: JobSummary }>>`
      SELECT id, spec -> 'summary' AS summary FROM synthetic_jobs WHERE id = ANY(${ids}::text[])`;
    const byId = new Map(summaries.map((row) => [row.id, row.summary]));
    return jobs.map((job) => ({ ...job, summary: byId.get(job.id) as JobSummary }));
  }
}

/**
 * A stored record as the engine reads it on resume. The attempt that made it is not stored: a job only
 * commits at batch ends, so every stored record precedes the batch it resumes at, and that is all the
 * engine reads the attempt for.
 */
export function engineRecord(row: RecordRow): EngineRecord {
  const provenance = row.provenance as unknown as EngineRecord['provenance'];
  return {
    seq: row.seq,
    id: row.id,
    attempt: -1,
    data: row.data as EngineRecord['data'],
    verdict: { score: row.judgeScore ?? provenance.judge_score, rationale: row.judgeRationale ?? '' },
    provenance,
  };
}

/** The `error` column holds a JSON `{ code, message }`. */
export function encodeJobError(error: JobError): string {
  return JSON.stringify(error);
}

export function decodeJobError(error: string | null): JobError | null {
  if (error === null) return null;
  try {
    const parsed = JSON.parse(error) as Partial<JobError>;
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string') return parsed as JobError;
  } catch {
    // written by something else: show it as it is
  }
  return { code: 'internal_error', message: error };
}
