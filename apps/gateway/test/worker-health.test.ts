import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import type { ReadinessCheck } from '@synthwell/server';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config/env.js';
import { startWorkerHealthServer, type WorkerHealthServer } from '../src/synthetic/worker-health.js';

const REDIS_URL = process.env.REDIS_URL;
/** The built worker entry point; `npm run build` (which CI runs before the tests) makes it. */
const WORKER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/synthetic/worker.main.js');

async function probe(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe('the synthetic worker health server', () => {
  let server: WorkerHealthServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  async function serve(checks: ReadinessCheck[]): Promise<string> {
    server = await startWorkerHealthServer({ port: 0, host: '127.0.0.1', checks: () => checks });
    return server.url;
  }

  it('is alive on /healthz and ready on /readyz when every check passes', async () => {
    const url = await serve([
      { name: 'database', check: async () => true },
      { name: 'redis', check: async () => true },
    ]);
    expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await probe(`${url}/readyz?verbose=1`)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: true, redis: true } },
    });
  });

  it('answers 503 naming the check that failed, threw or hung, while staying alive', async () => {
    const url = await serve([
      { name: 'database', check: async () => true },
      { name: 'redis', check: async () => false },
      { name: 'broken', check: () => Promise.reject(new Error('connection refused')) },
      { name: 'hung', check: () => new Promise<boolean>(() => undefined) },
    ]);
    expect(await probe(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { database: true, redis: false, broken: false, hung: false } },
    });
    expect((await probe(`${url}/healthz`)).status).toBe(200);
  });

  it('serves nothing else', async () => {
    const url = await serve([]);
    expect(await probe(`${url}/metrics`)).toEqual({ status: 404, body: { status: 'not_found' } });
    const post = await fetch(`${url}/readyz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${url}/healthz`, { method: 'HEAD' })).status).toBe(200);
  });

  it('reads its port from SYNTHETIC_WORKER_HEALTH_PORT: 8081 by default, 0 for off', () => {
    const base = {
      DATABASE_URL: 'postgresql://db/x',
      SESSION_TOKEN_SECRETS: 'x'.repeat(32),
      IMAGE_URL_SECRET: 'y'.repeat(32),
    };
    expect(loadGatewayConfig(base).SYNTHETIC_WORKER_HEALTH_PORT).toBe(8081);
    expect(loadGatewayConfig({ ...base, SYNTHETIC_WORKER_HEALTH_PORT: '0' }).SYNTHETIC_WORKER_HEALTH_PORT).toBe(0);
    expect(() => loadGatewayConfig({ ...base, SYNTHETIC_WORKER_HEALTH_PORT: '70000' })).toThrow(
      /SYNTHETIC_WORKER_HEALTH_PORT/,
    );
  });
});

/** A TCP relay to a server that the test can cut (refusing and dropping connections) and restore. */
interface Relay {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  let server: Server = createServer();
  const listen = async (port: number) => {
    server = createServer((client) => {
      const upstream = createConnection(target);
      track(client);
      track(upstream);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(0);
  return {
    port,
    async cut() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      await listen(port);
    },
  };
}

function through(url: string, relay: Relay): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(relay.port);
  return parsed.toString();
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The built worker process, with its database and Redis reached through relays the test cuts: what
 * a kubelet's probes would see.
 */
describe.runIf(REDIS_URL && existsSync(WORKER_MAIN))('the worker process', () => {
  const queue = `synthetic-health-${randomUUID()}`;
  let database: TestDatabase;
  let dir: string;
  let redisRelay: Relay;
  let databaseRelay: Relay;
  let child: ChildProcess;
  let health: string;

  const readiness = () => probe(`${health}/readyz`);

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'synthwell-worker-health-'));
    const redis = new URL(REDIS_URL as string);
    redisRelay = await startRelay({ host: redis.hostname, port: Number(redis.port || 6379) });
    const db = new URL(database.url);
    databaseRelay = await startRelay({ host: db.hostname, port: Number(db.port || 5432) });
    const port = await freePort();
    health = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [WORKER_MAIN], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: through(database.url, databaseRelay),
        REDIS_URL: through(REDIS_URL as string, redisRelay),
        SESSION_TOKEN_SECRETS: 'worker-health-session-secret-0123456789',
        IMAGE_URL_SECRET: 'worker-health-image-secret-0123456789ab',
        LOCAL_MODELS: 'false',
        LOG_LEVEL: 'silent',
        SYNTHETIC_QUEUE: queue,
        SYNTHETIC_WORKERS: '1',
        SYNTHETIC_WORKER_HEALTH_PORT: String(port),
        USAGE_JOURNAL_DIR: join(dir, 'journal'),
        PROVENANCE_KEY_DIR: join(dir, 'keys'),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await redisRelay?.restore().catch(() => undefined);
    const connection = new Redis(REDIS_URL as string, { maxRetriesPerRequest: null });
    const leftovers = new Queue(queue, { connection });
    await leftovers.obliterate({ force: true });
    await leftovers.close();
    connection.disconnect();
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is ready once it has joined the queue, with the database and Redis answering', async () => {
    await expect
      .poll(() => readiness().catch(() => null), { timeout: 60_000, interval: 100 })
      .toEqual({
        status: 200,
        body: { status: 'ready', checks: { database: true, redis: true } },
      });
    expect(await probe(`${health}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('turns not ready while Redis is unreachable, stays alive, and ready again when it is back', async () => {
    await redisRelay.cut();
    await expect.poll(readiness, { timeout: 15_000, interval: 200 }).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { database: true, redis: false } },
    });
    expect((await probe(`${health}/healthz`)).status).toBe(200);
    await redisRelay.restore();
    await expect.poll(readiness, { timeout: 15_000, interval: 200 }).toMatchObject({ status: 200 });
  });

  it('turns not ready while the database is unreachable, and ready again when it is back', async () => {
    await databaseRelay.cut();
    await expect.poll(readiness, { timeout: 15_000, interval: 200 }).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { database: false, redis: true } },
    });
    expect((await probe(`${health}/healthz`)).status).toBe(200);
    await databaseRelay.restore();
    await expect.poll(readiness, { timeout: 15_000, interval: 200 }).toMatchObject({ status: 200 });
  });

  it('stops on SIGTERM, and its probes with it', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
    await expect(fetch(`${health}/healthz`)).rejects.toThrow();
  });
});
