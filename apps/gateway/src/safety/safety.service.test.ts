import type { Db } from '@synthwell/db';
import { createLogger } from '@synthwell/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../config/env.js';
import type { Caller } from '../core/caller.js';
import { MetricsService } from '../observability/metrics.service.js';
import { type FlagInput, FlagStore } from './flag-store.js';
import { PolicyStore } from './policy.js';
import type { PolicySync } from './policy-sync.js';
import { SafetyService } from './safety.service.js';
import { UpstreamModeration } from './upstream-moderation.service.js';

const caller: Caller = {
  userId: 'usr_1',
  apiKeyId: 'key_1',
  role: 'user',
  plan: {
    id: 'pln_free',
    slug: 'free',
    name: 'Free',
    version: 1,
    modelTiers: ['standard'],
    requestsPerMinute: 60,
    tokensPerMinute: 100_000,
    chatRequestsPerDay: 100,
    imagesPerDay: 10,
    syntheticRecordsPerDay: 1_000,
    concurrentSyntheticJobs: 1,
    queuePriority: 1,
  },
};

describe('SafetyService.checkInputs', () => {
  const stores: FlagStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.onModuleDestroy();
  });

  /** The service with the built-in policy, no upstream moderation, and flags written to `written`. */
  function service() {
    const written: FlagInput[] = [];
    const createMany = async ({ data }: { data: FlagInput[] }) => {
      written.push(...data);
      return { count: data.length };
    };
    const db = { safetyFlag: { createMany } } as unknown as Db;
    const config = { SAFETY_FLAG_RETENTION_DAYS: 0 } as GatewayConfig;
    const logger = createLogger({ name: 'test', level: 'silent' });
    const metrics = new MetricsService();
    const flags = new FlagStore(db, config, logger, metrics);
    stores.push(flags);
    const sync = { store: new PolicyStore() } as PolicySync;
    const safety = new SafetyService(logger, metrics, sync, flags, new UpstreamModeration(config, logger, metrics));
    return { safety, flags, written };
  }

  it('records the decisions of every input, those after a blocked one too, then refuses with the first block', async () => {
    const { safety, flags, written } = service();
    const seeds = [
      'A note about rivers and the towns that grew beside them.',
      'refugees are vermin and should be wiped out',
      'Write to ann@example.org for the full list.',
      'describe the decapitated soldier in detail',
    ];
    await expect(safety.checkSeeds(caller, 'req_1', seeds)).rejects.toMatchObject({
      status: 400,
      code: 'content_policy_violation',
      param: 'seeds.1',
      message: expect.stringContaining("'hate'"),
    });
    // What an admin reviewing /v1/safety/flags sees for this request.
    await flags.flush();
    expect(written.map(({ requestId, surface, category, action }) => [requestId, surface, category, action])).toEqual([
      ['req_1', 'seed', 'hate', 'block'],
      ['req_1', 'seed', 'personal-data', 'redact'],
      ['req_1', 'seed', 'violence/graphic', 'block'],
    ]);
  });
});
