import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

/**
 * The objects the stand-in serves. Each is the subset of the `stripe` SDK's type that Synthwell reads,
 * picked from that type so field names and value types cannot drift from the real API's.
 */
export type StandinCustomer = Pick<
  Stripe.Customer,
  'id' | 'object' | 'created' | 'livemode' | 'email' | 'name' | 'metadata' | 'description'
>;

export type StandinProduct = Pick<
  Stripe.Product,
  'id' | 'object' | 'active' | 'created' | 'updated' | 'livemode' | 'name' | 'description' | 'metadata'
>;

export type StandinPrice = Pick<
  Stripe.Price,
  | 'id'
  | 'object'
  | 'active'
  | 'created'
  | 'livemode'
  | 'currency'
  | 'unit_amount'
  | 'product'
  | 'type'
  | 'billing_scheme'
  | 'metadata'
  | 'lookup_key'
  | 'nickname'
> & { recurring: Pick<Stripe.Price.Recurring, 'interval' | 'interval_count' | 'usage_type' | 'meter'> | null };

export type StandinSubscriptionItem = Pick<
  Stripe.SubscriptionItem,
  'id' | 'object' | 'created' | 'current_period_start' | 'current_period_end' | 'metadata' | 'quantity' | 'subscription'
> & { price: StandinPrice };

export type StandinSubscription = Pick<
  Stripe.Subscription,
  | 'id'
  | 'object'
  | 'created'
  | 'livemode'
  | 'status'
  | 'cancel_at'
  | 'cancel_at_period_end'
  | 'canceled_at'
  | 'ended_at'
  | 'start_date'
  | 'currency'
  | 'collection_method'
  | 'metadata'
> & {
  customer: string;
  latest_invoice: string | null;
  items: { object: 'list'; data: StandinSubscriptionItem[]; has_more: false; url: string };
};

export type StandinInvoice = Pick<
  Stripe.Invoice,
  | 'id'
  | 'object'
  | 'created'
  | 'livemode'
  | 'status'
  | 'currency'
  | 'amount_due'
  | 'amount_paid'
  | 'amount_remaining'
  | 'attempt_count'
  | 'billing_reason'
  | 'period_start'
  | 'period_end'
  | 'number'
  | 'total'
  | 'hosted_invoice_url'
  | 'invoice_pdf'
> & {
  customer: string;
  parent: {
    type: 'subscription_details';
    quote_details: null;
    subscription_details: { subscription: string; metadata: Record<string, string> | null };
  };
};

export type StandinCheckoutSession = Pick<
  Stripe.Checkout.Session,
  | 'id'
  | 'object'
  | 'created'
  | 'livemode'
  | 'mode'
  | 'status'
  | 'payment_status'
  | 'client_reference_id'
  | 'success_url'
  | 'cancel_url'
  | 'url'
  | 'metadata'
  | 'expires_at'
  | 'currency'
  | 'amount_total'
> & { customer: string; subscription: string | null };

export type StandinPortalSession = Pick<
  Stripe.BillingPortal.Session,
  'id' | 'object' | 'created' | 'livemode' | 'return_url' | 'url' | 'locale' | 'on_behalf_of' | 'flow'
> & { customer: string; configuration: string };

export type StandinMeterEvent = Pick<
  Stripe.Billing.MeterEvent,
  'object' | 'created' | 'livemode' | 'event_name' | 'identifier' | 'payload' | 'timestamp'
>;

/** Every object a webhook event can carry. */
export type StandinEventObject = StandinCheckoutSession | StandinSubscription | StandinInvoice;

export type StandinEventType =
  | 'checkout.session.completed'
  | 'customer.subscription.created'
  | 'customer.subscription.updated'
  | 'customer.subscription.deleted'
  | 'invoice.paid'
  | 'invoice.payment_failed';

export type StandinEvent = Pick<
  Stripe.Event,
  'id' | 'object' | 'api_version' | 'created' | 'livemode' | 'pending_webhooks' | 'request'
> & {
  type: StandinEventType;
  data: { object: StandinEventObject; previous_attributes?: Record<string, unknown> };
};

/** Stripe-style ids: a type prefix and 24 random alphanumerics. */
export function stripeId(prefix: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let suffix = '';
  for (const byte of randomBytes(24)) suffix += alphabet[byte % alphabet.length];
  return `${prefix}_${suffix}`;
}

/** Seconds since the epoch, Stripe's unit for timestamps. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** The end of a billing period that starts at `start` (seconds), in calendar months or years like Stripe. */
export function periodEnd(start: number, interval: Stripe.Price.Recurring.Interval): number {
  const date = new Date(start * 1000);
  if (interval === 'year') date.setUTCFullYear(date.getUTCFullYear() + 1);
  else if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  else if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7);
  else date.setUTCDate(date.getUTCDate() + 1);
  return Math.floor(date.getTime() / 1000);
}
