#!/usr/bin/env node
// Faults under load: 2 gateway replicas on a private PostgreSQL 15 and a private Redis (so nothing
// shared with other work is disturbed), 16 clients sending chat completions, and one fault at a time:
//   redis     Redis killed, then started again
//   postgres  PostgreSQL stopped in immediate mode (crash recovery at the next start), then started
//   hang      the upstream accepts requests and never answers
//   garbage   the upstream answers 200 with a body that is not JSON
//   worker    a synthetic-data worker process killed (SIGKILL) mid-job; another resumes it, then it restarts
//   billing   billing killed while the gateway serves, then started again
// Prints the answers before, during and after each fault and checks the documented behaviour:
// limits fail open per replica without Redis and are shared again after it; every acknowledged usage
// record reaches PostgreSQL exactly once after it comes back; upstream faults are clean 5xx errors in
// the documented shape, and service resumes when the upstream does; a killed worker's job ends with
// exactly the records asked for, metered once, and nothing it journaled is lost; the gateway serves
// API keys and session tokens without billing.
//
//   npm run build && npm run faults -w @synthwell/infra             (as root or as the postgres user)
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  addFakeModels,
  basePort,
  bounded,
  createAccount,
  givePlan,
  startBilling,
  startFakeUpstream,
  startReplica,
  startWorker,
} from './lib/cluster.mjs';

const { values } = parseArgs({
  options: { only: { type: 'string', default: 'redis,postgres,hang,garbage,worker,billing' } },
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
 * answer is labelled with the phase its request started in. Clients take turns with `credentials`
 * (one API key, or several keys and session tokens).
 */
async function underLoad(replicas, credentials, timeline) {
  const keys = [credentials].flat();
  const results = [];
  let phase = 'before';
  let finished = false;
  let next = 0;
  const clients = Array.from({ length: 16 }, async (_, client) => {
    while (!finished) {
      const at = phase;
      const credential = client % keys.length;
      results.push({ phase: at, credential, ...(await chat(replicas[next++ % replicas.length], keys[credential])) });
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

/** Waits (up to a minute) for every acknowledged chat request of `userId` to reach usage_events and the rollup. */
async function meteredOnce(db, userId, results) {
  const acknowledged = results.filter((r) => r.status === 200).map((r) => r.requestId);
  let recorded = new Set();
  for (let attempt = 0; attempt < 120; attempt++) {
    const events = await db.usageEvent.findMany({ where: { userId, feature: 'chat' }, select: { requestId: true } });
    recorded = new Set(events.map((event) => event.requestId));
    if (acknowledged.every((id) => recorded.has(id))) break;
    await sleep(500);
  }
  const missing = acknowledged.filter((id) => !recorded.has(id));
  const daily = await db.usageDaily.aggregate({ where: { userId, feature: 'chat' }, _sum: { requests: true } });
  return {
    passed: missing.length === 0 && daily._sum.requests === recorded.size,
    detail: `${acknowledged.length} acknowledged, ${recorded.size} usage records, ${missing.length} missing, rollup ${daily._sum.requests}`,
  };
}

/** Records of this size keep a synthetic job on the offline model busy for long enough to kill its worker mid-way. */
const JOB_RECORDS = 300;
/** Short, so the killed worker's job is handed on within seconds (the default is 30 s). */
const WORKER_LOCK_MS = 5_000;
const SEEDS = [
  { data: { instruction: 'Describe how a jury reaches a verdict.', response: 'The jurors discuss the evidence.' } },
  { data: { instruction: 'Explain why cities grew near rivers.', response: 'Rivers carried goods and water.' } },
  { data: { instruction: 'Summarise the duties of a county clerk.', response: 'The clerk keeps public records.' } },
];

async function api(replica, key, path, init = {}) {
  const response = await fetch(`${replica.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** Reads a synthetic job every 100 ms until `done(job)` holds or `ms` pass; resolves to the last reading. */
async function watchJob(replica, key, id, done, ms) {
  const started = performance.now();
  let job = null;
  do {
    const read = await api(replica, key, `/v1/synthetic/jobs/${id}`);
    if (read.status === 200) {
      job = read.body;
      if (done(job)) return job;
    }
    await sleep(100);
  } while (performance.now() - started < ms);
  return job;
}

const ended = (job) => !['queued', 'running'].includes(job.status);

/** The request ids of every usage record in a process's journal segments. */
function journaledRequestIds(dir, prefix) {
  const ids = new Set();
  for (const name of readdirSync(dir).filter((candidate) => candidate.startsWith(prefix))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      try {
        if (line) ids.add(JSON.parse(line).requestId);
      } catch {
        // A torn last line: its request never got an answer.
      }
    }
  }
  return ids;
}

/** The web app's side of billing's tRPC API: one browser, its session cookie and CSRF token. */
function billingBrowser(baseUrl) {
  let cookie = null;
  let csrf = null;
  return {
    async call(type, path, input) {
      const headers = cookie ? { cookie } : {};
      const response =
        type === 'query'
          ? await fetch(
              `${baseUrl}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
              { headers },
            )
          : await fetch(`${baseUrl}/trpc/${path}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
              body: input === undefined ? undefined : JSON.stringify(input),
            });
      const session = response.headers.getSetCookie().find((value) => value.startsWith('sw_session='));
      if (session) cookie = session.split(';')[0];
      const body = await response.json();
      if (body.error) throw new Error(`billing ${path} answered ${response.status}: ${body.error.message}`);
      const data = body.result.data;
      if (typeof data?.csrfToken === 'string') csrf = data.csrfToken;
      return data;
    },
  };
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
        // Synthetic jobs run in worker processes (the `worker` fault), not in the replicas.
        env: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '2000', UPSTREAM_MAX_RETRIES: '1', SYNTHETIC_WORKERS: '0' },
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
    const metered = await meteredOnce(database.db, userId, results);
    report(
      'replicas reported not ready while PostgreSQL was down',
      readiness.every((s) => s === 503),
      `readyz ${readiness.join(', ')}`,
    );
    report('every acknowledged request is metered once after PostgreSQL is back', metered.passed, metered.detail);
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

  if (scenarios.includes('worker')) {
    const owner = await createAccount(database.db);
    const { key } = await createAccount(database.db);
    const journalDir = join(run.scratch, 'journal');
    const spawnWorker = async (index) => {
      const worker = await startWorker({
        index,
        healthPort: port + 30 + index,
        databaseUrl: database.url,
        redisUrl,
        scratch: run.scratch,
        env: {
          LOCAL_MODELS: 'true',
          MODEL_CACHE_DIR: join(tmpdir(), 'synthwell-faults-models'),
          LOCAL_TRAINING_FILES: '40',
          SYNTHETIC_LOCK_MS: String(WORKER_LOCK_MS),
        },
      });
      run.children.push(worker.child);
      return worker;
    };
    let victim = await spawnWorker(0);
    let job = null;
    let atKill = null;
    let committedAtKill = [];
    let journaled = new Set();
    let finished = null;
    let finishedAfter = null;
    const results = await underLoad(replicas, key, async ({ setPhase }) => {
      await sleep(2_000);
      const submitted = await api(replicas[0], owner.key, '/v1/synthetic/jobs', {
        method: 'POST',
        body: JSON.stringify({ task: 'instruction', model: 'sw-ngram-mini', count: JOB_RECORDS, seeds: SEEDS }),
      });
      if (submitted.status !== 200)
        throw new Error(`job submission: ${submitted.status} ${JSON.stringify(submitted.body)}`);
      job = submitted.body;
      // The second worker joins only once the first has the job under way, so the job is the victim's.
      await watchJob(replicas[0], owner.key, job.id, (j) => j.progress?.kept > 0 || ended(j), 120_000);
      await spawnWorker(1);
      atKill = await watchJob(replicas[0], owner.key, job.id, () => true, 0);
      committedAtKill = await database.db.syntheticRecord.findMany({
        where: { jobId: job.id },
        select: { id: true, seq: true },
      });
      victim.child.kill('SIGKILL');
      await once(victim.child, 'exit');
      journaled = journaledRequestIds(journalDir, victim.journalPrefix);
      setPhase('during');
      const killed = performance.now();
      finished = await watchJob(replicas[1], owner.key, job.id, ended, 300_000);
      finishedAfter = (performance.now() - killed) / 1000;
      // The kubelet restarts the killed container: same INSTANCE_ID and journal, which it replays.
      victim = await spawnWorker(0);
      setPhase('after');
      await sleep(4_000);
    });
    console.log('a synthetic-data worker killed (SIGKILL) mid-job under chat load; another worker resumes it');
    console.log(summarize(results));
    report(
      'chat was served throughout',
      results.every((r) => r.status === 200),
    );
    report(
      'the job was under way on the killed worker',
      atKill?.status === 'running' && atKill.progress.kept > 0 && atKill.progress.kept < JOB_RECORDS,
      `${atKill?.progress?.kept} of ${JOB_RECORDS} records kept at the kill`,
    );
    report(
      'another worker finished it with exactly the records asked for',
      finished?.status === 'succeeded' && finished.progress.kept === JOB_RECORDS,
      `${finished?.status}, ${finished?.progress?.kept} kept, ${finishedAfter?.toFixed(1)} s after the kill`,
    );
    const records = await database.db.syntheticRecord.findMany({
      where: { jobId: job.id },
      orderBy: { seq: 'asc' },
      select: { id: true, seq: true },
    });
    report(
      'no seq twice or missing; what was committed before the kill is untouched',
      records.length === JOB_RECORDS &&
        records.every((record, index) => record.seq === index) &&
        committedAtKill.every((record) => records[record.seq]?.id === record.id),
      `${records.length} records, ${committedAtKill.length} of them committed before the kill`,
    );
    let missing = [...journaled];
    for (let attempt = 0; attempt < 60 && missing.length > 0; attempt++) {
      const found = await database.db.usageEvent.findMany({
        where: { requestId: { in: missing } },
        select: { requestId: true },
      });
      const stored = new Set(found.map((event) => event.requestId));
      missing = missing.filter((id) => !stored.has(id));
      if (missing.length > 0) await sleep(500);
    }
    report(
      'every usage record the killed worker journaled is in PostgreSQL after its restart',
      missing.length === 0,
      `${journaled.size} journaled, ${missing.length} missing`,
    );
    const jobUsage = await database.db.usageEvent.findMany({ where: { requestId: job.id } });
    const rollup = await database.db.usageDaily.aggregate({
      where: { userId: owner.userId, feature: 'synthetic' },
      _sum: { records: true },
    });
    const quota = (await api(replicas[0], owner.key, '/v1/usage')).body?.daily?.synthetic_records?.used;
    report(
      'the records are metered once: one usage record, the daily rollup and the quota counter',
      jobUsage.length === 1 &&
        jobUsage[0].records === JOB_RECORDS &&
        rollup._sum.records === JOB_RECORDS &&
        quota === JOB_RECORDS,
      `usage record ${jobUsage[0]?.records}, rollup ${rollup._sum.records}, quota counter ${quota}`,
    );
    report('the restarted worker is ready again', (await fetch(`${victim.url}/readyz`).then((r) => r.status)) === 200);
    console.log('');
  }

  if (scenarios.includes('billing')) {
    const start = async () => {
      const started = await startBilling({
        port: port + 20,
        standinPort: port + 21,
        databaseUrl: database.url,
        redisUrl,
      });
      run.children.push(started.child);
      return started;
    };
    let billing = await start();
    const browser = billingBrowser(billing.url);
    const { user } = await browser.call('mutation', 'auth.signUp', {
      email: `faults-${Date.now()}@test.synthwell.local`,
      password: 'correct horse battery staple',
    });
    await givePlan(database.db, user.id); // Free would stop the load at 20 requests a minute
    const { key } = await browser.call('mutation', 'keys.create', { name: 'load' });
    const { key: spare } = await browser.call('mutation', 'keys.create', { name: 'first used while billing is down' });
    const { token } = await browser.call('mutation', 'auth.sessionToken');
    let billingDown = false;
    let readiness = [];
    let spareAnswer = null;
    let signedIn = false;
    let freshTokenAnswer = null;
    const results = await underLoad(replicas, [key, token], async ({ setPhase }) => {
      await sleep(4_000);
      billing.child.kill('SIGKILL');
      await once(billing.child, 'exit');
      setPhase('during');
      billingDown = await fetch(`${billing.url}/healthz`).then(
        () => false,
        () => true,
      );
      readiness = await ready();
      spareAnswer = await chat(replicas[0], spare);
      await sleep(6_000);
      billing = await start();
      setPhase('after');
      signedIn = (await browser.call('query', 'auth.session'))?.user?.id === user.id;
      const fresh = await browser.call('mutation', 'auth.sessionToken');
      freshTokenAnswer = await chat(replicas[1], fresh.token);
      await sleep(4_000);
    });
    console.log('billing killed (SIGKILL) while the gateway serves an API key and a session token, then started again');
    console.log(summarize(results));
    report('billing was unreachable during the outage', billingDown);
    report(
      'every chat request was answered 200, by API key and by session token alike',
      results.every((r) => r.status === 200),
      `${results.filter((r) => r.credential === 0).length} by API key, ${results.filter((r) => r.credential === 1).length} by session token`,
    );
    report(
      'the gateway stayed ready',
      readiness.every((s) => s === 200),
      `readyz ${readiness.join(', ')}`,
    );
    report('a key first used while billing was down worked (read from PostgreSQL)', spareAnswer?.status === 200);
    const metered = await meteredOnce(database.db, user.id, results);
    report('every acknowledged request is metered once', metered.passed, metered.detail);
    report(
      'after the restart the browser is still signed in and a new session token works',
      signedIn && freshTokenAnswer?.status === 200,
    );
    console.log('');
  }
});
