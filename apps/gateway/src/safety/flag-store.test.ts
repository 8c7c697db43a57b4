import type { Db } from '@synthwell/db';
import { createLogger } from '@synthwell/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GatewayConfig } from '../config/env.js';
import { MetricsService } from '../observability/metrics.service.js';
import { type FlagInput, FlagStore, MAX_BUFFERED_FLAGS } from './flag-store.js';

const flag = (n: number): FlagInput => ({
  requestId: `req_${n}`,
  userId: 'usr_1',
  plan: 'free',
  surface: 'prompt',
  category: 'violence/graphic',
  action: 'flag',
  score: 0.9,
  model: 'sw-ngram-mini',
});

/** A database whose safety_flags table can be taken down and brought back. */
function flakyDb() {
  const state = { down: false, written: [] as Array<{ requestId: string }> };
  const createMany = vi.fn(async ({ data }: { data: Array<{ requestId: string }> }) => {
    if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    state.written.push(...data);
    return { count: data.length };
  });
  return { state, createMany, db: { safetyFlag: { createMany } } as unknown as Db };
}

describe('FlagStore', () => {
  const stores: FlagStore[] = [];
  let metrics: MetricsService;
  const make = (db: Db) => {
    metrics = new MetricsService();
    const config = { SAFETY_FLAG_RETENTION_DAYS: 0 } as GatewayConfig;
    const store = new FlagStore(db, config, createLogger({ name: 'test', level: 'silent' }), metrics);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.onModuleDestroy();
  });

  it('writes a batch as soon as 100 flags are waiting, without waiting for the timer', () => {
    const { db, createMany } = flakyDb();
    const store = make(db);
    for (let i = 0; i < 99; i++) store.add(flag(i));
    expect(createMany).not.toHaveBeenCalled();
    store.add(flag(99));
    expect(createMany).toHaveBeenCalledTimes(1);
    expect(createMany.mock.calls[0]?.[0].data).toHaveLength(100);
  });

  it('never blocks while the database is down: the buffer is bounded, the oldest are dropped and counted', async () => {
    const { db, state } = flakyDb();
    const store = make(db);
    state.down = true;
    for (let i = 0; i < MAX_BUFFERED_FLAGS + 5; i++) store.add(flag(i));
    await expect(store.flush()).rejects.toThrow(/ECONNREFUSED/);
    expect(store.pending).toBe(MAX_BUFFERED_FLAGS);
    const dropped = await metrics.registry.getSingleMetric('synthwell_gateway_safety_flags_dropped_total')?.get();
    expect(dropped?.values).toEqual([expect.objectContaining({ labels: { reason: 'overflow' }, value: 5 })]);

    state.down = false;
    await store.flush();
    expect(store.pending).toBe(0);
    expect(state.written).toHaveLength(MAX_BUFFERED_FLAGS);
    expect(state.written[0]?.requestId).toBe('req_5');
    expect(new Set(state.written.map((row) => row.requestId)).size).toBe(MAX_BUFFERED_FLAGS);
  });

  it('counts what it could not write at shutdown', async () => {
    const { db, state } = flakyDb();
    const store = make(db);
    state.down = true;
    store.add(flag(1));
    store.add(flag(2));
    await store.onModuleDestroy();
    const dropped = await metrics.registry.getSingleMetric('synthwell_gateway_safety_flags_dropped_total')?.get();
    expect(dropped?.values).toEqual([expect.objectContaining({ labels: { reason: 'shutdown' }, value: 2 })]);
  });
});
