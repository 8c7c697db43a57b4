#!/usr/bin/env node
// Scale-out proof on one machine: N gateway replicas on loopback sharing one PostgreSQL and one Redis,
// in front of a fake OpenAI-compatible upstream, driven round-robin by a closed-loop client. Prints
// throughput and latency for each N, then checks that a daily quota and a per-minute limit stay exact
// across replicas, that every admitted request is metered exactly once, and how fast a plan change
// reaches every replica.
//
//   npm run build
//   REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
//     npm run scale-out -w @synthwell/infra -- --replicas 1,2,4 --seconds 10 --concurrency 64
//
// Without DATABASE_URL it serves an embedded PostgreSQL (PGlite) from a child process. Everything
// listens on 127.0.0.1 and the whole run is bounded by --max-minutes (default 5).
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  addFakeModels,
  basePort,
  bounded,
  cpuSeconds,
  createAccount,
  fail,
  openDatabase,
  quantile,
  rssMiB,
  startFakeUpstream,
  startReplica,
} from './lib/cluster.mjs';

async function main() {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', default: '1,2,4' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '64' },
      'max-minutes': { type: 'string', default: '5' },
    },
  });
  const counts = values.replicas.split(',').map(Number);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) fail('scale-out', 'REDIS_URL is required: replicas share limits and quotas through Redis.');
  if (!counts.every((n) => Number.isInteger(n) && n > 0)) fail('scale-out', '--replicas must be a list like 1,2,4');

  await bounded('scale-out', Number(values['max-minutes']), async (run) => {
    const database = await openDatabase(run);
    const upstream = await startFakeUpstream(run);
    await addFakeModels(database.db);
    const port = basePort();
    const replicas = await Promise.all(
      Array.from({ length: Math.max(...counts) }, (_, index) =>
        startReplica({
          index,
          port: port + index,
          databaseUrl: database.url,
          redisUrl,
          baseURL: upstream.baseURL,
          scratch: run.scratch,
        }),
      ),
    );
    run.children.push(...replicas.map((replica) => replica.child));

    console.log(`# scale-out on ${availableParallelism()} CPUs, ${database.kind} + Redis, ${concurrency} clients\n`);
    console.log(
      '| replicas | requests | errors | req/s | p50 ms | p99 ms | CPU used by replicas | by client + upstream |',
    );
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const count of counts) {
      const { key } = await createAccount(database.db);
      const targets = replicas.slice(0, count);
      await drive(targets, key, { seconds: 2, concurrency }); // warm-up: connections, JIT, caches
      const cpu = cpuMeter(
        targets.map((r) => r.child.pid),
        [upstream.child.pid],
      );
      const result = await drive(targets, key, { seconds, concurrency });
      const used = cpu.cores(seconds);
      console.log(
        `| ${count} | ${result.ok + result.errors} | ${result.errors} | ${(result.ok / seconds).toFixed(0)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${used.replicas.toFixed(2)} cores | ${used.others.toFixed(2)} cores |`,
      );
    }
    console.log(
      `\nload average after the runs: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    console.log(`replica memory (RSS, MiB): ${replicas.map((r) => rssMiB(r.child.pid).toFixed(0)).join(', ')}\n`);

    await checkQuota(database.db, replicas);
    await checkRateLimit(database.db, replicas);
    await checkPlanChange(database.db, replicas, redisUrl);
  });
}

/** CPU cores the replicas and everything else of the run (client, upstream) used over a period. */
function cpuMeter(replicaPids, otherPids) {
  const sum = (pids) => pids.reduce((total, pid) => total + cpuSeconds(pid), 0);
  const own = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const start = { replicas: sum(replicaPids), others: sum(otherPids) + own() };
  return {
    cores: (seconds) => ({
      replicas: (sum(replicaPids) - start.replicas) / seconds,
      others: (sum(otherPids) + own() - start.others) / seconds,
    }),
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const CHAT = (model) => JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 });

/** One chat request over a kept-alive connection: its status, error code and latency. */
function chat(replica, key, model = 'fake-chat') {
  const body = CHAT(model);
  const started = performance.now();
  return new Promise((done) => {
    const call = request(
      {
        agent,
        host: '127.0.0.1',
        port: replica.port,
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          let code = null;
          if (status !== 200) code = JSON.parse(Buffer.concat(chunks).toString()).error?.code ?? null;
          done({ status, code, ms: performance.now() - started });
        });
      },
    );
    call.on('error', () => done({ status: 0, code: 'connection_error', ms: performance.now() - started }));
    call.end(body);
  });
}

/** `concurrency` clients, each sending its next request as soon as the last answered, round-robin. */
async function drive(replicas, key, { seconds, concurrency }) {
  const stopAt = performance.now() + seconds * 1000;
  const latencies = [];
  let ok = 0;
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < stopAt) {
        const result = await chat(replicas[next++ % replicas.length], key);
        if (result.status === 200) {
          ok++;
          latencies.push(result.ms);
        } else errors++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ok, errors, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
}

/** 1,000 concurrent requests against a daily quota of 100, spread over every replica. */
async function checkQuota(db, replicas) {
  const { key, userId } = await createAccount(db, { chatRequestsPerDay: 100 });
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => chat(replicas[i % replicas.length], key)));
  const admitted = results.filter((r) => r.status === 200).length;
  const refused = results.filter((r) => r.status === 429 && r.code === 'quota_exceeded').length;
  const metered = await waitForUsage(db, userId, admitted);
  report(
    `daily quota 100, 1,000 concurrent requests on ${replicas.length} replicas`,
    admitted === 100 && refused === 900 && metered === 100,
    `${admitted} admitted, ${refused} refused with quota_exceeded, ${metered} usage records`,
  );
}

/** 200 concurrent requests against 30 requests per minute. */
async function checkRateLimit(db, replicas) {
  const { key } = await createAccount(db, { requestsPerMinute: 30 });
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => chat(replicas[i % replicas.length], key)));
  const admitted = results.filter((r) => r.status === 200).length;
  report(`30 requests per minute, 200 concurrent requests`, admitted === 30, `${admitted} admitted`);
}

/** Moves an account to Premium the way billing does (database, then an invalidation on Redis). */
async function checkPlanChange(db, replicas, redisUrl) {
  const { Redis } = await import('ioredis');
  const { key, userId } = await createAccount(db, {});
  const before = await Promise.all(replicas.map((replica) => chat(replica, key, 'fake-premium')));
  const premium = await db.plan.findUniqueOrThrow({ where: { slug: 'premium' } });
  await db.user.update({ where: { id: userId }, data: { compPlanId: premium.id } });
  const redis = new Redis(redisUrl);
  const started = performance.now();
  await redis.publish('sw:invalidate', JSON.stringify({ userId }));
  const reached = [];
  for (const replica of replicas) {
    while ((await chat(replica, key, 'fake-premium')).status !== 200) {
      if (performance.now() - started > 10_000) break;
    }
    reached.push(performance.now() - started);
  }
  redis.disconnect();
  const slowest = Math.max(...reached);
  report(
    'a plan change reaches every replica',
    before.every((r) => r.status === 403) && slowest < 5_000,
    `all ${replicas.length} replicas serve the premium model ${slowest.toFixed(0)} ms after the change`,
  );
}

/** Usage records are flushed in batches; waits (bounded) until the expected count is committed. */
async function waitForUsage(db, userId, expected) {
  const started = Date.now();
  let count = 0;
  while (Date.now() - started < 10_000) {
    count = await db.usageEvent.count({ where: { userId } });
    if (count >= expected) break;
    await new Promise((done) => setTimeout(done, 250));
  }
  return count;
}

function report(name, passed, detail) {
  console.log(`${passed ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
  if (!passed) process.exitCode = 1;
}

await main();
