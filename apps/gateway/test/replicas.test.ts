import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newId } from '@synthwell/db';
import { createApiKey, createTestDatabase, createUser, subscribe, type TestDatabase } from '@synthwell/db/testing';
import { type FakeUpstream, startFakeOpenAI } from '@synthwell/providers/testing';
import { INVALIDATION_CHANNEL } from '@synthwell/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const redisUrl = process.env.REDIS_URL;

interface Replica {
  port: number;
  url: string;
  child: ChildProcess;
  instance: string;
}

/**
 * Several gateway processes on loopback sharing one PostgreSQL and one Redis, as in production.
 * Needs the built gateway (turbo builds it before tests) and REDIS_URL.
 */
/** "200", or "status type/code" of an error: how many answers got each, so a failure shows what the others got. */
async function outcomesOf(responses: Response[]): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  for (const response of responses) {
    const body = (await response.json()) as { error?: { type?: string; code?: string } };
    const outcome = response.status === 200 ? '200' : `${response.status} ${body.error?.type}/${body.error?.code}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return outcomes;
}

/** Requests let through by the limits: answered, or failed at the upstream after admission. */
function admitted(outcomes: Record<string, number>): number {
  return Object.entries(outcomes)
    .filter(([outcome]) => outcome === '200' || isUpstreamFailure(outcome))
    .reduce((sum, [, count]) => sum + count, 0);
}

function isUpstreamFailure(outcome: string): boolean {
  return /^5\d\d upstream_error\//.test(outcome);
}

/** Outcomes other than an answer, the expected refusal, or an upstream failure. */
function unexpected(outcomes: Record<string, number>, refusal: string): string[] {
  return Object.keys(outcomes).filter(
    (outcome) => outcome !== '200' && outcome !== refusal && !isUpstreamFailure(outcome),
  );
}

describe.runIf(redisUrl && existsSync(main))('gateway replicas sharing Redis', () => {
  let database: TestDatabase;
  let upstream: FakeUpstream;
  let journal: string;
  let redis: Redis;
  const replicas: Replica[] = [];
  const basePort = 15_000 + Math.floor(Math.random() * 2_000);

  async function startReplica(index: number, extraEnv: Record<string, string> = {}): Promise<Replica> {
    const port = basePort + index;
    const instance = `replica-${index}`;
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        GATEWAY_PORT: String(port),
        LOG_LEVEL: 'warn',
        LOCAL_MODELS: 'false',
        SESSION_TOKEN_SECRETS: 'replica-session-secret-0123456789abcdef',
        IMAGE_URL_SECRET: 'replica-image-secret-0123456789abcdefgh',
        USAGE_JOURNAL_DIR: journal,
        INSTANCE_ID: instance,
        SYNTHWELL_PROVIDER_FAKE_BASE_URL: upstream.baseURL,
        ...extraEnv,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error(`replica ${index} exited with ${child.exitCode}`);
      const ready = await fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (attempt > 300) throw new Error(`replica ${index} not ready`);
      await new Promise((done) => setTimeout(done, 100));
    }
    return { port, url, child, instance };
  }

  async function account(limits: { chatRequestsPerDay?: number; requestsPerMinute?: number }) {
    const plan = await database.db.plan.create({
      data: {
        id: newId('pln'),
        slug: `replicas-${newId('pln')}`,
        name: 'Replicas',
        priceCents: 0,
        requestsPerMinute: limits.requestsPerMinute ?? 100_000,
        tokensPerMinute: 100_000_000,
        chatRequestsPerDay: limits.chatRequestsPerDay ?? 100_000,
        imagesPerDay: 10,
        syntheticRecordsPerDay: 10,
        concurrentSyntheticJobs: 1,
        modelTiers: ['standard'],
      },
    });
    const { user } = await createUser(database.db);
    await subscribe(database.db, user.id, plan);
    return { ...(await createApiKey(database.db, user.id)), userId: user.id, plan };
  }

  const chat = (replica: Replica, key: string, model = 'fake-chat') =>
    fetch(`${replica.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startFakeOpenAI({ reply: 'A short answer from the fake upstream.' });
    journal = await mkdtemp(join(tmpdir(), 'synthwell-replicas-journal-'));
    redis = new Redis(redisUrl as string);
    await database.db.model.create({
      data: {
        id: 'fake-chat',
        kind: 'chat',
        tier: 'standard',
        displayName: 'Fake',
        routes: { create: { id: newId('rte'), provider: 'fake', upstreamModel: 'fake-model' } },
      },
    });
    await database.db.model.create({
      data: {
        id: 'fake-premium',
        kind: 'chat',
        tier: 'premium',
        displayName: 'Fake premium',
        routes: { create: { id: newId('rte'), provider: 'fake', upstreamModel: 'fake-model' } },
      },
    });
    replicas.push(...(await Promise.all([0, 1, 2, 3].map((index) => startReplica(index)))));
  }, 120_000);

  afterAll(async () => {
    for (const replica of replicas) replica.child.kill('SIGKILL');
    redis?.disconnect();
    await upstream?.close();
    await database?.close();
    await rm(journal, { recursive: true, force: true });
  });

  for (const count of [2, 4]) {
    it(`${count} replicas: 1,000 concurrent requests against a daily quota of 100 take exactly its 100 units`, async () => {
      const { key } = await account({ chatRequestsPerDay: 100 });
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => chat(replicas[i % count] as Replica, key)),
      );
      const outcomes = await outcomesOf(responses);
      // Never more than 100 answered, and none refused while a unit was free: every refusal came when
      // 100 units were taken, and each taken unit ended as an answer or as an upstream failure. The fake
      // upstream shares this process with the burst, so on a loaded machine a call can fail; the gateway
      // answers it with an upstream error and gives the unit back, which a later request may or may not
      // take. The shared counter ends at exactly the number answered either way.
      const answered = outcomes['200'] ?? 0;
      expect(answered).toBeLessThanOrEqual(100);
      expect(admitted(outcomes)).toBeGreaterThanOrEqual(100);
      expect(unexpected(outcomes, '429 insufficient_quota/quota_exceeded')).toEqual([]);
      const usage = await (
        await fetch(`${(replicas[0] as Replica).url}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })
      ).json();
      expect(usage.daily.chat_requests).toMatchObject({ limit: 100, used: answered, remaining: 100 - answered });
    });
  }

  it('4 replicas: a per-minute limit of 30 admits exactly 30 of 200 concurrent requests', async () => {
    const { key } = await account({ requestsPerMinute: 30 });
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(replicas[i % 4] as Replica, key)));
    const outcomes = await outcomesOf(responses);
    // A request that failed upstream still used its admission (per-minute limits give nothing back).
    expect(admitted(outcomes)).toBe(30);
    expect(unexpected(outcomes, '429 rate_limit_error/rate_limit_exceeded')).toEqual([]);
  });

  it('a plan change reaches every replica at once through Redis, without a restart', async () => {
    const { key, userId } = await account({});
    for (const replica of replicas) expect((await chat(replica, key, 'fake-premium')).status).toBe(403);
    const premium = await database.db.plan.findUniqueOrThrow({ where: { slug: 'premium' } });
    await database.db.user.update({ where: { id: userId }, data: { compPlanId: premium.id } });
    await redis.publish(INVALIDATION_CHANNEL, JSON.stringify({ userId }));
    const started = Date.now();
    for (const replica of replicas) {
      let status = 0;
      while (status !== 200 && Date.now() - started < 5_000) status = (await chat(replica, key, 'fake-premium')).status;
      expect(status).toBe(200);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('SIGKILL under load loses no acknowledged usage record and counts none twice', async () => {
    const { key, userId } = await account({});
    const victim = replicas[3] as Replica;
    const answered: string[] = [];
    let stop = false;
    const clients = Array.from({ length: 20 }, async () => {
      while (!stop) {
        const response = await chat(victim, key).catch(() => null);
        if (!response) return;
        if (response.status === 200) {
          await response.json();
          answered.push(response.headers.get('x-request-id') as string);
        }
      }
    });
    while (answered.length < 300) await new Promise((done) => setTimeout(done, 20));
    const exited = once(victim.child, 'exit');
    victim.child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await exited;
    // The same instance comes back and replays its journal.
    replicas[3] = await startReplica(3);
    const events = await database.db.usageEvent.findMany({ where: { userId }, select: { requestId: true } });
    const recorded = new Set(events.map((event) => event.requestId));
    expect(answered.filter((id) => !recorded.has(id))).toEqual([]);
    expect(events.length).toBe(recorded.size);
    const daily = await database.db.usageDaily.aggregate({ where: { userId }, _sum: { requests: true } });
    expect(daily._sum.requests).toBe(events.length);
  });
});
