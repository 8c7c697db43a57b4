import { describe, expect, it } from 'vitest';
import { copyRows } from './usage-copy.js';
import type { StoredRecord, UsageRecord } from './usage-ledger.js';
import { stored, usageRecord } from './usage-record.fixture.js';

const record = (overrides: Partial<UsageRecord> = {}): StoredRecord =>
  stored(usageRecord({ createdAt: new Date('2026-11-26T23:59:59.999Z'), ...overrides }));

describe('the rows of a COPY batch', () => {
  it('are one line per record in the column order, with nulls as \\N and special characters escaped', () => {
    const rows = copyRows([record({ apiKeyId: null, provider: null, model: 'a\tb\nc\rd\\e \\N' })], new Set(['usr_a']));
    expect(rows.text.toString('utf8')).toBe(
      'req_1\tusr_a\t\\N\tchat\ta\\tb\\nc\\rd\\\\e \\\\N\t\\N\t10\t5\t0\t0\t3\t200\tok\t2026-11-26T23:59:59.999Z\n',
    );
    expect(rows.count).toBe(1);
  });

  it('leave out the records of users not in the set', () => {
    const rows = copyRows([record({ userId: 'usr_gone' }), record({ requestId: 'req_2' })], new Set(['usr_a']));
    expect(rows.count).toBe(1);
    expect(rows.text.toString('utf8').startsWith('req_2\t')).toBe(true);
    expect(rows.totals.map((total) => total.userId)).toEqual(['usr_a']);
  });

  it('sum each user’s day, feature and model, in key order', () => {
    const rows = copyRows(
      [
        record({ userId: 'usr_b', promptTokens: 1, completionTokens: 2 }),
        record({ userId: 'usr_a', createdAt: new Date('2026-11-27T00:00:00.000Z'), images: 2 }),
        record({ userId: 'usr_b', promptTokens: 3, completionTokens: 4, records: 7 }),
        record({ userId: 'usr_a', feature: 'image', model: 'canvas' }),
      ],
      new Set(['usr_a', 'usr_b']),
    );
    expect(rows.totals).toEqual([
      {
        userId: 'usr_a',
        day: '2026-11-26',
        feature: 'image',
        model: 'canvas',
        requests: 1,
        promptTokens: 10,
        completionTokens: 5,
        images: 0,
        records: 0,
      },
      {
        userId: 'usr_a',
        day: '2026-11-27',
        feature: 'chat',
        model: 'sw-ngram-mini',
        requests: 1,
        promptTokens: 10,
        completionTokens: 5,
        images: 2,
        records: 0,
      },
      {
        userId: 'usr_b',
        day: '2026-11-26',
        feature: 'chat',
        model: 'sw-ngram-mini',
        requests: 2,
        promptTokens: 4,
        completionTokens: 6,
        images: 0,
        records: 7,
      },
    ]);
  });
});
