import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Feature } from '@synthwell/contracts';
import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { GatewayConfig } from '../config/env.js';
import { DB, GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
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
const MAX_BATCH = 1_000;

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
  private buffer: UsageRecord[] = [];
  private readonly journal: UsageJournal | null;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  dropped = 0;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
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
    for (let i = 0; i < recovered.length; i += MAX_BATCH) await this.write(recovered.slice(i, i + MAX_BATCH));
    this.journal.release(segment);
    this.logger.info({ records: recovered.length }, 'replayed usage records from the journal');
  }

  record(record: UsageRecord): void {
    this.journal?.append(record);
    this.buffer.push(record);
    if (this.buffer.length > MAX_BUFFERED) {
      // Dropped from memory only: the journal still holds it and the next start replays it.
      this.buffer.shift();
      this.dropped++;
    }
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.schedule();
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; resolves when it is durable (or throws if the database refuses). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, MAX_BATCH);
    // Everything journaled so far is in the closed segment or an earlier one; it can go once the
    // buffer that held those records is empty.
    const closed = this.journal && this.buffer.length === 0 ? this.journal.rotate() : null;
    this.flushing = this.write(batch).then(
      () => {
        this.failures = 0;
        // After records were dropped from memory, only the journal has them: keep it for the next start.
        if (closed !== null && this.journal && this.dropped === 0) this.journal.release(closed);
      },
      (error: unknown) => {
        this.buffer.unshift(...batch);
        this.failures++;
        this.logger.warn({ err: error, pending: this.buffer.length }, 'usage flush failed; will retry');
        throw error;
      },
    );
    try {
      await this.flushing;
    } finally {
      this.flushing = null;
    }
    if (this.buffer.length > 0) await this.flush();
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let attempt = 0; attempt < 3 && this.buffer.length > 0; attempt++) {
      await this.flush().catch(() => undefined);
    }
    if (this.buffer.length > 0) {
      this.logger.error(
        { pending: this.buffer.length },
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
      this.flush().catch(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  private async write(batch: UsageRecord[]): Promise<void> {
    const column = <K extends keyof UsageRecord>(key: K) => batch.map((record) => record[key]);
    await this.db.$executeRaw`
      WITH input AS (
        SELECT * FROM unnest(
          ${column('requestId')}::text[], ${column('userId')}::text[], ${column('apiKeyId')}::text[],
          ${column('feature')}::text[], ${column('model')}::text[], ${column('provider')}::text[],
          ${column('promptTokens')}::int[], ${column('completionTokens')}::int[], ${column('images')}::int[],
          ${column('records')}::int[], ${column('latencyMs')}::int[], ${column('status')}::int[],
          ${column('outcome')}::text[], ${batch.map((record) => record.createdAt.toISOString())}::timestamptz[]
        ) AS t(request_id, user_id, api_key_id, feature, model, provider, prompt_tokens, completion_tokens,
               images, records, latency_ms, status, outcome, created_at)
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
  }
}
