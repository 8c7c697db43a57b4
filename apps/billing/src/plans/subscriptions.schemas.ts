import { z } from 'zod';
import { Timestamp } from '../core/timestamp.js';
import { PlanView } from './plans.schemas.js';

export const SubscriptionStatus = z.enum([
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
]);

export const SubscriptionView = z.object({
  id: z.string(),
  planId: z.string(),
  planName: z.string(),
  status: SubscriptionStatus,
  currentPeriodEnd: Timestamp.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  /** Past due: the plan is kept until then. */
  graceUntil: Timestamp.nullable(),
  /** Paid through Stripe (manageable in the portal) rather than set up by an operator. */
  managedByStripe: z.boolean(),
});
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type SubscriptionView = z.input<typeof SubscriptionView>;

/** The plan in force and why: an admin's comp, a subscription, or the default plan. */
export const CurrentPlan = z.object({
  plan: PlanView,
  source: z.enum(['comp', 'subscription', 'default']),
  subscription: SubscriptionView.nullable(),
});
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type CurrentPlan = z.input<typeof CurrentPlan>;

export const CheckoutInput = z.object({ planId: z.string().min(1, 'Choose a plan.').max(64) });
export const RedirectUrl = z.object({ url: z.url() });
export const CheckoutRedirect = RedirectUrl.extend({ sessionId: z.string() });
