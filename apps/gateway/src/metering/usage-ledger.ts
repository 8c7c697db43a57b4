import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Feature } from '@synthwell/contracts';
import { type Db, type Sql, sqlOf } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { GatewayConfig } from '../config/env.js';
import { DB, GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
import { PendingRecords, type TakenRecords } from './pending-records.js';
import { copyRows } from './usage-copy.js';
import { UsageJournal } from './usage-journal.js';

/** One request's usage. Every request the gateway serves for an account produces exactly one. */
export interface UsageRecord {
  requestId: string;
  userId: string;
  apiKeyId: string | null;
  feature: Feature;
  model: string;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  images: number;
  records: number;
  latencyMs: number;
  status: number;
  /** How the request ended: ok, client_closed, upstream_error, rejected... */
  outcome: string;
  createdAt: Date;
}

/** Records held in memory at most while the database is unreachable; beyond it the oldest are dropped and counted. */
const MAX_BUFFERED = 200_000;
/**
 * Records per statement. Fewer, larger statements disturb the rest of the machine less: with the
 * database on the gateway's two cores, batches of 5,000 (in practice, one statement per timer tick
 * below 5,000 requests/s) added 0.89–1.03 ms to the concurrency-1 p99 where batches of 1,000 added
 * 1.52–1.64 ms and batches of 100 about 2.5 ms (docs/benchmarks.md).
 */
const MAX_BATCH = 5_000;
/**
 * Batches at least this big go by COPY (on a PostgreSQL server). A COPY batch takes five statements
 * and costs the server about 0.8 ms plus 4.5 µs per record; the single idempotent statement about
 * 0.6 ms plus 13 µs per record (`npm run bench:ledger`): they cost the same at about 20 records.
 */
export const COPY_FROM = 20;

/**
 * The usage ledger. The guarantee: a record is acknowledged when `record()` returns, which callers do
 * before the response's last byte is written; from then on it survives the process being killed
 * (the journal), and it reaches PostgreSQL exactly once (batches are idempotent by request id).
 *
 * Records are buffered and written in batches, each in one transaction that inserts the events and
 * adds them to the daily rollups. On a PostgreSQL server the events go by COPY, which costs the
 * server about a third of an INSERT's CPU per record; the request id is the primary key, so a batch
 * holding a request already written (one retried after a commit whose answer was lost, or replayed
 * from the journal after a crash) fails as a whole and is written again by the idempotent statement,
 * which inserts only the new events (ON CONFLICT DO NOTHING) and counts exactly those. Either way a
 * request is never counted twice. A journal segment is deleted only after its records are committed.
 *
 * Events name their user without a foreign key (a per-row key check cost the server as much as the
 * COPY): each batch locks its users first, once each, with the lock the key check took, and leaves
 * out the records of users that no longer exist.
 */
@Injectable()
export class UsageLedger implements OnModuleInit, OnModuleDestroy {
  /** Records not yet committed, serialised once for the journal and the batch alike; kept off the JS heap. */
  private readonly buffer = new PendingRecords();
  private readonly sql: Sql;
  private readonly journal: UsageJournal | null;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  /** Whether batches can go by COPY (a PostgreSQL server, not the embedded PGlite); asked once. */
  private copies: Promise<boolean> | null = null;
  dropped = 0;

  constructor(
    @Inject(DB) db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.sql = sqlOf(db);
    this.journal = config.USAGE_JOURNAL_DIR
      ? new UsageJournal(config.USAGE_JOURNAL_DIR, config.INSTANCE_ID ?? String(config.GATEWAY_PORT))
      : null;
  }

  /** Replays what an earlier run of this instance journaled but may not have committed. */
  async onModuleInit(): Promise<void> {
    if (!this.journal) return;
    const recovered = this.journal.recover();
    const segment = this.journal.rotate();
    if (recovered.length === 0) {
      this.journal.release(segment);
      return;
    }
    // Some of these were committed before the crash: straight to the idempotent statement.
    for (let i = 0; i < recovered.length; i += MAX_BATCH) {
      await this.insertNew(Buffer.from(`[${recovered.slice(i, i + MAX_BATCH).join(',')}]`));
    }
    this.journal.release(segment);
    this.logger.info({ records: recovered.length }, 'replayed usage records from the journal');
  }

  record(record: UsageRecord): void {
    const line = JSON.stringify(record);
    this.journal?.append(line);
    this.keep(line);
  }

  /**
   * Like `record`, for the hot path: the record is acknowledged when the promise resolves, and the
   * journal writes all records acknowledged in one event-loop turn together. Await it before the
   * response's last byte.
   */
  recordBatched(record: UsageRecord): Promise<void> {
    const line = JSON.stringify(record);
    const durable = this.journal ? this.journal.appendBatched(line) : Promise.resolve();
    this.keep(line);
    return durable;
  }

  private keep(line: string): void {
    this.buffer.push(line);
    if (this.buffer.count > MAX_BUFFERED) {
      // Dropped from memory only: the journal still holds them and the next start replays them.
      // A batch at a time, so a long outage does not move the whole backlog for every new record.
      this.dropped += this.buffer.dropOldest(MAX_BATCH);
    }
    // A whole batch goes at once, unless one is in flight: the writer of that one takes it next.
    if (this.buffer.count >= MAX_BATCH && !this.flushing) this.writeDue().catch(() => this.schedule());
    else this.schedule();
  }

  get pending(): number {
    return this.buffer.count;
  }

  /** Writes everything buffered so far; resolves when it is durable (or throws if the database refuses). */
  async flush(): Promise<void> {
    let left = this.buffer.count;
    do {
      await this.writeBatch();
      left -= MAX_BATCH;
    } while (left > 0 && this.buffer.count > 0);
  }

  /**
   * What the timer and a full buffer write: batches while a whole one is waiting, then leaves the rest
   * for the next tick of the timer. Draining everything here instead would chain statements back to
   * back under steady traffic — each flush finding the records that arrived during the last one — and
   * at low rates that is one statement per request, which costs PostgreSQL far more CPU than the
   * records themselves and takes it from the gateway's cores.
   */
  private async writeDue(): Promise<void> {
    do await this.writeBatch();
    while (this.buffer.count >= MAX_BATCH);
    if (this.buffer.count > 0) this.schedule();
  }

  /** One batch of at most MAX_BATCH records, after any batch in flight. */
  private async writeBatch(): Promise<void> {
    while (this.flushing) await this.flushing;
    const batch = this.buffer.take(MAX_BATCH);
    if (!batch) return;
    // Everything journaled so far is in the closed segment or an earlier one; it can go once the
    // buffer that held those records is empty. Segments rotate every few seconds, not every flush:
    // until then the records of committed batches stay in the open segment, and a replay after a
    // crash inserts nothing twice (batches are idempotent by request id).
    const closed =
      this.journal && this.buffer.count === 0 && this.journal.shouldRotate() ? this.journal.rotate() : null;
    this.flushing = this.write(batch).then(
      () => {
        this.failures = 0;
        // After records were dropped from memory, only the journal has them: keep it for the next start.
        if (closed !== null && this.journal && this.dropped === 0) this.journal.release(closed);
      },
      (error: unknown) => {
        this.restore(batch);
        this.failures++;
        this.logger.warn({ err: error, pending: this.buffer.count }, 'usage flush failed; will retry');
        throw error;
      },
    );
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
  }

  /** A failed batch goes back in front, unless the backlog is already full: then it is the one dropped. */
  private restore(batch: TakenRecords): void {
    if (this.buffer.count + batch.count > MAX_BUFFERED) {
      this.dropped += batch.count;
      return;
    }
    this.buffer.restore(batch);
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let attempt = 0; attempt < 3 && this.buffer.count > 0; attempt++) {
      await this.flush().catch(() => undefined);
    }
    if (this.buffer.count === 0 && this.journal && this.dropped === 0) {
      // Everything is committed: nothing for the next start to replay.
      this.journal.release(this.journal.rotate());
    }
    if (this.buffer.count > 0) {
      this.logger.error(
        { pending: this.buffer.count },
        'usage records could not be written at shutdown; the journal keeps them for the next start',
      );
    }
    this.journal?.close();
  }

  private schedule(): void {
    if (this.timer) return;
    const delay = Math.min(this.config.METERING_FLUSH_MS * 2 ** this.failures, 30_000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeDue().catch(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  /**
   * One batch: by COPY where the server has it and the batch is big enough for COPY's extra round
   * trips to pay; else, or if the batch repeats a request, by the idempotent statement.
   */
  private async write(batch: TakenRecords): Promise<void> {
    if (batch.count >= COPY_FROM && (await this.canCopy()) && (await this.copy(batch.json))) return;
    await this.insertNew(batch.json);
  }

  private canCopy(): Promise<boolean> {
    this.copies ??= this.sql.query<{ embedded: boolean }>(`SELECT version() LIKE '%PGlite%' AS embedded`).then(
      ({ rows }) => rows[0]?.embedded === false,
      (error: unknown) => {
        this.copies = null;
        throw error;
      },
    );
    return this.copies;
  }

  /**
   * Writes a batch by COPY in one transaction: its users locked (as a foreign key check would), the
   * events of those that exist copied, and their totals added to the daily rollups. False, with
   * nothing written, when the batch holds a request id already in the table.
   */
  private async copy(json: Buffer): Promise<boolean> {
    const records = JSON.parse(json.toString('utf8')) as StoredRecord[];
    const users = [...new Set(records.map((record) => record.userId))];
    try {
      await this.sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(LOCK_USERS_SQL, [users]);
        const events = copyRows(records, new Set(rows.map((row) => row.id)));
        if (events.count === 0) return;
        await tx.copyFrom(COPY_EVENTS_SQL, events.text);
        await tx.query(ADD_TO_DAILY_SQL, [JSON.stringify(events.totals)]);
      });
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  /**
   * The idempotent statement: inserts the batch's events that are not in the table yet and adds
   * exactly those to the rollups. Straight through the driver: the records go as one JSON array, sent
   * as the bytes already held (a Buffer parameter travels in binary format, which for text is the
   * UTF-8 itself), read as `json`, not `jsonb` (each record is read once, so building a binary
   * document first only adds work).
   */
  private async insertNew(json: Buffer): Promise<void> {
    await this.sql.query(USAGE_BATCH_SQL, [json]);
  }
}

/** A usage record as the batch's JSON holds it. */
export type StoredRecord = Omit<UsageRecord, 'createdAt'> & { createdAt: string };

const UNIQUE_VIOLATION = '23505';

/** The lock a foreign key check takes: the users cannot be deleted until the batch commits. */
const LOCK_USERS_SQL = 'SELECT id FROM users WHERE id = ANY($1::text[]) FOR KEY SHARE';

const COPY_EVENTS_SQL = `COPY usage_events (request_id, user_id, api_key_id, feature, model, provider, prompt_tokens,
  completion_tokens, images, records, latency_ms, status, outcome, created_at) FROM STDIN`;

const ON_CONFLICT_ADD = `ON CONFLICT (user_id, day, feature, model) DO UPDATE SET
    requests = usage_daily.requests + EXCLUDED.requests,
    prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
    completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens,
    images = usage_daily.images + EXCLUDED.images,
    records = usage_daily.records + EXCLUDED.records,
    updated_at = now()`;

const ADD_TO_DAILY_SQL = `
  INSERT INTO usage_daily (user_id, day, feature, model, requests, prompt_tokens, completion_tokens, images, records, updated_at)
  SELECT t."userId", t.day, t.feature::"Feature", t.model, t.requests, t."promptTokens", t."completionTokens",
         t.images, t.records, now()
  FROM json_to_recordset($1::text::json) AS t(
    "userId" text, day date, feature text, model text, requests int, "promptTokens" bigint,
    "completionTokens" bigint, images int, records int)
  ${ON_CONFLICT_ADD}`;

const USAGE_BATCH_SQL = `
  WITH input AS (
    SELECT "requestId" AS request_id, "userId" AS user_id, "apiKeyId" AS api_key_id, feature, model, provider,
           "promptTokens" AS prompt_tokens, "completionTokens" AS completion_tokens, images, records,
           "latencyMs" AS latency_ms, status, outcome, "createdAt" AS created_at
    FROM json_to_recordset($1::text::json) AS t(
      "requestId" text, "userId" text, "apiKeyId" text, feature text, model text, provider text,
      "promptTokens" int, "completionTokens" int, images int, records int, "latencyMs" int, status int,
      outcome text, "createdAt" timestamptz)
  ),
  inserted AS (
    INSERT INTO usage_events (request_id, user_id, api_key_id, feature, model, provider, prompt_tokens,
                              completion_tokens, images, records, latency_ms, status, outcome, created_at)
    SELECT i.request_id, i.user_id, i.api_key_id, i.feature::"Feature", i.model, i.provider, i.prompt_tokens,
           i.completion_tokens, i.images, i.records, i.latency_ms, i.status, i.outcome,
           (i.created_at AT TIME ZONE 'UTC')
    FROM input i JOIN (SELECT id FROM users WHERE id IN (SELECT user_id FROM input) FOR KEY SHARE) u ON u.id = i.user_id
    ON CONFLICT (request_id) DO NOTHING
    RETURNING user_id, created_at, feature, model, prompt_tokens, completion_tokens, images, records
  )
  INSERT INTO usage_daily (user_id, day, feature, model, requests, prompt_tokens, completion_tokens, images, records, updated_at)
  SELECT user_id, created_at::date, feature, model, count(*), sum(prompt_tokens), sum(completion_tokens),
         sum(images), sum(records), now()
  FROM inserted
  GROUP BY user_id, created_at::date, feature, model
  ${ON_CONFLICT_ADD}`;
