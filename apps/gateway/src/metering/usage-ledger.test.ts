import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlOf } from '@synthwell/db';
import { createAccount, createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatewayConfig } from '../config/env.js';
import { UsageLedger, type UsageRecord } from './usage-ledger.js';
import { usageRecord } from './usage-record.fixture.js';

describe('the usage ledger', () => {
  let database: TestDatabase;
  let dir: string;
  let userId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'synthwell-journal-'));
    userId = (await createAccount(database.db)).user.id;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ledger = (instance: string) =>
    new UsageLedger(
      database.db,
      { METERING_FLUSH_MS: 10_000, USAGE_JOURNAL_DIR: dir, INSTANCE_ID: instance, GATEWAY_PORT: 0 } as GatewayConfig,
      pino({ level: 'silent' }),
    );
  let sequence = 0;
  const record = (overrides: Partial<UsageRecord> = {}): UsageRecord =>
    usageRecord({ requestId: `req_ledger_${sequence++}`, userId, ...overrides });
  /** A ledger on fake timers whose batch statements are counted (and still run). */
  const withCountedWrites = (instance: string) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counted = ledger(instance);
    const writes = vi.spyOn(counted as unknown as { write(batch: unknown): Promise<void> }, 'write');
    return { ledger: counted, writes };
  };
  /** Lets every callback the settled promises queued run: one turn of the event loop, not a delay. */
  const callbacksRun = () => new Promise((settled) => setImmediate(settled));
  const daily = (model: string) => database.db.usageDaily.findFirst({ where: { userId, model } });

  it('writes batches once each: events by request id, rollups by the newly inserted events only', async () => {
    const first = ledger('a');
    const records = Array.from({ length: 30 }, () => record({ model: 'batch-model' }));
    for (const item of records) first.record(item);
    await first.flush();
    // The same records again (a retried batch) change nothing.
    for (const item of records) first.record(item);
    await first.flush();
    expect(await database.db.usageEvent.count({ where: { model: 'batch-model' } })).toBe(30);
    expect(await daily('batch-model')).toMatchObject({ requests: 30, promptTokens: 300n, completionTokens: 150n });
    await first.onModuleDestroy();
  });

  it('writes a batch that repeats some requests once each, counting only the new ones', async () => {
    const live = ledger('f');
    const written = Array.from({ length: 20 }, () => record({ model: 'mixed-model' }));
    for (const item of written) live.record(item);
    await live.flush();
    const copy = vi.spyOn(live as unknown as { copy(json: Buffer): Promise<boolean> }, 'copy');
    // A batch whose first attempt committed but whose answer was lost, with newer records after it.
    for (const item of [...written, ...Array.from({ length: 5 }, () => record({ model: 'mixed-model' }))]) {
      live.record(item);
    }
    await live.flush();
    // On a PostgreSQL server, COPY refuses the batch and the idempotent statement writes it.
    if (database.kind === 'postgres') await expect(copy.mock.results[0]?.value).resolves.toBe(false);
    expect(await database.db.usageEvent.count({ where: { model: 'mixed-model' } })).toBe(25);
    expect(await daily('mixed-model')).toMatchObject({ requests: 25, promptTokens: 250n, completionTokens: 125n });
    await live.onModuleDestroy();
  });

  it('keeps every field as recorded, whatever characters the strings hold', async () => {
    const live = ledger('g');
    const odd = record({
      model: 'tab\there, new\nline, carriage\rreturn, back\\slash \\N, quote " and ünïcödé 🙂',
      provider: null,
      apiKeyId: 'key_x',
      outcome: 'client_closed',
      promptTokens: 2_000_000,
      createdAt: new Date('2026-11-26T23:59:59.999Z'),
    });
    // In a batch big enough to go by COPY on a PostgreSQL server.
    live.record(odd);
    for (let i = 0; i < 24; i++) live.record(record({ model: 'plain-model' }));
    await live.flush();
    const event = await database.db.usageEvent.findUniqueOrThrow({ where: { requestId: odd.requestId } });
    expect(event).toMatchObject({
      model: odd.model,
      provider: null,
      apiKeyId: 'key_x',
      outcome: 'client_closed',
      promptTokens: 2_000_000,
      createdAt: odd.createdAt,
    });
    const rollup = await daily(odd.model);
    expect(rollup?.day.toISOString()).toBe('2026-11-26T00:00:00.000Z');
    await live.onModuleDestroy();
  });

  it('writes fresh batches of 20 or more by COPY on a PostgreSQL server', async () => {
    const live = ledger('h');
    const copy = vi.spyOn(live as unknown as { copy(json: Buffer): Promise<boolean> }, 'copy');
    for (let i = 0; i < 3; i++) live.record(record({ model: 'copy-model' }));
    await live.flush();
    // A handful costs less by the one statement.
    expect(copy).not.toHaveBeenCalled();
    for (let i = 0; i < 30; i++) live.record(record({ model: 'copy-model', promptTokens: 1 }));
    await live.flush();
    expect(await database.db.usageEvent.count({ where: { model: 'copy-model' } })).toBe(33);
    expect(await daily('copy-model')).toMatchObject({ requests: 33, promptTokens: 60n });
    // PGlite has no COPY FROM STDIN: there every batch goes by the statement.
    if (database.kind === 'postgres') await expect(copy.mock.results[0]?.value).resolves.toBe(true);
    else expect(copy).not.toHaveBeenCalled();
    await live.onModuleDestroy();
  });

  it('deletes a user’s usage with the user', async () => {
    const leaving = (await createAccount(database.db)).user.id;
    const live = ledger('i');
    for (let i = 0; i < 30; i++) live.record(record({ model: 'leaving-model', userId: leaving }));
    live.record(record({ model: 'leaving-model' }));
    await live.flush();
    await database.db.user.delete({ where: { id: leaving } });
    expect(await database.db.usageEvent.count({ where: { userId: leaving } })).toBe(0);
    expect(await database.db.usageEvent.count({ where: { model: 'leaving-model' } })).toBe(1);
    await live.onModuleDestroy();
  });

  it.runIf(process.env.DATABASE_URL).each(['COPY', 'the idempotent statement'])(
    'leaves no usage behind for a user deleted while their batch waits for the user’s lock (%s)',
    async (path) => {
      const leaving = (await createAccount(database.db)).user.id;
      const live = ledger('j');
      if (path !== 'COPY') (live as unknown as { copies: Promise<boolean> }).copies = Promise.resolve(false);
      let flushed: Promise<void> | undefined;
      await sqlOf(database.db).transaction(async (deleter) => {
        await deleter.query('DELETE FROM users WHERE id = $1', [leaving]);
        for (let i = 0; i < 20; i++) live.record(record({ model: `race-model-${path}`, userId: leaving }));
        live.record(record({ model: `race-model-${path}` }));
        let done = false;
        flushed = live.flush().finally(() => {
          done = true;
        });
        // The batch's lock on the user waits for this delete's transaction to end.
        const lockWaits = async (): Promise<number> => {
          const { rows } = await deleter.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks waiting JOIN pg_locks held ON held.transactionid = waiting.transactionid
             WHERE NOT waiting.granted AND held.granted AND held.pid = pg_backend_pid()`,
          );
          return rows[0]?.n ?? 0;
        };
        while (!done && (await lockWaits()) === 0) await new Promise((next) => setImmediate(next));
      });
      await flushed;
      expect(await database.db.usageEvent.count({ where: { userId: leaving } })).toBe(0);
      expect(await database.db.usageEvent.count({ where: { model: `race-model-${path}` } })).toBe(1);
      expect(await database.db.usageDaily.count({ where: { userId: leaving } })).toBe(0);
      await live.onModuleDestroy();
    },
  );

  it('replays journaled records after a crash, exactly once, even if some were already committed', async () => {
    const crashed = ledger('b');
    const committed = Array.from({ length: 5 }, () => record({ model: 'crash-model' }));
    for (const item of committed) crashed.record(item);
    await crashed.flush();
    const unflushed = Array.from({ length: 7 }, () => record({ model: 'crash-model' }));
    for (const item of unflushed) crashed.record(item);
    // The process dies here: no flush, no shutdown hook. Simulate an older segment kept by a failed
    // release by re-journaling the committed ones too.
    for (const item of committed)
      (crashed as unknown as { journal: { append(line: string): void } }).journal.append(JSON.stringify(item));

    const restarted = ledger('b');
    await restarted.onModuleInit();
    expect(await database.db.usageEvent.count({ where: { model: 'crash-model' } })).toBe(12);
    expect((await daily('crash-model'))?.requests).toBe(12);
    // The journal is empty once the replay is committed; a second restart replays nothing.
    await restarted.onModuleDestroy();
    const again = ledger('b');
    await again.onModuleInit();
    expect((await daily('crash-model'))?.requests).toBe(12);
    await again.onModuleDestroy();
    expect((await readdir(dir)).filter((name) => name.startsWith('usage-b-'))).toEqual([]);
  });

  it('keeps records for a user deleted in the meantime out, without failing the batch', async () => {
    const live = ledger('c');
    live.record(record({ model: 'ghost-model', userId: 'usr_does_not_exist' }));
    live.record(record({ model: 'ghost-model' }));
    await live.flush();
    expect(await database.db.usageEvent.count({ where: { model: 'ghost-model' } })).toBe(1);
    await live.onModuleDestroy();
  });

  it('writes what arrives during a batch on the next tick of the timer, not straight after it', async () => {
    const { ledger: steady, writes } = withCountedWrites('d');
    steady.record(record({ model: 'steady-model' }));
    vi.advanceTimersByTime(10_000);
    expect(writes).toHaveBeenCalledTimes(1);
    // Traffic goes on while that batch is in flight.
    steady.record(record({ model: 'steady-model' }));
    steady.record(record({ model: 'steady-model' }));
    await writes.mock.results[0]?.value;
    await callbacksRun();
    // Under steady traffic, writing again at once would mean one statement per request or so.
    expect(writes).toHaveBeenCalledTimes(1);
    expect(steady.pending).toBe(2);
    vi.advanceTimersByTime(10_000);
    expect(writes).toHaveBeenCalledTimes(2);
    await steady.flush();
    expect(await database.db.usageEvent.count({ where: { model: 'steady-model' } })).toBe(3);
    await steady.onModuleDestroy();
  });

  it('writes at once, batch after batch, while whole batches are waiting', async () => {
    const { ledger: busy, writes } = withCountedWrites('e');
    for (let i = 0; i < 12_500; i++) busy.record(record({ model: 'busy-model' }));
    // The 5,000th record started a batch; the second whole batch follows it without the timer.
    expect(writes).toHaveBeenCalledTimes(1);
    await writes.mock.results[0]?.value;
    await callbacksRun();
    expect(writes).toHaveBeenCalledTimes(2);
    await writes.mock.results[1]?.value;
    await callbacksRun();
    expect(writes).toHaveBeenCalledTimes(2);
    expect(busy.pending).toBe(2_500);
    vi.advanceTimersByTime(10_000);
    await busy.flush();
    expect(writes).toHaveBeenCalledTimes(3);
    expect(await database.db.usageEvent.count({ where: { model: 'busy-model' } })).toBe(12_500);
    await busy.onModuleDestroy();
  });
});
