#!/usr/bin/env node
// Faults under load: 2 gateway replicas on a private PostgreSQL 15 and a private Redis (so nothing
// shared with other work is disturbed), 16 clients sending chat completions, and one fault at a time:
//   redis     Redis killed, then started again
//   postgres  PostgreSQL stopped in immediate mode (crash recovery at the next start), then started
//   hang      the upstream accepts requests and never answers
//   garbage   the upstream answers 200 with a body that is not JSON
// Prints the answers before, during and after each fault and checks the documented behaviour:
// limits fail open per replica without Redis and are shared again after it; every acknowledged usage
// record reaches PostgreSQL exactly once after it comes back; upstream faults are clean 5xx errors in
// the documented shape, and service resumes when the upstream does.
//
//   npm run build && npm run faults -w @synthwell/infra             (as root or as the postgres user)
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addFakeModels, basePort, bounded, createAccount, startFakeUpstream, startReplica } from './lib/cluster.mjs';

const { values } = parseArgs({
  options: { only: { type: 'string', default: 'redis,postgres,hang,garbage' } },
});
const scenarios = values.only.split(',');
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Runs a PostgreSQL binary as the postgres user when we are root (PostgreSQL refuses to run as root). */
function pgCommand(binary, args, options = {}) {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  const path = join('/usr/lib/postgresql', versions.at(-1), 'bin', binary);
  const [command, fullArgs] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  return execFileSync(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

async function startPrivatePostgres(port, onClose) {
  const dir = await mkdtemp(join(tmpdir(), 'synthwell-faults-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  pgCommand('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const start = () => pgCommand('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = (mode) => pgCommand('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  start();
  onClose(async () => {
    try {
      stop('immediate');
    } catch {
      // Already stopped.
    }
    await rm(dir, { recursive: true, force: true });
  });
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, start, stop };
}

function startRedis(port, children) {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  children.push(child);
  return child;
}

async function waitForRedis(url) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  redis.on('error', () => undefined); // refused connections until the server is up are expected
  for (let attempt = 0; attempt < 100; attempt++) {
    if (
      await redis.ping().then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  redis.disconnect();
}

async function chat(replica, key) {
  const started = performance.now();
  try {
    const response = await fetch(`${replica.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
    });
    const body = await response.json().catch(() => null);
    const shaped =
      response.ok ||
      (body &&
        Object.keys(body).join() === 'error' &&
        Object.keys(body.error).sort().join() === 'code,message,param,type');
    return {
      status: response.status,
      code: response.ok ? null : (body?.error?.code ?? 'unshaped'),
      shaped: Boolean(shaped),
      requestId: response.headers.get('x-request-id'),
      ms: performance.now() - started,
    };
  } catch {
    return { status: 0, code: 'connection_error', shaped: false, requestId: null, ms: performance.now() - started };
  }
}

/**
 * 16 clients sending until `timeline` (which runs the fault and names the phases) has finished; each
 * answer is labelled with the phase its request started in.
 */
async function underLoad(replicas, key, timeline) {
  const results = [];
  let phase = 'before';
  let finished = false;
  let next = 0;
  const clients = Array.from({ length: 16 }, async () => {
    while (!finished) {
      const at = phase;
      results.push({ phase: at, ...(await chat(replicas[next++ % replicas.length], key)) });
    }
  });
  await timeline({ setPhase: (name) => (phase = name), results });
  finished = true;
  await Promise.all(clients);
  return results;
}

function summarize(results) {
  const lines = [];
  for (const phase of ['before', 'during', 'after']) {
    const inPhase = results.filter((result) => result.phase === phase);
    const tally = new Map();
    for (const { status, code } of inPhase)
      tally.set(`${status}${code ? ` ${code}` : ''}`, (tally.get(`${status}${code ? ` ${code}` : ''}`) ?? 0) + 1);
    const answers = [...tally].map(([what, n]) => `${n} × ${what}`).join(', ');
    lines.push(`  ${phase.padEnd(6)} ${inPhase.length} requests: ${answers}`);
  }
  return lines.join('\n');
}

function report(name, passed, detail) {
  console.log(`${passed ? 'PASS' : 'FAIL'}  ${name}${detail ? `: ${detail}` : ''}`);
  if (!passed) process.exitCode = 1;
}

async function quota(db, replicas, requests) {
  const account = await createAccount(db, { chatRequestsPerDay: 100 });
  const results = await Promise.all(
    Array.from({ length: requests }, (_, i) => chat(replicas[i % replicas.length], account.key)),
  );
  return results.filter((result) => result.status === 200).length;
}

await bounded('faults', 8, async (run) => {
  const port = basePort();
  const postgres = await startPrivatePostgres(port + 10, run.onClose);
  const redisUrl = `redis://127.0.0.1:${port + 11}`;
  let redis = startRedis(port + 11, run.children);
  await waitForRedis(redisUrl);
  const { createTestDatabase } = await import('@synthwell/db/testing');
  const database = await createTestDatabase(postgres.url);
  run.onClose(() => database.close());
  const upstream = await startFakeUpstream(run);
  await addFakeModels(database.db);
  const replicas = await Promise.all(
    [0, 1].map((index) =>
      startReplica({
        index,
        port: port + index,
        databaseUrl: database.url,
        redisUrl,
        baseURL: upstream.baseURL,
        scratch: run.scratch,
        env: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '2000', UPSTREAM_MAX_RETRIES: '1' },
      }),
    ),
  );
  run.children.push(...replicas.map((replica) => replica.child));
  const ready = async () =>
    Promise.all(
      replicas.map((r) =>
        fetch(`${r.url}/readyz`).then(
          (x) => x.status,
          () => 0,
        ),
      ),
    );
  console.log('# faults under load: 2 replicas, private PostgreSQL and Redis, 16 clients\n');

  if (scenarios.includes('redis')) {
    const { key } = await createAccount(database.db);
    let readiness = [];
    let duringOutage = 0;
    const results = await underLoad(replicas, key, async ({ setPhase }) => {
      await sleep(4_000);
      redis.kill('SIGKILL');
      await once(redis, 'exit');
      setPhase('during');
      await sleep(1_000);
      readiness = await ready();
      duringOutage = await quota(database.db, replicas, 600);
      await sleep(3_000);
      redis = startRedis(port + 11, run.children);
      await waitForRedis(redisUrl);
      setPhase('after');
      await sleep(6_000);
    });
    console.log('Redis killed under load, then started again');
    console.log(summarize(results));
    report(
      'no request failed while Redis was down',
      results.every((r) => r.status === 200),
    );
    report(
      'replicas stayed ready without Redis',
      readiness.every((s) => s === 200),
      `readyz ${readiness.join(', ')}`,
    );
    report(
      'without Redis each replica enforces limits alone (quota 100, 2 replicas: 100 to 200 admitted)',
      duringOutage >= 100 && duringOutage <= 200,
      `${duringOutage} admitted`,
    );
    await sleep(1_000);
    const after = await quota(database.db, replicas, 1000);
    report('with Redis back the quota is shared and exact again', after === 100, `${after} of 1,000 admitted`);
    console.log('');
  }

  if (scenarios.includes('postgres')) {
    const { key, userId } = await createAccount(database.db);
    let readiness = [];
    const results = await underLoad(replicas, key, async ({ setPhase }) => {
      await sleep(4_000);
      postgres.stop('immediate');
      setPhase('during');
      await sleep(2_000);
      readiness = await ready();
      await sleep(4_000);
      postgres.start();
      setPhase('after');
      await sleep(6_000);
    });
    console.log('PostgreSQL stopped (immediate mode) under load, then started again');
    console.log(summarize(results));
    const acknowledged = results.filter((r) => r.status === 200).map((r) => r.requestId);
    let recorded = new Set();
    for (let attempt = 0; attempt < 120; attempt++) {
      const events = await database.db.usageEvent.findMany({ where: { userId }, select: { requestId: true } });
      recorded = new Set(events.map((event) => event.requestId));
      if (acknowledged.every((id) => recorded.has(id))) break;
      await sleep(500);
    }
    const missing = acknowledged.filter((id) => !recorded.has(id));
    const daily = await database.db.usageDaily.aggregate({ where: { userId }, _sum: { requests: true } });
    report(
      'replicas reported not ready while PostgreSQL was down',
      readiness.every((s) => s === 503),
      `readyz ${readiness.join(', ')}`,
    );
    report(
      'every acknowledged request is metered once after PostgreSQL is back',
      missing.length === 0 && daily._sum.requests === recorded.size,
      `${acknowledged.length} acknowledged, ${recorded.size} usage records, ${missing.length} missing, rollup ${daily._sum.requests}`,
    );
    report(
      'errors while it was down are in the documented shape',
      results.every((r) => r.shaped),
    );
    report(
      'service resumed after the restart',
      results.filter((r) => r.phase === 'after').some((r) => r.status === 200),
    );
    console.log('');
  }

  for (const [name, fault] of [
    ['hang', { type: 'hang' }],
    ['garbage', { type: 'malformed_json' }],
  ]) {
    if (!scenarios.includes(name)) continue;
    const { key } = await createAccount(database.db);
    let recoveredAfter = null;
    const results = await underLoad(replicas, key, async ({ setPhase, results: seen }) => {
      await sleep(3_000);
      upstream.child.send({ failAlways: fault });
      await once(upstream.child, 'message');
      setPhase('during');
      await sleep(7_000);
      upstream.child.send({ failAlways: null });
      await once(upstream.child, 'message');
      setPhase('after');
      const cleared = performance.now();
      // The route's circuit breaker stays open for 30 s after it trips, then lets one trial through.
      while (performance.now() - cleared < 45_000) {
        if (seen.some((r) => r.phase === 'after' && r.status === 200)) {
          recoveredAfter = (performance.now() - cleared) / 1000;
          break;
        }
        await sleep(100);
      }
      await sleep(2_000);
    });
    console.log(`the upstream ${name === 'hang' ? 'hangs' : 'answers 200 with a body that is not JSON'}`);
    console.log(summarize(results));
    const during = results.filter((r) => r.phase === 'during');
    report(
      'errors are 5xx in the documented shape',
      during.every((r) => r.status === 200 || (r.status >= 500 && r.shaped)),
    );
    report(
      'service resumes once the upstream does and the circuit breaker lets a trial through',
      recoveredAfter !== null && results.slice(-50).every((r) => r.status === 200),
      recoveredAfter === null
        ? 'not within 45 s'
        : `first success ${recoveredAfter.toFixed(1)} s after the upstream recovered`,
    );
    console.log('');
  }
});
