import type { StoredRecord } from './usage-ledger.js';

/** One day's additions to a user's rollup for a feature and model. */
export interface DailyTotal {
  userId: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  feature: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  images: number;
  records: number;
}

export interface CopyRows {
  /** The events in COPY's text format, one line each, columns in COPY_EVENTS_SQL's order. */
  text: Buffer;
  count: number;
  totals: DailyTotal[];
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text column in COPY's text format: backslash, tab and line breaks escaped, null as \N. */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (char) => ESCAPES[char] as string) : value;
}

/**
 * The rows a batch's COPY writes, for the records whose user is in `users`, and what they add to the
 * daily rollups. `createdAt` is an ISO time in UTC; the column is a timestamp without time zone,
 * whose input ignores the zone designator, so it holds the UTC time, as the idempotent statement
 * writes it.
 */
export function copyRows(records: readonly StoredRecord[], users: ReadonlySet<string>): CopyRows {
  let text = '';
  let count = 0;
  const totals = new Map<string, DailyTotal>();
  for (const record of records) {
    if (!users.has(record.userId)) continue;
    count++;
    text += `${field(record.requestId)}\t${field(record.userId)}\t${field(record.apiKeyId)}\t${field(record.feature)}\t${field(record.model)}\t${field(record.provider)}\t${record.promptTokens}\t${record.completionTokens}\t${record.images}\t${record.records}\t${record.latencyMs}\t${record.status}\t${field(record.outcome)}\t${record.createdAt}\n`;
    const day = record.createdAt.slice(0, 10);
    const key = `${record.userId}\u0000${day}\u0000${record.feature}\u0000${record.model}`;
    let total = totals.get(key);
    if (!total) {
      total = {
        userId: record.userId,
        day,
        feature: record.feature,
        model: record.model,
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        images: 0,
        records: 0,
      };
      totals.set(key, total);
    }
    total.requests++;
    total.promptTokens += record.promptTokens;
    total.completionTokens += record.completionTokens;
    total.images += record.images;
    total.records += record.records;
  }
  // In key order, so that writers adding to the same rollup rows lock them in the same order and
  // cannot deadlock one another.
  const sorted = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, total]) => total);
  return { text: Buffer.from(text, 'utf8'), count, totals: sorted };
}
