import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { GatewayConfig } from '../config/env.js';
import { UsageLedger, type UsageRecord } from './usage-ledger.js';

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
  const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
    requestId: `req_ledger_${sequence++}`,
    userId,
    apiKeyId: null,
    feature: 'chat',
    model: 'sw-ngram-mini',
    provider: 'local',
    promptTokens: 10,
    completionTokens: 5,
    images: 0,
    records: 0,
    latencyMs: 3,
    status: 200,
    outcome: 'ok',
    createdAt: new Date('2026-11-26T10:00:00Z'),
    ...overrides,
  });
  /** A ledger on fake timers whose batch statements are counted (and still run). */
  const withCountedWrites = (instance: string) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counted = ledger(instance);
    const writes = vi.spyOn(counted as unknown as { write(json: Buffer): Promise<void> }, 'write');
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
