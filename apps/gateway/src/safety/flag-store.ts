import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type {
  SafetyAction,
  SafetyCategory,
  SafetyFlag,
  SafetyFlagList,
  SafetyFlagListParams,
  SafetySurface,
} from '@synthwell/contracts';
import { type Db, newId } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import { Counter } from 'prom-client';
import type { GatewayConfig } from '../config/env.js';
import { toListPage } from '../core/pagination.js';
import { DB, GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';
import { MetricsService } from '../observability/metrics.service.js';

/** A flagged, redacted or blocked decision as the policy engine reports it. There is no field for text. */
export interface FlagInput {
  requestId: string;
  userId: string;
  plan: string;
  surface: SafetySurface;
  category: SafetyCategory;
  action: SafetyAction;
  score: number;
  model: string | null;
}

interface FlagRow extends FlagInput {
  id: string;
  createdAt: Date;
}

/** Written at once when this many are waiting; otherwise within FLUSH_MS. */
const BATCH = 100;
const FLUSH_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** Held in memory at most while the database is unreachable; beyond it the oldest are dropped and counted. */
export const MAX_BUFFERED_FLAGS = 10_000;
const RETENTION_INTERVAL_MS = 60 * 60 * 1_000;
const DEFAULT_PAGE = 50;

/**
 * Flagged decisions for admins to review, in `safety_flags`. The hot path only appends to a bounded
 * in-memory buffer; batches go to the database every second (or at 100), retried with backoff while
 * it is down. A request never waits on this, so when the buffer is full the oldest flags are dropped
 * and counted in `synthwell_gateway_safety_flags_dropped_total`. Flags older than
 * SAFETY_FLAG_RETENTION_DAYS are deleted hourly.
 */
@Injectable()
export class FlagStore implements OnModuleInit, OnModuleDestroy {
  private buffer: FlagRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retention: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private readonly dropped: Counter<'reason'>;
  private readonly written: Counter;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
  ) {
    this.dropped = new Counter({
      name: 'synthwell_gateway_safety_flags_dropped_total',
      help: 'Flagged decisions not stored: the buffer overflowed while the database was down, or at shutdown.',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
    this.written = new Counter({
      name: 'synthwell_gateway_safety_flags_written_total',
      help: 'Flagged decisions written to the database.',
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    if (this.config.SAFETY_FLAG_RETENTION_DAYS === 0) return;
    const prune = () => {
      this.prune().catch((error: unknown) => this.logger.warn({ err: error }, 'could not delete expired safety flags'));
    };
    this.retention = setInterval(prune, RETENTION_INTERVAL_MS);
    this.retention.unref();
    prune();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.retention);
    await this.flush().catch(() => undefined);
    clearTimeout(this.timer);
    if (this.buffer.length > 0) {
      this.dropped.inc({ reason: 'shutdown' }, this.buffer.length);
      this.logger.warn({ pending: this.buffer.length }, 'safety flags could not be written at shutdown');
      this.buffer = [];
    }
  }

  /** Queues one decision; never blocks and never throws. */
  add(flag: FlagInput): void {
    this.buffer.push({ id: newId('flg'), createdAt: new Date(), ...flag });
    this.trim();
    if (this.buffer.length >= BATCH && this.failures === 0 && !this.flushing) {
      this.flush().catch(() => undefined);
    } else {
      this.schedule();
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything queued so far; rejects (keeping the flags queued) when the database refuses. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Newest first, after this replica's queue is written; other replicas' reach the table within a second. */
  async list(params: SafetyFlagListParams): Promise<SafetyFlagList> {
    await this.flush().catch(() => undefined);
    const limit = params.limit ?? DEFAULT_PAGE;
    const rows = await this.db.safetyFlag.findMany({
      where: {
        ...(params.category ? { category: params.category } : {}),
        ...(params.action ? { action: params.action } : {}),
        ...(params.plan ? { plan: params.plan } : {}),
        ...(params.since !== undefined ? { createdAt: { gte: new Date(params.since * 1000) } } : {}),
        // Ids start with their creation time, so they order (and page) newest first.
        ...(params.cursor ? { id: { lt: params.cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return toListPage(rows, limit, toApi, (row) => row.id);
  }

  /** Deletes flags older than the retention period; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const days = this.config.SAFETY_FLAG_RETENTION_DAYS;
    if (days === 0) return 0;
    const cutoff = new Date(now.getTime() - days * 24 * 60 * 60 * 1_000);
    const { count } = await this.db.safetyFlag.deleteMany({ where: { createdAt: { lt: cutoff } } });
    if (count > 0) this.logger.info({ count, days }, 'deleted expired safety flags');
    return count;
  }

  private async drain(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, BATCH);
      try {
        // Ids are made when the decision is, so a batch retried after an unclear failure is not stored twice.
        await this.db.safetyFlag.createMany({ data: batch, skipDuplicates: true });
      } catch (error) {
        this.buffer.unshift(...batch);
        this.trim();
        if (this.failures++ === 0) {
          this.logger.warn({ err: error, pending: this.buffer.length }, 'could not write safety flags; will retry');
        }
        this.schedule();
        throw error;
      }
      this.failures = 0;
      this.written.inc(batch.length);
    }
  }

  private trim(): void {
    const excess = this.buffer.length - MAX_BUFFERED_FLAGS;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.dropped.inc({ reason: 'overflow' }, excess);
  }

  private schedule(): void {
    if (this.timer || this.buffer.length === 0) return;
    const delay = Math.min(FLUSH_MS * 2 ** this.failures, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined);
    }, delay);
    this.timer.unref();
  }
}

function toApi(row: {
  id: string;
  createdAt: Date;
  requestId: string;
  userId: string;
  plan: string;
  surface: string;
  category: string;
  action: string;
  score: number;
  model: string | null;
}): SafetyFlag {
  return {
    id: row.id,
    object: 'safety.flag',
    created_at: Math.floor(row.createdAt.getTime() / 1000),
    request_id: row.requestId,
    user_id: row.userId,
    plan: row.plan,
    // Only FlagStore writes these columns, from the same enums.
    surface: row.surface as SafetySurface,
    category: row.category as SafetyCategory,
    action: row.action as SafetyAction,
    score: row.score,
    model: row.model,
  };
}
