import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@synthwell/db';
import { createApiKey, createUser, subscribe } from '@synthwell/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { loadGatewayConfig } from '../src/config/env.js';
import type { JobQueue } from '../src/synthetic/queue/job-queue.js';
import { JOB_QUEUE } from '../src/synthetic/tokens.js';
import { startTestGateway, type TestGateway } from './harness.js';
import {
  addModel,
  downloadRecords,
  follow,
  get,
  offlineJob,
  post,
  type ScriptedUpstream,
  startScriptedUpstream,
  submit,
  waitForEvent,
} from './synthetic-fixtures.js';

/** A job on the scripted upstream: two upstream calls per attempt, 8 attempts per batch. */
const scriptedJob = (overrides: Record<string, unknown> = {}) => offlineJob({ model: 'scripted-chat', ...overrides });
/** Calls one batch makes: 8 attempts × (instruction + response). */
const BATCH_CALLS = 16;

const keptAtLeastOne = (event: { event?: string; data: unknown }) =>
  event.event === 'progress' && (event.data as { kept: number }).kept > 0;

/** A user on a plan of its own, so each test owns its quota and concurrency limit. */
async function onPlan(
  t: TestGateway,
  limits: { syntheticRecordsPerDay?: number; concurrentSyntheticJobs?: number; queuePriority?: number },
) {
  const plan = await t.db.plan.create({
    data: {
      id: newId('pln'),
      slug: `test-${newId('pln')}`,
      name: 'Tiny',
      priceCents: 0,
      requestsPerMinute: 1_000,
      tokensPerMinute: 1_000_000,
      chatRequestsPerDay: 100,
      imagesPerDay: 100,
      syntheticRecordsPerDay: limits.syntheticRecordsPerDay ?? 1_000,
      concurrentSyntheticJobs: limits.concurrentSyntheticJobs ?? 1,
      queuePriority: limits.queuePriority ?? 0,
      modelTiers: ['standard'],
    },
  });
  const { user } = await createUser(t.db);
  await subscribe(t.db, user.id, plan);
  const { key } = await createApiKey(t.db, user.id);
  return { plan, user, key };
}

describe('synthetic-data jobs in the in-process queue', () => {
  let t: TestGateway;
  let upstream: ScriptedUpstream;

  beforeAll(async () => {
    upstream = await startScriptedUpstream();
    t = await startTestGateway({
      SYNTHWELL_PROVIDER_SCRIPTED_BASE_URL: upstream.baseURL,
      SYNTHETIC_WORKERS: '2',
      AUTH_CACHE_TTL_MS: '0',
      // The job's own back-off on 429s is under test, not the router's retries.
      UPSTREAM_MAX_RETRIES: '0',
    });
    await addModel(t, 'scripted-chat', 'scripted');
    await t.gateway.app.get(CatalogService).refresh();
  });
  afterEach(() => {
    upstream.release();
  });
  afterAll(async () => {
    await t?.close();
    await upstream?.close();
  });

  it('cancels a running job between batches, keeping the records it had', async () => {
    const { key } = await onPlan(t, {});
    upstream.holdAfter(upstream.received + BATCH_CALLS);
    const job = await submit(t, key, scriptedJob({ count: 30 }));
    const progress = (await waitForEvent(t, key, job.id, keptAtLeastOne)).data as { kept: number };

    const cancel = await post(t, key, `/v1/synthetic/jobs/${job.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect((await cancel.json()).cancel_requested_at).toEqual(expect.any(Number));
    const { events } = await follow(t, key, job.id);
    expect(events.at(-2)).toMatchObject({ event: 'canceled', data: { status: 'canceled' } });
    const { records } = await downloadRecords(t, key, job.id);
    expect(records.length).toBe(progress.kept);
    expect(records.length).toBeLessThan(30);
    const final = await (await get(t, key, `/v1/synthetic/jobs/${job.id}`)).json();
    expect(final).toMatchObject({ status: 'canceled', progress: { kept: progress.kept }, metrics: null });
  });

  it('keeps a job beyond the plan’s concurrent-job limit queued, then runs it; a queued job cancels at once', async () => {
    const { key } = await onPlan(t, { concurrentSyntheticJobs: 1 });
    upstream.holdAfter(upstream.received);
    const first = await submit(t, key, scriptedJob({ count: 2 }));
    const second = await submit(t, key, scriptedJob({ count: 2, seed: 8 }));
    const third = await submit(t, key, scriptedJob({ count: 2, seed: 9 }));
    // The pool has two slots and one is free, yet the owner's plan allows one job at a time.
    expect(first.status).toBe('running');
    expect(second.status).toBe('queued');
    expect((await (await get(t, key, `/v1/synthetic/jobs/${second.id}`)).json()).status).toBe('queued');

    const canceled = await (await post(t, key, `/v1/synthetic/jobs/${third.id}/cancel`)).json();
    expect(canceled).toMatchObject({ status: 'canceled', progress: { kept: 0 } });

    upstream.release();
    const done = await follow(t, key, second.id);
    expect(done.events.at(-2)).toMatchObject({ event: 'done', data: { status: 'succeeded', progress: { kept: 2 } } });
    const rows = await t.db.syntheticJob.findMany({ where: { id: { in: [first.id, second.id, third.id] } } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(first.id)?.status).toBe('succeeded');
    expect(byId.get(second.id)?.startedAt?.getTime()).toBeGreaterThanOrEqual(
      byId.get(first.id)?.finishedAt?.getTime() ?? 0,
    );
    expect(byId.get(third.id)).toMatchObject({ status: 'canceled', startedAt: null });
  });

  it('backs off on upstream 429s instead of counting failures', async () => {
    const { key } = await onPlan(t, {});
    upstream.rateLimitNext(3, 1);
    const before = upstream.received;
    const job = await submit(t, key, scriptedJob({ count: 4 }));
    const { events } = await follow(t, key, job.id);
    const final = events.at(-2)?.data;
    expect(final).toMatchObject({ status: 'succeeded', progress: { kept: 4 } });
    expect(final.progress.rejected.generation_error).toBe(0);
    // The three refused calls were made again.
    expect(upstream.received - before).toBe(BATCH_CALLS + 3);
    await t.flushUsage();
    const refused = await t.db.usageEvent.count({ where: { requestId: { startsWith: `${job.id}/` }, status: 429 } });
    expect(refused).toBe(3);
  });

  describe('the daily records quota', () => {
    it('refuses a job larger than what is left, counting records reserved by running jobs', async () => {
      const { key } = await onPlan(t, { syntheticRecordsPerDay: 10 });
      const tooBig = await post(t, key, '/v1/synthetic/jobs', scriptedJob({ count: 11 }));
      expect(tooBig.status).toBe(429);
      const error = (await tooBig.json()).error;
      expect(error).toMatchObject({ type: 'insufficient_quota', code: 'quota_exceeded', param: 'count' });
      expect(error.message).toContain('asks for 11 records, but only 10');
      expect(Number(tooBig.headers.get('retry-after'))).toBeGreaterThan(0);

      upstream.holdAfter(upstream.received);
      const running = await submit(t, key, scriptedJob({ count: 6 }));
      const second = await post(t, key, '/v1/synthetic/jobs', scriptedJob({ count: 5, seed: 2 }));
      expect(second.status).toBe(429);
      expect((await second.json()).error.message).toContain('6 more are set aside');
      upstream.release();
      await follow(t, key, running.id);
    });

    it('truncates a job to what is left when asked, and counts records as they are kept', async () => {
      const { key } = await onPlan(t, { syntheticRecordsPerDay: 10 });
      const job = await submit(t, key, scriptedJob({ count: 15, truncate_to_quota: true }));
      expect(job).toMatchObject({ count: 10, requested_count: 15 });
      const { events } = await follow(t, key, job.id);
      expect(events.at(-2)?.data).toMatchObject({ status: 'succeeded', outcome: 'completed', progress: { kept: 10 } });
      const usage = await (await get(t, key, '/v1/usage')).json();
      expect(usage.daily.synthetic_records).toMatchObject({ limit: 10, used: 10, remaining: 0 });
      const refused = await post(t, key, '/v1/synthetic/jobs', scriptedJob({ count: 1, truncate_to_quota: true }));
      expect(refused.status).toBe(429);
    });

    it('ends a job whose quota was lowered mid-way with the records that still fit', async () => {
      const { key, plan } = await onPlan(t, { syntheticRecordsPerDay: 100 });
      upstream.holdAfter(upstream.received + BATCH_CALLS);
      const job = await submit(t, key, scriptedJob({ count: 20 }));
      const first = (await waitForEvent(t, key, job.id, keptAtLeastOne)).data as { kept: number };
      // An admin lowers the limit while the job runs (AUTH_CACHE_TTL_MS=0: the gateway sees it at once).
      await t.db.plan.update({ where: { id: plan.id }, data: { syntheticRecordsPerDay: first.kept + 2 } });
      upstream.release();
      const { events } = await follow(t, key, job.id);
      expect(events.at(-2)).toMatchObject({
        event: 'failed',
        data: { status: 'failed', error: { code: 'quota_exceeded' }, progress: { kept: first.kept + 2 } },
      });
      const { records } = await downloadRecords(t, key, job.id);
      expect(records).toHaveLength(first.kept + 2);
    });
  });
});

describe('one worker slot: priority, then a crash and a resume', () => {
  let t: TestGateway;
  let stuck: ScriptedUpstream;
  let healthy: ScriptedUpstream;
  let successor: Gateway | null = null;
  let successorDir: string;

  beforeAll(async () => {
    stuck = await startScriptedUpstream();
    healthy = await startScriptedUpstream();
    t = await startTestGateway({ SYNTHWELL_PROVIDER_SCRIPTED_BASE_URL: stuck.baseURL, SYNTHETIC_WORKERS: '1' });
    await addModel(t, 'scripted-chat', 'scripted');
    await t.gateway.app.get(CatalogService).refresh();
    successorDir = await mkdtemp(join(tmpdir(), 'synthwell-successor-'));
  });
  afterAll(async () => {
    await successor?.app.close();
    await successor?.db.$disconnect();
    await t?.close();
    await stuck?.close();
    await healthy?.close();
    await rm(successorDir, { recursive: true, force: true });
  });

  it('runs a premium job queued after a free one first when the slot frees', async () => {
    const premium = (await t.account('premium')).key;
    const free = (await t.account('free')).key;
    stuck.holdAfter(stuck.received);
    const blocker = await submit(t, premium, scriptedJob({ count: 2 }));
    expect(blocker.status).toBe('running');
    const freeJob = await submit(t, free, offlineJob({ count: 2 }));
    const premiumJob = await submit(t, premium, offlineJob({ count: 2, seed: 11 }));
    expect([freeJob.status, premiumJob.status]).toEqual(['queued', 'queued']);

    stuck.release();
    await follow(t, free, freeJob.id);
    const rows = await t.db.syntheticJob.findMany({ where: { id: { in: [blocker.id, freeJob.id, premiumJob.id] } } });
    const at = (id: string) => rows.find((row) => row.id === id) as (typeof rows)[number];
    expect(at(premiumJob.id).priority).toBeGreaterThan(at(freeJob.id).priority);
    expect(at(premiumJob.id).startedAt?.getTime()).toBeGreaterThanOrEqual(at(blocker.id).finishedAt?.getTime() ?? 0);
    // One slot: the free job starts only once the premium job has finished.
    expect(at(freeJob.id).startedAt?.getTime()).toBeGreaterThanOrEqual(at(premiumJob.id).finishedAt?.getTime() ?? 0);
  });

  it('resumes a job its dead worker left running from the checkpoint: no duplicate seq, exact count', async () => {
    const { key } = await t.account('free');
    stuck.holdAfter(stuck.received + BATCH_CALLS);
    const job = await submit(t, key, scriptedJob({ count: 20 }));
    const progress = (await waitForEvent(t, key, job.id, keptAtLeastOne)).data as { kept: number };
    // The first worker now hangs on an upstream that never answers: as far as the database can
    // tell, it died with the job `running`. Its committed records and checkpoint are all that is left.
    const before = await t.db.syntheticRecord.findMany({ where: { jobId: job.id }, orderBy: { seq: 'asc' } });
    expect(before).toHaveLength(progress.kept);
    expect((await t.db.syntheticJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('running');

    // A new gateway process on the same database re-queues the job at start and runs it on.
    successor = await createGateway(
      loadGatewayConfig({
        ...t.config.rawEnv,
        SYNTHWELL_PROVIDER_SCRIPTED_BASE_URL: healthy.baseURL,
        USAGE_JOURNAL_DIR: join(successorDir, 'journal'),
        IMAGE_STORAGE_DIR: join(successorDir, 'images'),
      }),
    );
    await successor.modelsReady;
    await successor.app.listen(0, '127.0.0.1');
    const address = successor.app.getHttpServer().address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const { events } = await follow({ ...t, url }, key, job.id);
    expect(events.at(-2)).toMatchObject({ event: 'done', data: { status: 'succeeded', progress: { kept: 20 } } });

    const after = await t.db.syntheticRecord.findMany({ where: { jobId: job.id }, orderBy: { seq: 'asc' } });
    expect(after.map((record) => record.seq)).toEqual([...Array(20).keys()]);
    // What the first worker committed is untouched; the rest came from the successor's upstream.
    expect(after.slice(0, before.length)).toEqual(before);
    expect(healthy.received).toBeGreaterThan(0);

    // The first worker, shut down at last, must not touch the finished job.
    await t.gateway.app.get<JobQueue>(JOB_QUEUE).close();
    const final = await t.db.syntheticJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(final).toMatchObject({ status: 'succeeded', kept: 20 });
    expect(await t.db.syntheticRecord.count({ where: { jobId: job.id } })).toBe(20);
  });
});
