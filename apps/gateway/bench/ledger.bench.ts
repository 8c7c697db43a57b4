/**
 * `npm run bench:ledger`: what writing usage records costs PostgreSQL. The usage ledger (the gateway's
 * own class, src/metering/usage-ledger.ts) writes batches of 1, 10, 100 and 1,000 records into a
 * scratch database, and the CPU time of the server's backends for that database is read from /proc
 * before and after each series. A batch costs a fixed part per statement plus a part per record; both
 * are printed, and written to docs/benchmarks.md. Needs DATABASE_URL (a PostgreSQL server on this
 * machine); with PGlite there is no server process to measure.
 */
import { createDb } from '@synthwell/db';
import pino from 'pino';
import type { GatewayConfig } from '../src/config/env.js';
import { UsageLedger, type UsageRecord } from '../src/metering/usage-ledger.js';
import { cpuSpentUs, readCpu } from './load.js';
import { benchDatabase, prepareDatabase, writeBenchmarkSection } from './setup.js';

/** Batch size → how many batches of it are written (enough CPU time to read at /proc's 10 ms resolution). */
const SERIES: ReadonlyArray<readonly [number, number]> = [
  [1, 400],
  [10, 200],
  [100, 60],
  [1_000, 20],
];

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    console.log('bench:ledger needs DATABASE_URL: it measures the PostgreSQL server’s backends');
    return;
  }
  const database = await benchDatabase();
  await prepareDatabase(database.url);
  const db = createDb(database.url, { poolSize: 1 });
  const [user] = await db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM users LIMIT 1');
  if (!user) throw new Error('the bench database has no user');
  const ledger = new UsageLedger(
    db,
    { METERING_FLUSH_MS: 3_600_000, GATEWAY_PORT: 0 } as GatewayConfig,
    pino({ level: 'silent' }),
  );
  let sequence = 0;
  const record = (): UsageRecord => ({
    requestId: `req_bench_${Date.now().toString(36)}_${sequence++}`,
    userId: user.id,
    apiKeyId: 'key_bench_0123456789',
    feature: 'chat',
    model: 'bench-model',
    provider: 'mock',
    promptTokens: 14,
    completionTokens: 16,
    images: 0,
    records: 0,
    latencyMs: 1,
    status: 200,
    outcome: 'ok',
    createdAt: new Date(),
  });

  // The pool's connection is open (and its backend readable) once the first batch has gone.
  ledger.record(record());
  await ledger.flush();
  const backends = await database.pids();

  const rows: Array<{ size: number; batches: number; perBatchUs: number; wallMs: number }> = [];
  for (const [size, batches] of SERIES) {
    const before = readCpu(backends);
    let wall = 0;
    for (let batch = 0; batch < batches; batch++) {
      for (let i = 0; i < size; i++) ledger.record(record());
      const started = performance.now();
      await ledger.flush();
      wall += performance.now() - started;
    }
    const spent = cpuSpentUs(before, readCpu(backends));
    if (spent === null) throw new Error('the database backends’ CPU time could not be read from /proc');
    rows.push({ size, batches, perBatchUs: spent / batches, wallMs: wall / batches });
    console.log(
      `batch of ${size}: ${(spent / batches / 1000).toFixed(2)} ms of database CPU per batch, ${(spent / batches / size).toFixed(1)} µs per record`,
    );
  }
  await db.$disconnect();
  await database.drop();

  // A batch costs a + b·n: the largest and smallest batches give both.
  const small = rows[0];
  const large = rows[rows.length - 1];
  if (!small || !large) return;
  const perRecordUs = (large.perBatchUs - small.perBatchUs) / (large.size - small.size);
  const perStatementUs = small.perBatchUs - perRecordUs * small.size;
  const table = [
    `Run ${new Date().toISOString()}, PostgreSQL at DATABASE_URL on this machine.`,
    '',
    '| records per batch | batches | database CPU per batch ms | per record µs | wall time per batch ms |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.size} | ${row.batches} | ${(row.perBatchUs / 1000).toFixed(2)} | ${(row.perBatchUs / row.size).toFixed(1)} | ${row.wallMs.toFixed(2)} |`,
    ),
    '',
    `- A batch costs the database about ${(perStatementUs / 1000).toFixed(2)} ms of CPU per statement plus ${perRecordUs.toFixed(1)} µs per record.`,
    '',
  ].join('\n');
  console.log(`\n${table}`);

  const docs = await writeBenchmarkSection('ledger', 'Usage ledger', table);
  console.log(`wrote ${docs}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
