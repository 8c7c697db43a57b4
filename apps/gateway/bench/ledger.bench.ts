/**
 * `npm run bench:ledger`: what writing usage records costs PostgreSQL. The usage ledger (the gateway's
 * own class, src/metering/usage-ledger.ts) writes batches of 1 to 5,000 records into a scratch
 * database, and the CPU time of the server's backends for that database is read from /proc before
 * and after each series. Each series runs for both ways the ledger writes a batch, alternately:
 * COPY (what a PostgreSQL server gets) and the idempotent statement (what the embedded database gets,
 * and a batch that repeats a request). A batch costs a fixed part plus a part per record; both are
 * printed, and written to docs/benchmarks.md. Needs DATABASE_URL (a PostgreSQL server on this
 * machine); with PGlite there is no server process to measure.
 */
import { createDb } from '@synthwell/db';
import pino from 'pino';
import type { GatewayConfig } from '../src/config/env.js';
import { COPY_FROM, UsageLedger, type UsageRecord } from '../src/metering/usage-ledger.js';
import { cpuSpentUs, readCpu } from './load.js';
import { benchDatabase, prepareDatabase, writeBenchmarkSection } from './setup.js';

/** Batch size → how many batches of it are written (enough CPU time to read at /proc's 10 ms resolution). */
const SERIES: ReadonlyArray<readonly [number, number]> = [
  [1, 400],
  [10, 200],
  [100, 60],
  [1_000, 20],
  [5_000, 6],
];
/** Each series runs this many times for each way of writing, the two alternating. */
const ROUNDS = 2;

type Path = 'COPY' | 'statement';

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
  const ledgerFor = (path: Path): UsageLedger => {
    const ledger = new UsageLedger(
      db,
      { METERING_FLUSH_MS: 3_600_000, GATEWAY_PORT: 0 } as GatewayConfig,
      pino({ level: 'silent' }),
    );
    // The ledger asks the server once whether it can COPY; the statement path is told it cannot.
    if (path === 'statement') (ledger as unknown as { copies: Promise<boolean> }).copies = Promise.resolve(false);
    return ledger;
  };
  const ledgers: Record<Path, UsageLedger> = { COPY: ledgerFor('COPY'), statement: ledgerFor('statement') };
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
  for (const ledger of Object.values(ledgers)) {
    ledger.record(record());
    await ledger.flush();
  }
  const backends = await database.pids();

  interface Row {
    path: Path;
    size: number;
    batches: number;
    perBatchUs: number;
    wallMs: number;
  }
  const rows: Row[] = [];
  for (const [size, batches] of SERIES) {
    const spent: Record<Path, { cpuUs: number; wallMs: number }> = {
      COPY: { cpuUs: 0, wallMs: 0 },
      statement: { cpuUs: 0, wallMs: 0 },
    };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Path[] = round % 2 === 0 ? ['COPY', 'statement'] : ['statement', 'COPY'];
      for (const path of order) {
        const ledger = ledgers[path];
        const before = readCpu(backends);
        for (let batch = 0; batch < batches; batch++) {
          for (let i = 0; i < size; i++) ledger.record(record());
          const started = performance.now();
          await ledger.flush();
          spent[path].wallMs += performance.now() - started;
        }
        const cpuUs = cpuSpentUs(before, readCpu(backends));
        if (cpuUs === null) throw new Error('the database backends’ CPU time could not be read from /proc');
        spent[path].cpuUs += cpuUs;
      }
    }
    for (const path of ['COPY', 'statement'] as const) {
      const total = batches * ROUNDS;
      const row = {
        path,
        size,
        batches: total,
        perBatchUs: spent[path].cpuUs / total,
        wallMs: spent[path].wallMs / total,
      };
      rows.push(row);
      console.log(
        `${path}, batch of ${size}: ${(row.perBatchUs / 1000).toFixed(2)} ms of database CPU per batch, ${(row.perBatchUs / size).toFixed(1)} µs per record`,
      );
    }
  }
  await db.$disconnect();
  await database.drop();

  // A batch costs a + b·n; from 100 records up both series are one way of writing each, so the batches
  // of 100 and the largest give both parts.
  const fit = (path: Path) => {
    const series = rows.filter((row) => row.path === path && row.size >= 100);
    const small = series[0] as Row;
    const large = series[series.length - 1] as Row;
    const perRecordUs = (large.perBatchUs - small.perBatchUs) / (large.size - small.size);
    return { perRecordUs, perBatchUs: small.perBatchUs - perRecordUs * small.size };
  };
  const copy = fit('COPY');
  const statement = fit('statement');
  const table = [
    `Run ${new Date().toISOString()}, PostgreSQL at DATABASE_URL on this machine; ${ROUNDS} alternated runs of each series.`,
    '',
    '| records per batch | written by | batches | database CPU per batch ms | per record µs | wall time per batch ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.size} | ${row.path === 'statement' ? 'statement' : row.size < COPY_FROM ? 'the ledger (statement)' : 'the ledger (COPY)'} | ${row.batches} | ${(row.perBatchUs / 1000).toFixed(2)} | ${(row.perBatchUs / row.size).toFixed(1)} | ${row.wallMs.toFixed(2)} |`,
    ),
    '',
    `- By COPY (the ledger's way from ${COPY_FROM} records up), a batch costs the database about ${(copy.perBatchUs / 1000).toFixed(2)} ms of CPU plus ${copy.perRecordUs.toFixed(1)} µs per record.`,
    `- By the idempotent statement, about ${(statement.perBatchUs / 1000).toFixed(2)} ms plus ${statement.perRecordUs.toFixed(1)} µs per record.`,
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
