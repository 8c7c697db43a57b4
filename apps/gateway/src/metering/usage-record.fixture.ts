import type { StoredRecord, UsageRecord } from './usage-ledger.js';

/** A usage record for tests: a short chat completion on the standard offline model, unless overridden. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: 'req_1',
    userId: 'usr_a',
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
  };
}

/** A record as the ledger holds it for a batch: its JSON, read back. */
export function stored(record: UsageRecord): StoredRecord {
  return JSON.parse(JSON.stringify(record)) as StoredRecord;
}
