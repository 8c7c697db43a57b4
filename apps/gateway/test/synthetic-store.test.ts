import type { JobCheckpoint, SyntheticRecord } from '@synthwell/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StoredJobSpec, taskSpec } from '../src/synthetic/job-spec.js';
import { JobStore } from '../src/synthetic/job-store.js';
import { startTestGateway, type TestGateway } from './harness.js';
import { follow, offlineJob, submit } from './synthetic-fixtures.js';

describe('a late batch for a job that has ended', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('adds no records, so the finished export (and its signed manifest) never changes', async () => {
    const { key } = await t.account('premium');
    const job = await submit(t, key, offlineJob({ count: 4 }));
    await follow(t, key, job.id);
    const finished = await t.db.syntheticJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(finished.status).toBe('succeeded');
    const before = await t.db.syntheticRecord.count({ where: { jobId: job.id } });
    expect(before).toBe(4);

    // What a worker that lost its lock would still hold: one more record after the last one.
    const row = await t.db.syntheticJob.findUniqueOrThrow({ where: { id: job.id }, select: { spec: true } });
    const spec = row.spec as unknown as StoredJobSpec;
    const last = await t.db.syntheticRecord.findFirstOrThrow({ where: { jobId: job.id }, orderBy: { seq: 'desc' } });
    const late = {
      id: `${last.id}x`,
      seq: last.seq + 1,
      data: last.data,
      verdict: { score: last.judgeScore ?? 0, rationale: last.judgeRationale ?? '' },
      provenance: last.provenance,
    } as unknown as SyntheticRecord;
    const checkpoint = {
      job_id: job.id,
      next_seq: last.seq + 2,
      next_attempt: 99,
      generated: 99,
      rejected: {},
    } as unknown as JobCheckpoint;

    const result = await t.gateway.app
      .get(JobStore)
      .commitBatch({ id: job.id, task: taskSpec(spec.params) }, [late], checkpoint);

    expect(result).toEqual({ committed: false, cancelRequested: false });
    expect(await t.db.syntheticRecord.count({ where: { jobId: job.id } })).toBe(before);
    const after = await t.db.syntheticJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(after.kept).toBe(finished.kept);
    expect(after.status).toBe('succeeded');
  }, 60_000);
});
