import { Inject, Injectable } from '@nestjs/common';
import type { Db, Plan } from '@synthwell/db';
import type Stripe from 'stripe';
import { DB, STRIPE } from '../core/tokens.js';

/**
 * Keeps each paid plan's Stripe Product and Price. Creation is keyed by plan id and version
 * (`plan:<id>:product`, `plan:<id>:v<version>:price`), so retries and concurrent callers get the same
 * objects, and a reprice (a new version) gets a new Price while subscribers keep the old one.
 */
@Injectable()
export class StripeCatalog {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(STRIPE) private readonly stripe: Stripe,
  ) {}

  /** The plan with its current Stripe Price, created if missing. Free plans have none. */
  async ensurePrice(plan: Plan): Promise<Plan> {
    if (plan.priceCents === 0 || plan.stripePriceId) return plan;
    const productId =
      plan.stripeProductId ??
      (
        await this.stripe.products.create(
          {
            name: plan.name,
            ...(plan.description ? { description: plan.description } : {}),
            metadata: { planId: plan.id },
          },
          { idempotencyKey: `plan:${plan.id}:product` },
        )
      ).id;
    const price = await this.stripe.prices.create(
      {
        product: productId,
        currency: plan.currency,
        unit_amount: plan.priceCents,
        recurring: { interval: plan.interval },
        // The converger maps subscriptions to plans by this, so old prices still find their plan.
        metadata: { planId: plan.id, planVersion: String(plan.version) },
      },
      { idempotencyKey: `plan:${plan.id}:v${plan.version}:price` },
    );
    const updated = await this.db.plan.updateMany({
      where: { id: plan.id, version: plan.version },
      data: { stripeProductId: productId, stripePriceId: price.id },
    });
    const current = await this.db.plan.findUniqueOrThrow({ where: { id: plan.id } });
    // Edited meanwhile: the new version needs its own price.
    return updated.count === 1 ? current : this.ensurePrice(current);
  }

  /** Forgets Stripe ids Stripe no longer knows (e.g. the stand-in restarted), so the next call recreates them. */
  async forgetPrice(planId: string): Promise<void> {
    await this.db.plan.update({ where: { id: planId }, data: { stripeProductId: null, stripePriceId: null } });
  }
}
