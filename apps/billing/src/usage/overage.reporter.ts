import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Db, effectivePlan, type Feature, newId, type Plan, Prisma } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import Stripe from 'stripe';
import type { BillingConfig } from '../config/env.js';
import { BILLING_CONFIG, DB, LOGGER, STRIPE } from '../core/tokens.js';
import { dayString, utcDay } from './usage.service.js';

/** Stripe accepts meter events up to 35 days old; older overage is out of reach. */
const REPORT_WINDOW_DAYS = 34;

/** Each feature's daily quota on a plan, and the rollup column that counts against it. */
const QUOTAS: Record<Feature, { quota: (plan: Plan) => number; used: (row: UsedRow) => number }> = {
  chat: { quota: (plan) => plan.chatRequestsPerDay, used: (row) => row.requests },
  image: { quota: (plan) => plan.imagesPerDay, used: (row) => row.images },
  synthetic: { quota: (plan) => plan.syntheticRecordsPerDay, used: (row) => row.records },
};

interface UsedRow {
  day: Date;
  feature: Feature;
  requests: number;
  images: number;
  records: number;
}

export interface OverageReport {
  /** Meter events sent. */
  events: number;
  /** Units of overage they carried. */
  quantity: number;
}

/**
 * Reports usage beyond a plan's daily quotas to Stripe Billing Meters, for plans with overage on.
 * Each (user, day, feature) has a cumulative reported quantity in `meter_reports`; a run sends only
 * the increase, with an identifier unique to the new cumulative quantity. The report row is written
 * in the same transaction as the Stripe call, so the same usage is never reported twice: a rerun
 * finds it recorded, and a concurrent run blocks on the identifier's unique index and rolls back.
 */
@Injectable()
export class OverageReporter implements OnModuleInit, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    if (this.config.OVERAGE_REPORT_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      this.report().catch((error: unknown) => this.logger.error({ err: error }, 'overage report failed'));
    }, this.config.OVERAGE_REPORT_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async report(now = new Date()): Promise<OverageReport> {
    const total: OverageReport = { events: 0, quantity: 0 };
    const overagePlans = await this.db.plan.findMany({
      where: { overageEnabled: true, stripeMeterEventName: { not: null } },
      select: { id: true },
    });
    if (overagePlans.length === 0) return total;
    const since = utcDay(now, REPORT_WINDOW_DAYS);
    const candidates = await this.db.user.findMany({
      where: {
        stripeCustomerId: { not: null },
        subscriptions: { some: { planId: { in: overagePlans.map((plan) => plan.id) } } },
        usageDaily: { some: { day: { gte: since } } },
      },
      select: { id: true, stripeCustomerId: true },
    });
    for (const user of candidates) {
      const plan = await effectivePlan(this.db, user.id, now);
      if (!plan.overageEnabled || !plan.stripeMeterEventName || !user.stripeCustomerId) continue;
      const used = await this.db.usageDaily.groupBy({
        by: ['day', 'feature'],
        where: { userId: user.id, day: { gte: since } },
        _sum: { requests: true, images: true, records: true },
      });
      for (const row of used) {
        const usedRow: UsedRow = {
          day: row.day,
          feature: row.feature,
          requests: row._sum.requests ?? 0,
          images: row._sum.images ?? 0,
          records: row._sum.records ?? 0,
        };
        const { quota, used: count } = QUOTAS[row.feature];
        const overage = Math.max(0, count(usedRow) - quota(plan));
        const sent = await this.reportOne(
          user.id,
          user.stripeCustomerId,
          plan.stripeMeterEventName,
          usedRow,
          overage,
          now,
        );
        if (sent > 0) {
          total.events++;
          total.quantity += sent;
        }
      }
    }
    if (total.events > 0) this.logger.info(total, 'reported overage to Stripe');
    return total;
  }

  /** Sends the increase over what was reported for this (user, day, feature); returns the units sent. */
  private async reportOne(
    userId: string,
    customerId: string,
    eventName: string,
    row: UsedRow,
    overage: number,
    now: Date,
  ): Promise<number> {
    const day = dayString(row.day);
    const reported = await this.db.meterReport.aggregate({
      where: { userId, day: row.day, feature: row.feature },
      _max: { quantity: true },
    });
    const delta = overage - (reported._max.quantity ?? 0);
    if (delta <= 0) return 0;
    const identifier = `ovg_${userId}_${day}_${row.feature}_${overage}`;
    const dayEnd = Math.floor(row.day.getTime() / 1000) + 24 * 3600 - 1;
    try {
      await this.db.$transaction(
        async (tx) => {
          await tx.meterReport.create({
            data: { id: newId('mtr'), userId, day: row.day, feature: row.feature, quantity: overage, identifier },
          });
          try {
            await this.stripe.billing.meterEvents.create(
              {
                event_name: eventName,
                identifier,
                payload: { stripe_customer_id: customerId, value: String(delta) },
                timestamp: Math.min(dayEnd, Math.floor(now.getTime() / 1000)),
              },
              { idempotencyKey: identifier },
            );
          } catch (error) {
            // Stripe already has it (an earlier run was cut off before committing): record it, do not resend.
            if (!(error instanceof Stripe.errors.StripeError && error.param === 'identifier')) throw error;
          }
        },
        { timeout: 30_000 },
      );
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return 0;
      throw error;
    }
    return delta;
  }
}
