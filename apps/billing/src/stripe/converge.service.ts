import { Inject, Injectable } from '@nestjs/common';
import { type Db, newId, type Plan, type Subscription, type Tx } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import { DB, LOGGER } from '../core/tokens.js';
import { InvalidationPublisher } from '../events/invalidation.publisher.js';
import { STRIPE_READER, type StripeReader, type SubscriptionSnapshot } from './stripe-reader.js';

/** How long a past-due subscription keeps its plan after a failed renewal payment. */
export const PAYMENT_GRACE_MS = 3 * 24 * 3600 * 1000;

/** The clock convergence stamps grace periods with; tests fix it. */
export const CONVERGE_CLOCK = Symbol('CONVERGE_CLOCK');
export type Clock = () => Date;

export type ConvergeOutcome =
  | { outcome: 'applied'; userId: string; changed: boolean }
  | { outcome: 'unknown_customer'; customerId: string }
  | { outcome: 'unknown_price'; priceId: string | null };

type StoredState = Pick<
  Subscription,
  | 'userId'
  | 'planId'
  | 'status'
  | 'stripeCustomerId'
  | 'currentPeriodStart'
  | 'currentPeriodEnd'
  | 'cancelAtPeriodEnd'
  | 'canceledAt'
  | 'graceUntil'
>;

/** A decided change: the row to create or update with Stripe's state. */
interface Write {
  outcome: 'write';
  subscriptionId: string;
  existingId: string | null;
  state: StoredState;
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function differs(before: StoredState, after: StoredState): boolean {
  return (
    before.userId !== after.userId ||
    before.planId !== after.planId ||
    before.status !== after.status ||
    before.stripeCustomerId !== after.stripeCustomerId ||
    before.cancelAtPeriodEnd !== after.cancelAtPeriodEnd ||
    !sameTime(before.currentPeriodStart, after.currentPeriodStart) ||
    !sameTime(before.currentPeriodEnd, after.currentPeriodEnd) ||
    !sameTime(before.canceledAt, after.canceledAt) ||
    !sameTime(before.graceUntil, after.graceUntil)
  );
}

/**
 * Makes the local subscription match Stripe's. Webhook payloads only say *that* something changed:
 * the subscription is re-read from Stripe under a per-subscription lock and upserted whole, so
 * duplicate, late and reordered events all end in the state Stripe holds.
 */
@Injectable()
export class SubscriptionConverger {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(STRIPE_READER) private readonly reader: StripeReader,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONVERGE_CLOCK) private readonly now: Clock,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async converge(stripeSubscriptionId: string): Promise<ConvergeOutcome> {
    // Most deliveries are duplicates or stale: Stripe's state is already stored, and there is nothing
    // to lock or write. (Safe: a writer re-reads Stripe under the lock, after this read.)
    const glance = await this.decide(this.db, await this.reader.subscription(stripeSubscriptionId));
    const result =
      glance.outcome === 'write'
        ? await this.db.$transaction(
            async (tx) => {
              // Serialises writers per subscription, each re-reading Stripe once it holds the lock,
              // so a later read is never overwritten by an earlier one.
              await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`stripe-subscription:${stripeSubscriptionId}`}))`;
              const decision = await this.decide(tx, await this.reader.subscription(stripeSubscriptionId));
              return decision.outcome === 'write' ? this.write(tx, decision) : decision;
            },
            { maxWait: 10_000, timeout: 30_000 },
          )
        : glance;
    if (result.outcome === 'applied' && result.changed) await this.invalidations.publish({ userId: result.userId });
    if (result.outcome === 'unknown_customer') {
      this.logger.warn(
        { stripeSubscriptionId, customerId: result.customerId },
        'Stripe subscription for an unknown customer: ignored',
      );
    }
    if (result.outcome === 'unknown_price') {
      this.logger.warn(
        { stripeSubscriptionId, priceId: result.priceId },
        'Stripe subscription on a price no plan has: ignored',
      );
    }
    return result;
  }

  /** What Stripe's state means locally: the user and plan it maps to, and whether the stored row differs. */
  private async decide(db: Db | Tx, snapshot: SubscriptionSnapshot): Promise<ConvergeOutcome | Write> {
    const existing = await db.subscription.findUnique({ where: { stripeSubscriptionId: snapshot.id } });
    const userId =
      existing?.stripeCustomerId === snapshot.customerId
        ? existing.userId
        : await this.userFor(db, snapshot.customerId);
    if (!userId) return { outcome: 'unknown_customer', customerId: snapshot.customerId };
    const planId =
      existing && existing.planId === snapshot.planIdFromPrice
        ? existing.planId
        : (await this.planFor(db, snapshot))?.id;
    if (!planId) return { outcome: 'unknown_price', priceId: snapshot.priceId };
    const state: StoredState = {
      userId,
      planId,
      status: snapshot.status,
      stripeCustomerId: snapshot.customerId,
      currentPeriodStart: snapshot.currentPeriodStart,
      currentPeriodEnd: snapshot.currentPeriodEnd,
      cancelAtPeriodEnd: snapshot.cancelAtPeriodEnd,
      canceledAt: snapshot.canceledAt,
      graceUntil: this.graceUntil(existing, snapshot),
    };
    if (existing && !differs(existing, state)) return { outcome: 'applied', userId, changed: false };
    return { outcome: 'write', subscriptionId: snapshot.id, existingId: existing?.id ?? null, state };
  }

  private async write(tx: Tx, { subscriptionId, existingId, state }: Write): Promise<ConvergeOutcome> {
    const data = { ...state, stripeUpdatedAt: this.now() };
    if (existingId) {
      await tx.subscription.update({ where: { id: existingId }, data });
    } else {
      await tx.subscription.create({ data: { id: newId('sub'), stripeSubscriptionId: subscriptionId, ...data } });
    }
    return { outcome: 'applied', userId: state.userId, changed: true };
  }

  private async userFor(db: Db | Tx, customerId: string): Promise<string | null> {
    const user = await db.user.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
    return user?.id ?? null;
  }

  /** By the price's `planId` metadata first (it survives repricing), then by the plan's current price. */
  private async planFor(db: Db | Tx, snapshot: SubscriptionSnapshot): Promise<Plan | null> {
    if (snapshot.planIdFromPrice) {
      const plan = await db.plan.findUnique({ where: { id: snapshot.planIdFromPrice } });
      if (plan) return plan;
    }
    if (!snapshot.priceId) return null;
    return db.plan.findUnique({ where: { stripePriceId: snapshot.priceId } });
  }

  /**
   * Past due keeps the plan for PAYMENT_GRACE_MS from when the failure was first seen in this period;
   * `effectivePlan` drops to the default plan once it passes. Any other status has no grace.
   */
  private graceUntil(existing: Subscription | null, snapshot: SubscriptionSnapshot): Date | null {
    if (snapshot.status !== 'past_due') return null;
    const samePeriod = existing && sameTime(existing.currentPeriodStart, snapshot.currentPeriodStart);
    if (existing?.status === 'past_due' && existing.graceUntil && samePeriod) return existing.graceUntil;
    return new Date(this.now().getTime() + PAYMENT_GRACE_MS);
  }
}
