import { Inject, Injectable } from '@nestjs/common';
import { type Db, effectivePlan } from '@synthwell/db';
import Stripe from 'stripe';
import type { CurrentSession } from '../auth/session.service.js';
import type { BillingConfig } from '../config/env.js';
import { BillingError } from '../core/errors.js';
import { BILLING_CONFIG, DB, STRIPE } from '../core/tokens.js';
import { StripeCatalog } from './stripe-catalog.service.js';

/** Statuses of a Stripe subscription the user should manage in the portal rather than buy again. */
const LIVE_STATUSES = ['active', 'trialing', 'past_due', 'incomplete', 'unpaid', 'paused'] as const;

/** A minute-wide bucket: repeated clicks within it reuse one Checkout Session. */
const minuteBucket = () => Math.floor(Date.now() / 60_000);

function missingResource(error: unknown): string | null {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing'
    ? (error.param ?? '')
    : null;
}

/** Starts Stripe Checkout (upgrade) and the Customer Portal (manage, cancel). Neither grants access. */
@Injectable()
export class CheckoutService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    private readonly catalog: StripeCatalog,
  ) {}

  async checkout(session: CurrentSession, planId: string): Promise<{ url: string; sessionId: string }> {
    const userId = session.user.id;
    let plan = await this.db.plan.findUnique({ where: { id: planId } });
    if (!plan || plan.archivedAt) throw BillingError.notFound(`No plan with id "${planId}" is on offer.`);
    if (plan.priceCents === 0) throw BillingError.badRequest(`The ${plan.name} plan is free: there is nothing to buy.`);
    if ((await effectivePlan(this.db, userId)).id === plan.id) {
      throw BillingError.conflict(`You are already on the ${plan.name} plan.`);
    }
    const live = await this.db.subscription.findFirst({
      where: { userId, stripeSubscriptionId: { not: null }, status: { in: [...LIVE_STATUSES] } },
    });
    if (live)
      throw BillingError.conflict('You already have a subscription: change or cancel it in the billing portal.');

    for (let attempt = 0; ; attempt++) {
      const customer = await this.customerFor(session);
      plan = await this.catalog.ensurePrice(plan);
      try {
        const checkout = await this.stripe.checkout.sessions.create(
          {
            mode: 'subscription',
            customer,
            client_reference_id: userId,
            line_items: [{ price: plan.stripePriceId as string, quantity: 1 }],
            success_url: `${this.config.WEB_URL}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
            cancel_url: `${this.config.WEB_URL}/billing?checkout=canceled`,
            metadata: { userId, planId: plan.id },
            subscription_data: { metadata: { userId, planId: plan.id } },
          },
          { idempotencyKey: `checkout:${userId}:${plan.id}:v${plan.version}:${minuteBucket()}` },
        );
        if (!checkout.url) throw new Error('Stripe returned a Checkout Session without a URL.');
        return { url: checkout.url, sessionId: checkout.id };
      } catch (error) {
        // Stripe forgot an object we stored (the stand-in restarted): recreate it, once for each kind.
        const missing = missingResource(error);
        if (missing === null || attempt > 1) throw error;
        if (missing === 'customer') await this.forgetCustomer(userId);
        else await this.catalog.forgetPrice(plan.id);
        plan = await this.db.plan.findUniqueOrThrow({ where: { id: plan.id } });
      }
    }
  }

  async portal(session: CurrentSession): Promise<{ url: string }> {
    const user = await this.db.user.findUniqueOrThrow({
      where: { id: session.user.id },
      select: { stripeCustomerId: true },
    });
    if (!user.stripeCustomerId) {
      throw new BillingError('PRECONDITION_FAILED', 'You have no billing account yet: subscribe to a paid plan first.');
    }
    const portal = await this.stripe.billingPortal.sessions.create(
      { customer: user.stripeCustomerId, return_url: `${this.config.WEB_URL}/billing` },
      { idempotencyKey: `portal:${session.user.id}:${minuteBucket()}` },
    );
    return { url: portal.url };
  }

  /** The user's Stripe Customer, created once (keyed by user id) and remembered on the user. */
  private async customerFor(session: CurrentSession): Promise<string> {
    const user = await this.db.user.findUniqueOrThrow({
      where: { id: session.user.id },
      select: { id: true, email: true, name: true, stripeCustomerId: true },
    });
    if (user.stripeCustomerId) return user.stripeCustomerId;
    const customer = await this.stripe.customers.create(
      { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { userId: user.id } },
      { idempotencyKey: `customer:${user.id}` },
    );
    await this.db.user.updateMany({
      where: { id: user.id, stripeCustomerId: null },
      data: { stripeCustomerId: customer.id },
    });
    const stored = await this.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { stripeCustomerId: true } });
    return stored.stripeCustomerId as string;
  }

  private async forgetCustomer(userId: string): Promise<void> {
    await this.db.user.update({ where: { id: userId }, data: { stripeCustomerId: null } });
  }
}
