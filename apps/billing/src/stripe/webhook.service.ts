import { Inject, Injectable } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type Stripe from 'stripe';
import type { BillingConfig } from '../config/env.js';
import { BILLING_CONFIG, DB, LOGGER, STRIPE } from '../core/tokens.js';
import { SubscriptionConverger } from './converge.service.js';

/** The only event types billing acts on; every other type is acknowledged and ignored. */
export const HANDLED_EVENT_TYPES = new Set<string>([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
]);

export type WebhookResult =
  | { status: 'invalid_signature'; message: string }
  | {
      status: 'ignored';
      reason: 'unhandled_type' | 'duplicate' | 'no_subscription' | 'unknown_customer' | 'unknown_price';
    }
  | { status: 'processed' };

/** The subscription an allow-listed event is about, if any. */
export function subscriptionIdOf(event: Stripe.Event): string | null {
  const object = event.data.object as unknown as Record<string, unknown>;
  const reference = (value: unknown) =>
    typeof value === 'string' ? value : typeof value === 'object' && value && 'id' in value ? String(value.id) : null;
  switch (event.type) {
    case 'checkout.session.completed':
      return reference(object.subscription);
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return reference(object.id);
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const parent = object.parent as Stripe.Invoice.Parent | null | undefined;
      return reference(parent?.subscription_details?.subscription);
    }
    default:
      return null;
  }
}

/**
 * Verifies, de-duplicates and applies Stripe webhooks. Access changes only here: the Checkout
 * success page grants nothing.
 */
@Injectable()
export class StripeWebhookService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(STRIPE) private readonly stripe: Stripe,
    @Inject(BILLING_CONFIG) private readonly config: BillingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly converger: SubscriptionConverger,
  ) {}

  async handle(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookResult> {
    let event: Stripe.Event;
    try {
      if (!rawBody || !signature) throw new Error('Missing body or Stripe-Signature header.');
      // Verifies the HMAC over the exact bytes received and refuses timestamps older than 5 minutes.
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.config.webhookSecret);
    } catch (error) {
      const message = error instanceof Error ? error.message : 'Invalid signature.';
      this.logger.warn({ reason: message }, 'refused a Stripe webhook');
      return { status: 'invalid_signature', message: 'Webhook signature verification failed.' };
    }
    if (!HANDLED_EVENT_TYPES.has(event.type)) return { status: 'ignored', reason: 'unhandled_type' };

    const subscriptionId = subscriptionIdOf(event);
    await this.db.stripeEvent.createMany({
      data: [{ id: event.id, type: event.type, objectId: subscriptionId }],
      skipDuplicates: true,
    });
    const recorded = await this.db.stripeEvent.findUniqueOrThrow({ where: { id: event.id } });
    // Processed before: a duplicate delivery. (A row without processedAt is a failed attempt: go again.)
    if (recorded.processedAt) return { status: 'ignored', reason: 'duplicate' };

    let result: WebhookResult = { status: 'processed' };
    if (!subscriptionId) {
      result = { status: 'ignored', reason: 'no_subscription' };
    } else {
      const outcome = await this.converger.converge(subscriptionId);
      if (outcome.outcome !== 'applied') result = { status: 'ignored', reason: outcome.outcome };
    }
    await this.db.stripeEvent.update({ where: { id: event.id }, data: { processedAt: new Date() } });
    return result;
  }
}
