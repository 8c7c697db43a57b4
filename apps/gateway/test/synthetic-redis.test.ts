import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { loadGatewayConfig } from '../src/config/env.js';
import { createSyntheticWorker, type SyntheticWorker } from '../src/synthetic/worker.js';
import { bearer, startTestGateway, type TestGateway } from './harness.js';
import {
  addModel,
  downloadRecords,
  follow,
  offlineJob,
  type ScriptedUpstream,
  startScriptedUpstream,
  submit,
  waitForEvent,
} from './synthetic-fixtures.js';

const REDIS_URL = process.env.REDIS_URL;
/** The built worker entry point; `npm run build` (which CI runs before the tests) makes it. */
const WORKER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/synthetic/worker.main.js');
const LOCK_MS = '1500';

/**
 * BullMQ on a real Redis: a gateway that only queues jobs, worker processes that run them, progress
 * crossing processes over Redis pub/sub, and a killed worker's job resumed by another after its lock lapses.
 */
describe.runIf(REDIS_URL)('synthetic-data jobs on BullMQ and Redis', () => {
  const queue = `synthetic-test-${randomUUID()}`;
  let gateway: TestGateway;
  let stuck: ScriptedUpstream;
  let healthy: ScriptedUpstream;
  let worker: SyntheticWorker | null = null;
  let child: ChildProcess | null = null;
  let dir: string;
  let key: string;

  /** A worker in this process, as `worker.main.js` would start it, on the healthy upstream. */
  async function startWorker(): Promise<SyntheticWorker> {
    return createSyntheticWorker(
      loadGatewayConfig({
        ...gateway.config.rawEnv,
        SYNTHETIC_WORKERS: '2',
        SYNTHWELL_PROVIDER_SCRIPTED_BASE_URL: healthy.baseURL,
        USAGE_JOURNAL_DIR: join(dir, 'worker-journal'),
      }),
    );
  }

  beforeAll(async () => {
    stuck = await startScriptedUpstream();
    healthy = await startScriptedUpstream();
    dir = await mkdtemp(join(tmpdir(), 'synthwell-workers-'));
    gateway = await startTestGateway({
      REDIS_URL: REDIS_URL as string,
      SYNTHETIC_QUEUE: queue,
      SYNTHETIC_WORKERS: '0',
      SYNTHETIC_LOCK_MS: LOCK_MS,
      SYNTHWELL_PROVIDER_SCRIPTED_BASE_URL: stuck.baseURL,
    });
    await addModel(gateway, 'scripted-chat', 'scripted');
    await gateway.gateway.app.get(CatalogService).refresh();
    key = (await gateway.account('free')).key;
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.close();
    await gateway?.close();
    await stuck?.close();
    await healthy?.close();
    const connection = new Redis(REDIS_URL as string, { maxRetriesPerRequest: null });
    const leftovers = new Queue(queue, { connection });
    await leftovers.obliterate({ force: true });
    await leftovers.close();
    connection.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it.runIf(existsSync(WORKER_MAIN))(
    'resumes the job of a killed worker process on another worker: no duplicate seq, exact count',
    async () => {
      child = spawn(process.execPath, [WORKER_MAIN], {
        env: {
          ...process.env,
          ...(gateway.config.rawEnv as Record<string, string>),
          SYNTHETIC_WORKERS: '1',
          // No probe port: 8081 may be taken by another test run on this machine.
          SYNTHETIC_WORKER_HEALTH_PORT: '0',
          LOCAL_MODELS: 'false',
          USAGE_JOURNAL_DIR: join(dir, 'child-journal'),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      stuck.holdAfter(stuck.received + 16);
      const job = await submit(gateway, key, offlineJob({ model: 'scripted-chat', count: 20 }));
      // Progress from the worker process reaches this gateway's stream through Redis.
      const first = (await waitForEvent(gateway, key, job.id, (event) => {
        return event.event === 'progress' && (event.data as { kept: number }).kept > 0;
      })) as { data: { kept: number } };
      const before = await gateway.db.syntheticRecord.findMany({ where: { jobId: job.id }, orderBy: { seq: 'asc' } });
      expect(before).toHaveLength(first.data.kept);

      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      worker = await startWorker();

      const { events } = await follow(gateway, key, job.id);
      expect(events.at(-2)).toMatchObject({ event: 'done', data: { status: 'succeeded', progress: { kept: 20 } } });
      const after = await gateway.db.syntheticRecord.findMany({ where: { jobId: job.id }, orderBy: { seq: 'asc' } });
      expect(after.map((record) => record.seq)).toEqual([...Array(20).keys()]);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(healthy.received).toBeGreaterThan(0);
    },
  );

  it('runs a job on a worker elsewhere while the gateway streams its progress', async () => {
    worker ??= await startWorker();
    const usage = async () =>
      (await (await fetch(`${gateway.url}/v1/usage`, { headers: bearer(key) })).json()).daily.synthetic_records.used;
    const before = await usage();
    const job = await submit(gateway, key, offlineJob({ count: 6 }));
    const { events } = await follow(gateway, key, job.id);
    expect(events.at(-2)).toMatchObject({ event: 'done', data: { status: 'succeeded', progress: { kept: 6 } } });
    const { records } = await downloadRecords(gateway, key, job.id);
    expect(records.map((record) => record.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(records[0].provenance).toMatchObject({ synthetic: true, generation_depth: 1, job_id: job.id });
    // The worker counted them in the limiter the gateway reads: both share Redis.
    expect((await usage()) - before).toBe(6);
  });
});
