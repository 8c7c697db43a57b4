// What the scale-out and soak scripts share: a database, a fake upstream and gateway replicas on
// loopback, accounts with their own plans, /proc readings, and a run that always cleans up.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..', '..');
const gatewayMain = join(repoRoot, 'apps', 'gateway', 'dist', 'main.js');
const workerMain = join(repoRoot, 'apps', 'gateway', 'dist', 'synthetic', 'worker.main.js');
const billingMain = join(repoRoot, 'apps', 'billing', 'dist', 'main.js');
/** Shared by the gateway processes and billing: billing signs session tokens, the gateway verifies them. */
export const SESSION_TOKEN_SECRET = 'load-test-session-secret-0123456789abcdef';
const dbCli = join(repoRoot, 'packages', 'db', 'dist', 'cli.js');

/**
 * Runs `body` with a scratch directory and a list to register child processes in; kills them and
 * removes the directory when it ends, fails, is interrupted, or passes `maxMinutes`.
 */
export async function bounded(name, maxMinutes, body) {
  const scratch = await mkdtemp(join(tmpdir(), `synthwell-${name}-`));
  const children = [];
  const closers = [];
  const cleanup = async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const close of closers) await close().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  };
  const deadline = setTimeout(() => {
    console.error(`${name}: stopped after ${maxMinutes} minutes`);
    void cleanup().then(() => process.exit(2));
  }, maxMinutes * 60_000);
  deadline.unref();
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    return await body({ scratch, children, onClose: (close) => closers.push(close) });
  } finally {
    clearTimeout(deadline);
    await cleanup();
  }
}

export function fail(name, message) {
  console.error(`${name}: ${message}`);
  process.exit(1);
}

/** A fresh database on DATABASE_URL's server, or an embedded PostgreSQL served by a child process. */
export async function openDatabase({ scratch, children, onClose }) {
  const { createTestDatabase } = await import('@synthwell/db/testing');
  let database;
  if (process.env.DATABASE_URL) {
    database = await createTestDatabase(process.env.DATABASE_URL);
  } else {
    const server = fork(dbCli, ['serve', join(scratch, 'pgdata'), '0'], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.push(server);
    const [{ url }] = await once(server, 'message');
    const { createDb, migrateDeploy } = await import('@synthwell/db');
    const { seedCatalog } = await import('@synthwell/db/seed');
    await migrateDeploy(url);
    const db = createDb(url, { poolSize: 4 });
    await seedCatalog(db);
    database = { url, db, kind: 'pglite', close: () => db.$disconnect() };
  }
  onClose(() => database.close());
  return database;
}

/** Starts the fake upstream in a child process; resolves to it and its base URL. */
export async function startFakeUpstream({ children }) {
  const child = fork(join(here, 'fake-upstream.mjs'), [], { stdio: 'inherit' });
  children.push(child);
  const [{ baseURL }] = await once(child, 'message');
  return { child, baseURL };
}

/** Chat models `fake-chat` (standard) and `fake-premium` routed to the fake upstream. */
export async function addFakeModels(db) {
  const { newId } = await import('@synthwell/db');
  for (const [id, tier] of [
    ['fake-chat', 'standard'],
    ['fake-premium', 'premium'],
  ]) {
    await db.model.create({
      data: {
        id,
        kind: 'chat',
        tier,
        displayName: id,
        routes: { create: { id: newId('rte'), provider: 'fake', upstreamModel: 'fake-model' } },
      },
    });
  }
}

/** A user on a plan of their own (limits high unless given), with one API key. */
export async function createAccount(db, limits = {}) {
  const { createApiKey, createUser } = await import('@synthwell/db/testing');
  const { user } = await createUser(db);
  await givePlan(db, user.id, limits);
  const { key, apiKey } = await createApiKey(db, user.id);
  return { key, keyId: apiKey.id, userId: user.id };
}

/** Subscribes an existing user to a plan of their own, limits high unless given. */
export async function givePlan(db, userId, limits = {}) {
  const { newId } = await import('@synthwell/db');
  const { subscribe } = await import('@synthwell/db/testing');
  const plan = await db.plan.create({
    data: {
      id: newId('pln'),
      slug: `load-${newId('pln')}`,
      name: 'Load test',
      priceCents: 0,
      requestsPerMinute: limits.requestsPerMinute ?? 1_000_000,
      tokensPerMinute: 1_000_000_000,
      chatRequestsPerDay: limits.chatRequestsPerDay ?? 1_000_000,
      imagesPerDay: limits.imagesPerDay ?? 1_000_000,
      syntheticRecordsPerDay: limits.syntheticRecordsPerDay ?? 1_000_000,
      concurrentSyntheticJobs: limits.concurrentSyntheticJobs ?? 1,
      modelTiers: ['standard'],
    },
  });
  await subscribe(db, userId, plan);
  return plan;
}

/** The environment the gateway's processes (replicas and synthetic workers) share. */
function gatewayEnv({ databaseUrl, redisUrl, baseURL, scratch }) {
  return {
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    LOCAL_MODELS: 'false',
    SESSION_TOKEN_SECRETS: SESSION_TOKEN_SECRET,
    IMAGE_URL_SECRET: 'load-test-image-secret-0123456789abcdefgh',
    IMAGE_STORAGE_DIR: join(scratch, 'images'),
    USAGE_JOURNAL_DIR: join(scratch, 'journal'),
    PROVENANCE_KEY_DIR: join(scratch, 'keys'),
    ...(baseURL ? { SYNTHWELL_PROVIDER_FAKE_BASE_URL: baseURL } : {}),
  };
}

/** Resolves once `url` answers 200, failing if `child` exits first or `what` takes over 120 s. */
async function waitUntilReady(url, child, what) {
  const started = Date.now();
  while (
    !(await fetch(url).then(
      (response) => response.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode})`);
    if (Date.now() - started > 120_000) throw new Error(`${what} was not ready within 120 s`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** One built gateway process on 127.0.0.1:`port`, resolved once /readyz answers 200. */
export async function startReplica({ index, port, databaseUrl, redisUrl, baseURL, scratch, env = {} }) {
  const child = spawn(process.execPath, [gatewayMain], {
    env: {
      ...gatewayEnv({ databaseUrl, redisUrl, baseURL, scratch }),
      GATEWAY_PORT: String(port),
      INSTANCE_ID: `replica-${index}`,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${url}/readyz`, child, `replica ${index}`);
  return { port, url, child };
}

/**
 * One built synthetic-data worker process (`worker.main.js`), its probes on 127.0.0.1:`healthPort`,
 * resolved once its /readyz answers 200 (it has loaded its models and joined the queue). Its usage
 * journal is `<scratch>/journal/usage-worker-<index>-*.jsonl`, so a restart with the same index replays it.
 */
export async function startWorker({ index, healthPort, databaseUrl, redisUrl, scratch, env = {} }) {
  const child = spawn(process.execPath, [workerMain], {
    env: {
      ...gatewayEnv({ databaseUrl, redisUrl, scratch }),
      INSTANCE_ID: `worker-${index}`,
      SYNTHETIC_WORKERS: '1',
      SYNTHETIC_WORKER_HEALTH_PORT: String(healthPort),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${healthPort}`;
  await waitUntilReady(`${url}/readyz`, child, `worker ${index}`);
  return { url, child, journalPrefix: `usage-worker-${index}-` };
}

/** The built billing service on 127.0.0.1:`port` with its Stripe stand-in, resolved once /readyz answers 200. */
export async function startBilling({ port, standinPort, databaseUrl, redisUrl }) {
  const child = spawn(process.execPath, [billingMain], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      BILLING_PORT: String(port),
      STRIPE_STANDIN_PORT: String(standinPort),
      SESSION_TOKEN_SECRETS: SESSION_TOKEN_SECRET,
      OVERAGE_REPORT_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${url}/readyz`, child, 'billing');
  return { url, child };
}

/** A free-looking port range for this run's replicas. */
export function basePort() {
  return 16_000 + Math.floor(Math.random() * 2_000);
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** CPU seconds a process has used, from /proc (clock ticks of 10 ms). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The value at quantile `q` of sorted numbers. */
export function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
