#!/usr/bin/env node
// Soak: mixed traffic against gateway replicas sharing one PostgreSQL and one Redis for --minutes,
// with each replica's memory sampled. Chat (plain and streamed, on a fake upstream and on the offline
// n-gram model), images, usage and model reads from several clients; synthetic-data jobs one after
// another; an API key replaced every 20 s, the old one revoked and then probed. Prints the figures and
// exits 1 on any error beyond the probes of revoked keys (which must be refused).
//
//   npm run build
//   REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     npm run soak -w @synthwell/infra -- --minutes 10
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  addFakeModels,
  basePort,
  bounded,
  createAccount,
  fail,
  openDatabase,
  quantile,
  rssMiB,
  startFakeUpstream,
  startReplica,
} from './lib/cluster.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '8' },
    'sample-seconds': { type: 'string', default: '10' },
  },
});
const minutes = Number(values.minutes);
const replicaCount = Number(values.replicas);
const concurrency = Number(values.concurrency);
const sampleMs = Number(values['sample-seconds']) * 1000;
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) fail('soak', 'REDIS_URL is required.');

const SEEDS = [
  { data: { instruction: 'Describe how a jury reaches a verdict.', response: 'The jurors discuss the evidence.' } },
  { data: { instruction: 'Explain why cities grew near rivers.', response: 'Rivers carried goods and water.' } },
  { data: { instruction: 'Summarise the duties of a county clerk.', response: 'The clerk keeps public records.' } },
];
const message = [{ role: 'user', content: 'Tell me about the river.' }];

/** The traffic mix: what each client request is, by weight. */
const MIX = [
  { kind: 'chat', weight: 40, path: '/v1/chat/completions', body: { model: 'fake-chat', messages: message } },
  {
    kind: 'chat stream',
    weight: 20,
    path: '/v1/chat/completions',
    body: { model: 'fake-chat', messages: message, stream: true, stream_options: { include_usage: true } },
  },
  {
    kind: 'chat offline model',
    weight: 15,
    path: '/v1/chat/completions',
    body: { model: 'sw-ngram-mini', messages: message, max_tokens: 32 },
  },
  {
    kind: 'image',
    weight: 10,
    path: '/v1/images/generations',
    body: { prompt: 'a lighthouse at dusk', size: '256x256' },
  },
  { kind: 'usage', weight: 10, path: '/v1/usage' },
  { kind: 'models', weight: 5, path: '/v1/models' },
];
const totalWeight = MIX.reduce((sum, item) => sum + item.weight, 0);

function pick() {
  let roll = Math.random() * totalWeight;
  for (const item of MIX) {
    roll -= item.weight;
    if (roll < 0) return item;
  }
  return MIX[0];
}

const stats = new Map(); // kind → { latencies, statuses: Map<status, n> }
/** Requests the content policy refused (the offline models write whatever their corpus suggests). */
const policyRefusals = new Map();
/** The first error body of each kind and status, to say what went wrong. */
const firstErrors = new Map();
function record(kind, status, ms, body = '') {
  const entry = stats.get(kind) ?? { latencies: [], statuses: new Map() };
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  if (status < 400 && status !== 0) entry.latencies.push(ms);
  else if (!firstErrors.has(`${kind} ${status}`)) firstErrors.set(`${kind} ${status}`, body.slice(0, 300));
  stats.set(kind, entry);
}

async function call(replica, key, item) {
  const started = performance.now();
  try {
    const response = await fetch(`${replica.url}${item.path}`, {
      method: item.body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${key()}`, 'content-type': 'application/json' },
      ...(item.body ? { body: JSON.stringify(item.body) } : {}),
    });
    const text = await response.text();
    // The content policy refusing what the offline model wrote is the product working, not a failure.
    if (response.status === 400 && text.includes('"content_policy_violation"')) {
      policyRefusals.set(item.kind, (policyRefusals.get(item.kind) ?? 0) + 1);
      return;
    }
    // A stream that ends without [DONE] was cut: count it as a failure of its own.
    const status = item.body?.stream && response.ok && !text.trimEnd().endsWith('data: [DONE]') ? 599 : response.status;
    record(item.kind, status, performance.now() - started, text);
  } catch (error) {
    record(item.kind, 0, performance.now() - started, String(error));
  }
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

await bounded('soak', minutes + 3, async (run) => {
  const database = await openDatabase(run);
  const upstream = await startFakeUpstream(run);
  await addFakeModels(database.db);
  const port = basePort();
  const replicas = [];
  for (let index = 0; index < replicaCount; index++) {
    // One at a time: the first trains the offline models into the shared cache, the others load them.
    const replica = await startReplica({
      index,
      port: port + index,
      databaseUrl: database.url,
      redisUrl,
      baseURL: upstream.baseURL,
      scratch: run.scratch,
      env: { LOCAL_MODELS: 'true', MODEL_CACHE_DIR: join(tmpdir(), 'synthwell-soak-models'), SYNTHETIC_WORKERS: '1' },
    });
    run.children.push(replica.child);
    replicas.push(replica);
  }

  const { createApiKey } = await import('@synthwell/db/testing');
  const account = await createAccount(database.db, { concurrentSyntheticJobs: 1 });
  let currentKey = account.key;
  const key = () => currentKey;
  const stopAt = Date.now() + minutes * 60_000;
  const running = () => Date.now() < stopAt;
  let next = 0;

  const clients = Array.from({ length: concurrency }, async () => {
    while (running()) await call(replicas[next++ % replicas.length], key, pick());
  });

  const jobs = { succeeded: 0, other: 0, records: 0 };
  const syntheticLoop = (async () => {
    while (running()) {
      const replica = replicas[next++ % replicas.length];
      const submitted = performance.now();
      const response = await fetch(`${replica.url}/v1/synthetic/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ task: 'instruction', model: 'sw-ngram-mini', count: 6, seeds: SEEDS }),
      });
      const job = await response.json();
      record('synthetic submit', response.status, performance.now() - submitted, JSON.stringify(job));
      if (!response.ok) continue;
      let status = job.status;
      while (status === 'queued' || status === 'running') {
        await sleep(500);
        const read = await fetch(`${replica.url}/v1/synthetic/jobs/${job.id}`, {
          headers: { authorization: `Bearer ${key()}` },
        });
        const body = await read.json();
        status = body.status;
        if (status === 'succeeded') jobs.records += body.progress?.kept ?? 0;
      }
      if (status === 'succeeded') jobs.succeeded++;
      else jobs.other++;
    }
  })();

  const churn = { rotations: 0, refused: 0, accepted: 0 };
  const churnLoop = (async () => {
    while (running()) {
      await sleep(20_000);
      if (!running()) break;
      const old = { key: currentKey, id: account.keyId };
      const fresh = await createApiKey(database.db, account.userId);
      currentKey = fresh.key;
      account.keyId = fresh.apiKey.id;
      await sleep(1_000);
      await database.db.apiKey.update({ where: { id: old.id }, data: { revokedAt: new Date() } });
      churn.rotations++;
      // Past the 5 s key cache, every replica must refuse the revoked key.
      await sleep(5_500);
      for (const replica of replicas) {
        const probe = await fetch(`${replica.url}/v1/models`, { headers: { authorization: `Bearer ${old.key}` } });
        await probe.arrayBuffer();
        if (probe.status === 401) churn.refused++;
        else churn.accepted++;
      }
    }
  })();

  const samples = replicas.map(() => []);
  const sampler = (async () => {
    const started = Date.now();
    while (running()) {
      replicas.forEach((replica, i) => {
        samples[i].push([(Date.now() - started) / 60_000, rssMiB(replica.child.pid)]);
      });
      await sleep(sampleMs);
    }
  })();

  await Promise.all([...clients, syntheticLoop, churnLoop, sampler]);
  const died = replicas.filter((replica) => replica.child.exitCode !== null || replica.child.signalCode !== null);

  console.log(`# soak: ${minutes} min, ${replicaCount} replicas, ${concurrency} clients, ${database.kind} + Redis\n`);
  console.log('| traffic | requests | errors | p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  let errors = 0;
  for (const [kind, entry] of stats) {
    const total = [...entry.statuses.values()].reduce((sum, n) => sum + n, 0);
    const failed = [...entry.statuses].filter(([status]) => status >= 400 || status === 0);
    const failedCount = failed.reduce((sum, [, n]) => sum + n, 0);
    errors += failedCount;
    entry.latencies.sort((a, b) => a - b);
    const detail = failed.length ? ` (${failed.map(([s, n]) => `${n} × ${s}`).join(', ')})` : '';
    console.log(
      `| ${kind} | ${total} | ${failedCount}${detail} | ${quantile(entry.latencies, 0.5).toFixed(1)} | ${quantile(entry.latencies, 0.99).toFixed(1)} |`,
    );
  }
  for (const [kind, n] of policyRefusals) console.log(`\n${kind}: ${n} refused by the content policy (not counted)`);
  for (const [what, body] of firstErrors) console.log(`\nfirst ${what}: ${body}`);
  console.log(`\nsynthetic jobs: ${jobs.succeeded} succeeded (${jobs.records} records), ${jobs.other} did not`);
  console.log(
    `key churn: ${churn.rotations} rotations; revoked keys refused ${churn.refused} times, accepted ${churn.accepted}`,
  );
  console.log('\n| replica | RSS at 1 min | at the end | max | trend over the second half |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  samples.forEach((series, i) => {
    const after = series.find(([t]) => t >= 1) ?? series[0];
    const half = series.filter(([t]) => t >= minutes / 2);
    console.log(
      `| ${i} | ${after[1].toFixed(0)} MiB | ${series.at(-1)[1].toFixed(0)} MiB | ${Math.max(...series.map(([, m]) => m)).toFixed(0)} MiB | ${slope(half).toFixed(2)} MiB/min |`,
    );
  });
  const passed = errors === 0 && jobs.other === 0 && churn.accepted === 0 && died.length === 0;
  console.log(`\n${passed ? 'PASS' : 'FAIL'}: ${errors} errors, ${died.length} replicas died`);
  if (!passed) process.exitCode = 1;
});

/** Least-squares slope of [x, y] points. */
function slope(points) {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}
