import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryLimiter } from './memory-limiter.js';
import { RedisLimiter } from './redis-limiter.js';
import type { Limiter, LimitSpec } from './types.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
// The coming UTC midnight and the noon before it. Quota keys expire on Redis's real clock an hour after
// their reset, so a fixed date would let them vanish at once once that day has passed.
const MIDNIGHT = Math.floor(Date.now() / DAY) * DAY + DAY;
const T0 = MIDNIGHT - DAY / 2;

function rate(key: string, limit: number, cost = 1): LimitSpec {
  return { kind: 'rate', name: 'requests', key, limit, periodMs: MINUTE, cost };
}
function tokenRate(key: string, limit: number, cost: number): LimitSpec {
  return { kind: 'rate', name: 'tokens', key, limit, periodMs: MINUTE, cost };
}
function quota(key: string, limit: number, cost = 1): LimitSpec {
  return { kind: 'quota', name: 'chat_daily', key, limit, resetAt: MIDNIGHT, cost };
}

/** One behaviour, two back ends: the same suite runs against each. */
function limiterSuite(name: string, make: () => Limiter) {
  describe(name, () => {
    let limiter: Limiter;
    let prefix: string;
    beforeAll(() => {
      limiter = make();
    });
    afterAll(async () => {
      await limiter.close();
    });
    const key = (suffix: string) => `${prefix}:${suffix}`;
    beforeAll(() => {
      prefix = `t${randomBytes(4).toString('hex')}`;
    });

    it('admits a burst up to the per-minute limit, then refuses with the time until one fits', async () => {
      const spec = rate(key('burst'), 20);
      for (let i = 0; i < 20; i++) expect((await limiter.admit([spec], T0)).allowed).toBe(true);
      const refused = await limiter.admit([spec], T0);
      expect(refused.allowed).toBe(false);
      expect(refused.rejected).toEqual({ name: 'requests', kind: 'rate', retryAfterMs: 3000 });
      expect(refused.states[0]?.remaining).toBe(0);
      // One emission interval (60 s / 20) later, exactly one more fits.
      expect((await limiter.admit([spec], T0 + 3000)).allowed).toBe(true);
      expect((await limiter.admit([spec], T0 + 3000)).allowed).toBe(false);
    });

    it('reports remaining units and the time until the bucket is full again', async () => {
      const spec = rate(key('state'), 10);
      const decision = await limiter.admit([spec], T0);
      expect(decision.states[0]).toEqual({ name: 'requests', limit: 10, remaining: 9, resetMs: 6000 });
    });

    it('admits all limits or none: a refused request consumes nothing', async () => {
      const requests = rate(key('all-rpm'), 100);
      const daily = quota(key('all-q'), 2);
      expect((await limiter.admit([requests, daily], T0)).allowed).toBe(true);
      expect((await limiter.admit([requests, daily], T0)).allowed).toBe(true);
      const refused = await limiter.admit([requests, daily], T0);
      expect(refused.rejected?.kind).toBe('quota');
      expect(refused.rejected?.retryAfterMs).toBe(MIDNIGHT - T0);
      const [rpm] = await limiter.peek([requests], T0);
      expect(rpm?.remaining).toBe(98);
    });

    it('charges costs above one and settles reservations both ways', async () => {
      const tokens = tokenRate(key('tpm'), 1000, 600);
      expect((await limiter.admit([tokens], T0)).allowed).toBe(true);
      expect((await limiter.admit([tokens], T0)).allowed).toBe(false);
      await limiter.adjust(tokens, -500, T0); // only 100 of the 600 reserved were used
      expect((await limiter.admit([tokens], T0)).allowed).toBe(true);
      const [state] = await limiter.peek([tokens], T0);
      expect(state?.remaining).toBe(300);
    });

    it('applies every settlement of requests that finish together', async () => {
      const tokens = tokenRate(key('tpm-together'), 1000, 200);
      for (let i = 0; i < 5; i++) expect((await limiter.admit([tokens], T0)).allowed).toBe(true);
      // Five requests reserved 200 tokens each and used 50, 120, 200, 10 and 260.
      await Promise.all([-150, -80, 0, -190, 60].map((delta) => limiter.adjust(tokens, delta, T0)));
      const [state] = await limiter.peek([tokens], T0);
      expect(state?.remaining).toBe(1000 - 640);
      const daily = quota(key('q:together'), 10, 4);
      expect((await limiter.admit([daily], T0)).allowed).toBe(true);
      expect((await limiter.admit([daily], T0)).allowed).toBe(true);
      await Promise.all([limiter.adjust(daily, -4, T0), limiter.adjust(daily, -3, T0)]);
      const [standing] = await limiter.peek([daily], T0);
      expect(standing?.remaining).toBe(10 - 1);
    });

    it('resets daily quotas at midnight UTC (new day, new key)', async () => {
      const today = quota(key('q:today'), 1);
      expect((await limiter.admit([today], T0)).allowed).toBe(true);
      expect((await limiter.admit([today], T0)).allowed).toBe(false);
      const tomorrow: LimitSpec = {
        kind: 'quota',
        name: 'chat_daily',
        key: key('q:tomorrow'),
        limit: 1,
        resetAt: MIDNIGHT + DAY,
        cost: 1,
      };
      expect((await limiter.admit([tomorrow], MIDNIGHT + 1)).allowed).toBe(true);
    });

    it('never admits more than the quota under 1,000 concurrent requests', async () => {
      const spec = quota(key('race'), 100);
      const decisions = await Promise.all(Array.from({ length: 1000 }, () => limiter.admit([spec], T0)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(100);
    });
  });
}

limiterSuite('MemoryLimiter', () => new MemoryLimiter());

const redisUrl = process.env.REDIS_URL;
describe.runIf(redisUrl)('Redis back end', () => {
  const clients: Redis[] = [];
  const client = () => {
    const redis = new Redis(redisUrl as string, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    clients.push(redis);
    return redis;
  };
  afterAll(() => {
    for (const redis of clients) redis.disconnect();
  });

  const connected = async () => {
    const redis = client();
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  };
  let shared: Redis;
  beforeAll(async () => {
    shared = await connected();
  });

  limiterSuite('RedisLimiter', () => new RedisLimiter(shared, pino({ level: 'silent' })));

  it('is exact across replicas: four limiters on four connections admit exactly the quota', async () => {
    const replicas = await Promise.all(
      [0, 1, 2, 3].map(async () => new RedisLimiter(await connected(), pino({ level: 'silent' }))),
    );
    const spec = quota(`x${randomBytes(4).toString('hex')}`, 100);
    const decisions = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => (replicas[i % 4] as RedisLimiter).admit([spec], T0)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(100);
    expect(replicas.some((replica) => replica.isDegraded)).toBe(false);
  });

  it('sends the settlements of one turn of the event loop as one call per limit', async () => {
    const limiter = new RedisLimiter(shared, pino({ level: 'silent' }));
    const calls = vi.spyOn(shared as unknown as { swAdjust(...args: unknown[]): Promise<number> }, 'swAdjust');
    try {
      const suffix = randomBytes(4).toString('hex');
      const tokens = tokenRate(`tpm${suffix}`, 1000, 100);
      const daily = quota(`q${suffix}`, 100);
      for (let i = 0; i < 8; i++) await limiter.admit([tokens, daily], T0);
      await Promise.all([
        ...Array.from({ length: 8 }, () => limiter.adjust(tokens, -50, T0)),
        limiter.adjust(daily, -1, T0),
        limiter.adjust(daily, -2, T0),
      ]);
      expect(calls).toHaveBeenCalledTimes(2);
      const [tokenState, dailyState] = await limiter.peek([tokens, daily], T0);
      expect(tokenState?.remaining).toBe(1000 - 8 * 50);
      expect(dailyState?.remaining).toBe(100 - 8 + 3);
    } finally {
      calls.mockRestore();
    }
  });

  it('fails open into a per-replica allowance while Redis is unreachable, and recovers', async () => {
    const redis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    clients.push(redis);
    const limiter = new RedisLimiter(redis, pino({ level: 'silent' }));
    const spec = quota(`down${randomBytes(4).toString('hex')}`, 2);
    expect((await limiter.admit([spec], T0)).allowed).toBe(true);
    expect(limiter.isDegraded).toBe(true);
    expect((await limiter.admit([spec], T0)).allowed).toBe(true);
    // The local allowance is bounded by the same limit.
    expect((await limiter.admit([spec], T0)).allowed).toBe(false);
  });
});

describe('a Redis that accepts connections but never answers', () => {
  it('is given up after its silence window, and the replica falls back to its local allowance', async () => {
    const sockets: Socket[] = [];
    const hung = createServer((socket) => sockets.push(socket));
    hung.listen(0, '127.0.0.1');
    await once(hung, 'listening');
    const { port } = hung.address() as { port: number };
    const redis = new Redis({ host: '127.0.0.1', port, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    try {
      await once(redis, 'connect');
      const limiter = new RedisLimiter(redis, pino({ level: 'silent' }), 'sw:lim:', 100);
      const spec = quota(`hung${randomBytes(4).toString('hex')}`, 1);
      expect((await limiter.admit([spec], T0)).allowed).toBe(true);
      expect(limiter.isDegraded).toBe(true);
      expect((await limiter.admit([spec], T0)).allowed).toBe(false);
    } finally {
      redis.disconnect();
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  });
});
