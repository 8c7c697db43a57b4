import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  SafetyAction,
  SafetyCategory,
  type SafetyPlanPolicy,
  type SafetyPolicyList,
  type SafetyPolicyUpdate,
} from '@synthwell/contracts';
import { type Db, newId } from '@synthwell/db';
import { type Logger, publishInvalidation } from '@synthwell/server';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/env.js';
import { DB, GATEWAY_CONFIG, LOGGER, REDIS } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { InvalidationSubscriber } from '../events/invalidation.subscriber.js';
import { assertChangeable, DEFAULT_PLAN, FIXED, FixedCategoryError, PolicyStore, parsePolicyFile } from './policy.js';

interface StoredPolicy {
  overrides: SafetyPolicyUpdate;
  updatedAt: Date;
  updatedBy: string | null;
}

/**
 * Keeps the in-memory PolicyStore in step with admins' policies in `safety_policies`: loaded at start,
 * reloaded when any replica publishes `{ safetyPolicy: true }` on Redis, and every
 * SAFETY_POLICY_RELOAD_MS regardless (the bound without Redis, or when a message was missed).
 * Requests read only the store, never the database.
 */
@Injectable()
export class PolicySync implements OnModuleInit, OnModuleDestroy {
  readonly store: PolicyStore;
  private stored = new Map<string, StoredPolicy>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Reloads may overlap; only a result newer than the last one applied replaces it. */
  private started = 0;
  private applied = 0;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly invalidations: InvalidationSubscriber,
  ) {
    const file = config.SAFETY_POLICY_FILE;
    this.store = new PolicyStore(file ? parsePolicyFile(readFileSync(file, 'utf8')) : {});
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    const reloadInBackground = () => {
      this.reload().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'content policy reload failed; serving the last one'),
      );
    };
    this.unsubscribe = this.invalidations.onSafetyPolicyChange(reloadInBackground);
    this.timer = setInterval(reloadInBackground, this.config.SAFETY_POLICY_RELOAD_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /** Re-reads every admin policy from the database. */
  async reload(): Promise<void> {
    const sequence = ++this.started;
    const rows = await this.db.safetyPolicy.findMany();
    if (sequence < this.applied) return;
    const stored = new Map<string, StoredPolicy>();
    for (const row of rows) {
      stored.set(row.plan, {
        overrides: readOverrides(row.overrides),
        updatedAt: row.updatedAt,
        updatedBy: row.updatedBy,
      });
    }
    this.apply(stored, sequence);
  }

  /** `default` first, then every plan (cheapest first), with its effective policy and admins' changes. */
  async list(): Promise<SafetyPolicyList> {
    const plans = await this.db.plan.findMany({
      where: { archivedAt: null },
      select: { slug: true },
      orderBy: [{ priceCents: 'asc' }, { slug: 'asc' }],
    });
    const slugs = new Set([DEFAULT_PLAN, ...plans.map((plan) => plan.slug), ...this.store.plans()]);
    return { object: 'list', data: [...slugs].map((plan) => this.describe(plan)), fixed: FIXED };
  }

  /**
   * Changes some categories of one plan (or `default`) for every replica: the row and an audit entry in
   * one transaction, then this replica at once and the others through Redis.
   */
  async update(plan: string, change: SafetyPolicyUpdate, actorId: string): Promise<SafetyPlanPolicy> {
    try {
      assertChangeable(change);
    } catch (error) {
      if (error instanceof FixedCategoryError)
        throw GatewayError.badRequest(error.message, ErrorCode.invalidBody, error.category);
      throw error;
    }
    if (plan !== DEFAULT_PLAN && (await this.db.plan.count({ where: { slug: plan } })) === 0) {
      throw GatewayError.notFound(`No plan has the slug '${plan}'.`, ErrorCode.notFound, 'plan');
    }
    const saved = await this.db.$transaction(async (tx) => {
      // Creating the row first (if missing) lets FOR UPDATE serialise concurrent changes to one plan.
      await tx.safetyPolicy.createMany({ data: [{ plan, updatedBy: actorId }], skipDuplicates: true });
      const [current] = await tx.$queryRaw<Array<{ overrides: unknown }>>`
        SELECT overrides FROM safety_policies WHERE plan = ${plan} FOR UPDATE`;
      const before = readOverrides(current?.overrides);
      const after: SafetyPolicyUpdate = { ...before, ...change };
      const row = await tx.safetyPolicy.update({ where: { plan }, data: { overrides: after, updatedBy: actorId } });
      await tx.auditLog.create({
        data: {
          id: newId('aud'),
          actorId,
          action: 'safety_policy.update',
          target: `safety_policy:${plan}`,
          before,
          after,
        },
      });
      return { overrides: after, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
    });
    // Numbered after the commit, so a reload that read the table before it cannot undo it here.
    this.apply(new Map([...this.stored, [plan, saved]]), ++this.started);
    this.logger.info({ plan, change, actorId }, 'content policy changed');
    await publishInvalidation(this.redis, this.logger, { safetyPolicy: true });
    return this.describe(plan);
  }

  private describe(plan: string): SafetyPlanPolicy {
    const stored = this.stored.get(plan);
    return {
      plan,
      policy: this.store.for(plan),
      overrides: stored?.overrides ?? {},
      updated_at: stored ? Math.floor(stored.updatedAt.getTime() / 1000) : null,
      updated_by: stored?.updatedBy ?? null,
    };
  }

  private apply(stored: Map<string, StoredPolicy>, sequence: number): void {
    this.applied = Math.max(this.applied, sequence);
    this.stored = stored;
    this.store.replace(new Map([...stored].map(([plan, policy]) => [plan, policy.overrides])));
  }
}

/** The valid category → action pairs of a stored row; anything else (a category since removed) is ignored. */
function readOverrides(json: unknown): SafetyPolicyUpdate {
  const overrides: SafetyPolicyUpdate = {};
  if (!json || typeof json !== 'object' || Array.isArray(json)) return overrides;
  for (const [key, value] of Object.entries(json)) {
    const category = SafetyCategory.safeParse(key);
    const action = SafetyAction.safeParse(value);
    if (category.success && action.success) overrides[category.data] = action.data;
  }
  return overrides;
}
