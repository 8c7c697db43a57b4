import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITER } from '../src/core/tokens.js';
import type { RedisLimiter } from '../src/policy/limiter/redis-limiter.js';
import { bearer, eventually, startTestGateway, type TestGateway } from './harness.js';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/** A private Redis this test can stop and start, so the shared one is never disturbed. */
function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}

describe.runIf(hasRedisServer)('when Redis goes away', () => {
  const port = 16_500 + Math.floor(Math.random() * 1_000);
  let redis: ChildProcess;
  let t: TestGateway;
  let key: string;

  beforeAll(async () => {
    redis = startRedis(port);
    await eventually(
      'the private Redis to answer PING',
      async () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .includes('PONG') ?? false,
      10_000,
    );
    t = await startTestGateway({ REDIS_URL: `redis://127.0.0.1:${port}` });
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    await t?.close();
    redis?.kill('SIGKILL');
  });

  const chat = () =>
    fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: bearer(key),
      body: JSON.stringify({ model: 'sw-ngram-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }),
    });

  it('keeps serving within per-replica limits (fail open, bounded), stays ready, and goes back to shared limits when Redis returns', async () => {
    const limiter = t.gateway.app.get<RedisLimiter>(LIMITER);
    expect((await chat()).status).toBe(200);
    expect(limiter.isDegraded).toBe(false);

    const exited = once(redis, 'exit');
    redis.kill('SIGKILL');
    await exited;
    const during = await chat();
    expect(during.status).toBe(200);
    expect(during.headers.get('x-ratelimit-limit-requests')).toBe('20');
    expect(limiter.isDegraded).toBe(true);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);

    redis = startRedis(port);
    await eventually(
      'shared limits once Redis is back',
      async () => (await chat()).status === 200 && !limiter.isDegraded,
      15_000,
    );
  });
});
