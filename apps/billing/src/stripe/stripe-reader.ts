import type { SubscriptionStatus } from '@synthwell/db';
import type Stripe from 'stripe';

/** What billing needs to know about a Stripe subscription, read fresh from Stripe. */
export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  priceId: string | null;
  /** The plan the price was created for (`price.metadata.planId`), which survives repricing. */
  planIdFromPrice: string | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
}

/** Reads subscriptions' true state. The SDK implementation is below; tests substitute their own. */
export interface StripeReader {
  subscription(id: string): Promise<SubscriptionSnapshot>;
}

export const STRIPE_READER = Symbol('STRIPE_READER');

const STATUSES: readonly SubscriptionStatus[] = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
];

const fromUnix = (seconds: number | null | undefined): Date | null =>
  typeof seconds === 'number' ? new Date(seconds * 1000) : null;

export function snapshotOf(subscription: Stripe.Subscription): SubscriptionSnapshot {
  const item = subscription.items.data[0];
  const status = STATUSES.find((known) => known === subscription.status);
  if (!status) throw new Error(`Stripe subscription ${subscription.id} has an unknown status "${subscription.status}"`);
  return {
    id: subscription.id,
    customerId: typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id,
    status,
    priceId: item?.price.id ?? null,
    planIdFromPrice: item?.price.metadata?.planId ?? null,
    currentPeriodStart: fromUnix(item?.current_period_start),
    currentPeriodEnd: fromUnix(item?.current_period_end),
    // The portal may schedule the end as `cancel_at` rather than the flag; either way it ends.
    cancelAtPeriodEnd: subscription.cancel_at_period_end || subscription.cancel_at !== null,
    canceledAt: fromUnix(subscription.canceled_at),
  };
}

export class SdkStripeReader implements StripeReader {
  constructor(private readonly stripe: Stripe) {}

  async subscription(id: string): Promise<SubscriptionSnapshot> {
    return snapshotOf(await this.stripe.subscriptions.retrieve(id));
  }
}
