import { describe, expect, it } from 'vitest';
import { PendingRecords } from './pending-records.js';

const record = (i: number) => ({ requestId: `req_${i}`, model: i % 3 === 0 ? 'modèle-ü 🚀' : 'sw-ngram-mini', n: i });
const parse = (json: Buffer) => JSON.parse(json.toString('utf8')) as unknown[];

describe('pending usage records', () => {
  it('hands out the oldest records first as one JSON array, with multi-byte text intact', () => {
    const pending = new PendingRecords(64);
    for (let i = 0; i < 25; i++) pending.push(JSON.stringify(record(i)));
    expect(pending.count).toBe(25);
    const first = pending.take(10);
    expect(first?.count).toBe(10);
    expect(parse(first?.json as Buffer)).toEqual(Array.from({ length: 10 }, (_, i) => record(i)));
    const rest = pending.take(100);
    expect(parse(rest?.json as Buffer)).toEqual(Array.from({ length: 15 }, (_, i) => record(i + 10)));
    expect(pending.count).toBe(0);
    expect(pending.take(10)).toBeNull();
  });

  it('puts a failed batch back in front, before records that arrived meanwhile', () => {
    const pending = new PendingRecords(32);
    for (let i = 0; i < 5; i++) pending.push(JSON.stringify(record(i)));
    const taken = pending.take(3);
    for (let i = 5; i < 8; i++) pending.push(JSON.stringify(record(i)));
    pending.restore(taken as NonNullable<typeof taken>);
    expect(pending.count).toBe(8);
    // Taken again in pieces, to check every record boundary survived the round trip.
    expect(parse(pending.take(2)?.json as Buffer)).toEqual([record(0), record(1)]);
    expect(parse(pending.take(6)?.json as Buffer)).toEqual([2, 3, 4, 5, 6, 7].map(record));
  });

  it('drops the oldest records when asked, keeping the newest', () => {
    const pending = new PendingRecords();
    for (let i = 0; i < 10; i++) pending.push(JSON.stringify(record(i)));
    expect(pending.dropOldest(4)).toBe(4);
    expect(pending.dropOldest(0)).toBe(0);
    expect(parse(pending.take(100)?.json as Buffer)).toEqual([4, 5, 6, 7, 8, 9].map(record));
    expect(pending.dropOldest(3)).toBe(0);
  });
});
