import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Feature } from '@synthwell/contracts';
import { type Db, type Sql, sqlOf } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { GatewayConfig } from '../config/env.js';
import { DB, GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
import { PendingRecords, type TakenRecords } from './pending-records.js';
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
 * The usage ledger. The guarantee: a record is acknowledged when `record()` returns, which callers do
 * before the response's last byte is written; from then on it survives the process being killed
 * (the journal), and it reaches PostgreSQL exactly once (batches are idempotent by request id).
 *
 * Records are buffered and written in batches. One statement per batch inserts the events (ON
 * CONFLICT DO NOTHING on the request id) and adds exactly the newly inserted ones to the daily
 * rollups, so a batch retried after a failure, or replayed from the journal after a crash, can never
 * count a request twice. A journal segment is deleted only after its records are committed.
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
    for (let i = 0; i < recovered.length; i += MAX_BATCH) {
      await this.write(Buffer.from(`[${recovered.slice(i, i + MAX_BATCH).join(',')}]`));
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
    this.flushing = this.write(batch.json).then(
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
   * One statement per batch, straight through the driver: the records go as one JSON array (rather
   * than an array per column), sent as the bytes already held (a Buffer parameter travels in binary
   * format, which for text is the UTF-8 itself), and Prisma's per-statement work, about two thirds of
   * a batch's CPU, is skipped. The array is read as `json`, not `jsonb`: each record is read once, so
   * building a binary document first only adds work (about a third of the database's CPU per record;
   * docs/benchmarks.md, Usage ledger).
   */
  private async write(json: Buffer): Promise<void> {
    await this.sql.query(USAGE_BATCH_SQL, [json]);
  }
}

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
    FROM input i JOIN users u ON u.id = i.user_id
    ON CONFLICT (request_id) DO NOTHING
    RETURNING user_id, created_at, feature, model, prompt_tokens, completion_tokens, images, records
  )
  INSERT INTO usage_daily (user_id, day, feature, model, requests, prompt_tokens, completion_tokens, images, records, updated_at)
  SELECT user_id, created_at::date, feature, model, count(*), sum(prompt_tokens), sum(completion_tokens),
         sum(images), sum(records), now()
  FROM inserted
  GROUP BY user_id, created_at::date, feature, model
  ON CONFLICT (user_id, day, feature, model) DO UPDATE SET
    requests = usage_daily.requests + EXCLUDED.requests,
    prompt_tokens = usage_daily.prompt_tokens + EXCLUDED.prompt_tokens,
    completion_tokens = usage_daily.completion_tokens + EXCLUDED.completion_tokens,
    images = usage_daily.images + EXCLUDED.images,
    records = usage_daily.records + EXCLUDED.records,
    updated_at = now()`;
