import { effectivePlan } from '@synthwell/db';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormReader } from '../src/stripe/standin/form.js';
import type { StandinEvent } from '../src/stripe/standin/objects.js';
import { startTestBilling, type TestBilling } from './harness.js';

describe('Stripe webhooks', () => {
  let t: TestBilling;

  beforeAll(async () => {
    t = await startTestBilling();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** POSTs an event as Stripe would, signed with the SDK's test header (or a given secret/time). */
  async function deliver(event: unknown, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
    const payload = JSON.stringify(event);
    const signature =
      options.signature ??
      Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: options.secret ?? t.config.webhookSecret,
        ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      });
    const response = await fetch(`${t.url}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body: payload,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /**
   * A user who went through Checkout for Premium with webhooks held: the stand-in has the
   * subscription and its events, billing has heard nothing yet.
   */
  async function subscribedUser() {
    const user = await t.user();
    t.standin.webhooks.settings.hold = true;
    const { sessionId } = await user.client.mutation<{ url: string; sessionId: string }>('subscription.checkout', {
      planId: 'pln_premium',
    });
    const paid = t.standin.store.completeCheckout(sessionId);
    const subscriptionId = paid.subscription as string;
    const events = eventsFor(subscriptionId);
    return { ...user, subscriptionId, events };
  }

  /** The held events about one subscription, in the order they happened; releases nothing. */
  function eventsFor(subscriptionId: string): StandinEvent[] {
    return [...t.standin.store.events.values()].filter((event) => {
      const object = event.data.object as unknown as Record<string, unknown>;
      const parent = object.parent as { subscription_details?: { subscription?: string } } | undefined;
      return (
        object.id === subscriptionId ||
        object.subscription === subscriptionId ||
        parent?.subscription_details?.subscription === subscriptionId
      );
    });
  }

  async function localSubscription(subscriptionId: string) {
    return t.db.subscription.findUnique({ where: { stripeSubscriptionId: subscriptionId } });
  }

  it('refuses a bad signature or a stale timestamp with 400 and changes nothing', async () => {
    const { subscriptionId, events } = await subscribedUser();
    const event = events.find((candidate) => candidate.type === 'customer.subscription.created');
    expect((await deliver(event, { secret: 'whsec_not_the_right_one' })).status).toBe(400);
    expect((await deliver(event, { signature: 't=1,v1=deadbeef' })).status).toBe(400);
    expect((await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 })).status).toBe(400);
    const unsigned = await fetch(`${t.url}/stripe/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(400);
    expect(await localSubscription(subscriptionId)).toBeNull();
    expect(await t.db.stripeEvent.count({ where: { id: event?.id ?? '' } })).toBe(0);
  });

  it('grants the plan from the webhook, once per event id, whatever the duplicates', async () => {
    const { userId, subscriptionId, events } = await subscribedUser();
    expect((await effectivePlan(t.db, userId)).slug).toBe('free');
    const created = events.find((event) => event.type === 'customer.subscription.created');
    const first = await deliver(created);
    expect(first).toEqual({ status: 200, body: { received: true } });
    const again = await Promise.all([deliver(created), deliver(created), deliver(created)]);
    expect(again.map((response) => response.body)).toEqual(Array(3).fill({ received: true, ignored: 'duplicate' }));
    expect((await effectivePlan(t.db, userId)).slug).toBe('premium');
    expect(await t.db.subscription.count({ where: { stripeSubscriptionId: subscriptionId } })).toBe(1);
    expect(await t.db.stripeEvent.findUnique({ where: { id: created?.id ?? '' } })).toMatchObject({
      type: 'customer.subscription.created',
      objectId: subscriptionId,
    });
  });

  it('converges to Stripe’s state when an old event arrives after a newer one', async () => {
    const { userId, subscriptionId, events } = await subscribedUser();
    await t.standin.webhooks.release('fifo');
    await t.standin.webhooks.flush();
    t.standin.webhooks.settings.hold = true;
    // The user cancels at period end, the period ends: the subscription is over.
    t.standin.store.updateSubscription(subscriptionId, formOf({ cancel_at_period_end: 'true' }));
    t.standin.store.advance(subscriptionId);
    const later = eventsFor(subscriptionId).filter((event) => !events.includes(event));
    expect(later.map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.deleted',
    ]);
    // Deleted first, then the stale "updated" (whose payload still says active): the result is canceled.
    await deliver(later[1]);
    await deliver(later[0]);
    await deliver(events[0]);
    expect(await localSubscription(subscriptionId)).toMatchObject({ status: 'canceled', cancelAtPeriodEnd: true });
    expect((await effectivePlan(t.db, userId)).slug).toBe('free');
    t.standin.webhooks.release();
  });

  it('acknowledges events for unknown customers and unhandled types without changing anything', async () => {
    const { subscriptionId, events } = await subscribedUser();
    t.standin.webhooks.release();
    await t.standin.webhooks.flush();
    // A subscription of a customer no user has (e.g. made in the Stripe dashboard).
    const stranger = t.standin.store.createCustomer(formOf({ email: 'stranger@example.com' }));
    const created = structuredClone(
      events.find((event) => event.type === 'customer.subscription.created'),
    ) as StandinEvent;
    const foreign = t.standin.store.subscription(subscriptionId);
    const copyId = `sub_foreign_${Date.now()}`;
    t.standin.store.subscriptions.set(copyId, { ...structuredClone(foreign), id: copyId, customer: stranger.id });
    const unknown = await deliver({
      ...created,
      id: `evt_unknown_${Date.now()}`,
      data: { object: { ...created.data.object, id: copyId } },
    });
    expect(unknown).toEqual({ status: 200, body: { received: true, ignored: 'unknown_customer' } });
    expect(await localSubscription(copyId)).toBeNull();

    const other = await deliver({ ...created, id: `evt_other_${Date.now()}`, type: 'customer.created' });
    expect(other).toEqual({ status: 200, body: { received: true, ignored: 'unhandled_type' } });
  });

  it('keeps the plan through a failed renewal for 3 days of grace, then falls back to Free', async () => {
    const { userId, subscriptionId } = await subscribedUser();
    t.standin.store.advance(subscriptionId, { failPayment: true });
    t.standin.webhooks.release('shuffle');
    await t.standin.webhooks.flush();
    const local = await localSubscription(subscriptionId);
    expect(local?.status).toBe('past_due');
    const grace = (local?.graceUntil?.getTime() ?? 0) - Date.now();
    expect(grace).toBeGreaterThan(3 * 24 * 3600 * 1000 - 60_000);
    expect(grace).toBeLessThanOrEqual(3 * 24 * 3600 * 1000);
    expect((await effectivePlan(t.db, userId)).slug).toBe('premium');
    const afterGrace = new Date((local?.graceUntil?.getTime() ?? 0) + 1000);
    expect((await effectivePlan(t.db, userId, afterGrace)).slug).toBe('free');
    // A later successful retry restores it for good.
    t.standin.store.payOpenInvoice(subscriptionId);
    await t.standin.webhooks.flush();
    expect(await localSubscription(subscriptionId)).toMatchObject({ status: 'active', graceUntil: null });
  });

  it('ends in Stripe’s state across shuffled, duplicated HTTP deliveries of whole histories', async () => {
    for (let run = 0; run < 6; run++) {
      const { userId, subscriptionId } = await subscribedUser();
      const store = t.standin.store;
      store.updateSubscription(subscriptionId, formOf({ cancel_at_period_end: 'true' }));
      store.updateSubscription(subscriptionId, formOf({ cancel_at_period_end: 'false' }));
      store.advance(subscriptionId, { failPayment: run % 2 === 0 });
      if (run % 2 === 0) store.payOpenInvoice(subscriptionId);
      store.advance(subscriptionId, { failPayment: run % 4 === 0 });
      t.standin.webhooks.settings.duplicate = true;
      t.standin.webhooks.release('shuffle');
      await t.standin.webhooks.flush();
      t.standin.webhooks.settings.duplicate = false;
      const truth = store.subscription(subscriptionId);
      const item = truth.items.data[0];
      expect(await localSubscription(subscriptionId)).toMatchObject({
        userId,
        planId: 'pln_premium',
        status: truth.status,
        cancelAtPeriodEnd: false,
        currentPeriodStart: new Date((item?.current_period_start ?? 0) * 1000),
        currentPeriodEnd: new Date((item?.current_period_end ?? 0) * 1000),
      });
    }
  });
});

/** Parameters for the stand-in's store, which reads them as its HTTP API does. */
const formOf = (values: Record<string, string>) => new FormReader(values);
