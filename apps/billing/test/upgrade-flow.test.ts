import { effectivePlan } from '@synthwell/db';
import { verifySessionToken } from '@synthwell/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SECRET, startTestBilling, type TestBilling, WEB_URL } from './harness.js';

interface CurrentPlan {
  plan: { slug: string };
  source: string;
  subscription: { status: string; cancelAtPeriodEnd: boolean; managedByStripe: boolean } | null;
}

/** The form actions on a hosted stand-in page. */
function formActions(html: string): string[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((match) => match[1] as string);
}

describe('upgrade flow against the Stripe stand-in, over real HTTP', () => {
  let t: TestBilling;

  beforeAll(async () => {
    t = await startTestBilling();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('Free → Checkout → webhook → Premium → portal cancel → period end → Free', async () => {
    const { client, userId } = await t.user();
    expect((await client.query<CurrentPlan>('subscription.current')).plan.slug).toBe('free');

    // Checkout: billing hands out the stand-in's hosted page.
    const checkout = await client.mutation<{ url: string }>('subscription.checkout', { planId: 'pln_premium' });
    expect(checkout.url).toMatch(new RegExp(`^${t.standin.url}/checkout/cs_test_`));
    const page = await client.fetch(checkout.url);
    const html = await page.text();
    expect(html).toContain('Subscribe to Premium');
    expect(html).toContain('$8.00 / month');

    // Paying redirects to the web app's success page, which grants nothing: the plan waits for Stripe's webhook.
    t.standin.webhooks.settings.hold = true;
    const [payAction] = formActions(html);
    const paid = await client.fetch(`${t.standin.url}${payAction}`, { method: 'POST' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toMatch(
      new RegExp(`^${WEB_URL}/billing\\?checkout=success&session_id=cs_test_`),
    );
    expect((await client.query<CurrentPlan>('subscription.current')).plan.slug).toBe('free');

    t.standin.webhooks.release();
    await t.standin.webhooks.flush();
    const upgraded = await client.query<CurrentPlan>('subscription.current');
    expect(upgraded).toMatchObject({
      plan: { slug: 'premium' },
      source: 'subscription',
      subscription: { status: 'active', cancelAtPeriodEnd: false, managedByStripe: true },
    });
    // What the gateway enforces: the shared effectivePlan rule, for the user in its session token.
    const { token } = await client.mutation<{ token: string }>('auth.sessionToken');
    const claims = verifySessionToken(token, [SESSION_SECRET]);
    expect(claims.ok && (await effectivePlan(t.db, claims.claims.sub)).slug).toBe('premium');

    // A second checkout is refused: the portal manages an existing subscription.
    const again = await client.failure(client.mutation('subscription.checkout', { planId: 'pln_premium' }));
    expect(again).toMatchObject({ status: 409 });

    // Portal: cancel at period end. Premium stays until then.
    const portal = await client.mutation<{ url: string }>('subscription.portal');
    const portalHtml = await (await client.fetch(portal.url)).text();
    expect(portalHtml).toContain('Renews on');
    const [cancelAction] = formActions(portalHtml);
    expect(cancelAction).toMatch(/\/cancel$/);
    expect((await client.fetch(`${t.standin.url}${cancelAction}`, { method: 'POST' })).status).toBe(303);
    await t.standin.webhooks.flush();
    const canceling = await client.query<CurrentPlan>('subscription.current');
    expect(canceling).toMatchObject({
      plan: { slug: 'premium' },
      subscription: { status: 'active', cancelAtPeriodEnd: true },
    });
    expect(await (await client.fetch(portal.url)).text()).toContain('Cancels on');

    // The period ends.
    const subscriptionId = (await t.db.subscription.findFirstOrThrow({ where: { userId } })).stripeSubscriptionId;
    const advanced = await fetch(`${t.standin.url}/__control/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscriptionId }),
    });
    expect(advanced.status).toBe(200);
    await fetch(`${t.standin.url}/__control/flush`, { method: 'POST' });
    const ended = await client.query<CurrentPlan>('subscription.current');
    expect(ended).toMatchObject({ plan: { slug: 'free' }, source: 'default', subscription: { status: 'canceled' } });
    expect((await effectivePlan(t.db, userId)).slug).toBe('free');
  });

  it('leaves the plan alone when the buyer gives up on the hosted page', async () => {
    const { client, userId } = await t.user();
    const checkout = await client.mutation<{ url: string }>('subscription.checkout', { planId: 'pln_premium' });
    const html = await (await client.fetch(checkout.url)).text();
    const cancelLink = /<a href="([^"]+\/cancel)">/.exec(html)?.[1];
    const back = await client.fetch(`${t.standin.url}${cancelLink}`);
    expect(back.headers.get('location')).toBe(`${WEB_URL}/billing?checkout=canceled`);
    await t.standin.webhooks.flush();
    expect((await effectivePlan(t.db, userId)).slug).toBe('free');
  });

  it('recreates a customer and a price that Stripe no longer knows (the stand-in restarted)', async () => {
    const { client, userId } = await t.user();
    await t.db.user.update({ where: { id: userId }, data: { stripeCustomerId: 'cus_forgotten' } });
    const { stripePriceId } = await t.db.plan.findUniqueOrThrow({ where: { id: 'pln_premium' } });
    await t.db.plan.update({ where: { id: 'pln_premium' }, data: { stripePriceId: 'price_forgotten' } });
    try {
      const { sessionId } = await client.mutation<{ sessionId: string }>('subscription.checkout', {
        planId: 'pln_premium',
      });
      const session = t.standin.store.checkoutSession(sessionId);
      expect(session.customer).not.toBe('cus_forgotten');
      expect((await t.db.user.findUniqueOrThrow({ where: { id: userId } })).stripeCustomerId).toBe(session.customer);
      expect((await t.db.plan.findUniqueOrThrow({ where: { id: 'pln_premium' } })).stripePriceId).toMatch(/^price_/);
    } finally {
      await t.db.plan.update({ where: { id: 'pln_premium' }, data: { stripePriceId } });
    }
  });

  it('answers checkout for unknown, free or current plans with clear errors', async () => {
    const { client } = await t.user();
    expect(await client.failure(client.mutation('subscription.checkout', { planId: 'pln_nope' }))).toMatchObject({
      status: 404,
      message: 'No plan with id "pln_nope" is on offer.',
    });
    expect(await client.failure(client.mutation('subscription.checkout', { planId: 'pln_free' }))).toMatchObject({
      status: 400,
      message: 'The Free plan is free: there is nothing to buy.',
    });
    expect(await client.failure(client.mutation('subscription.portal'))).toMatchObject({ status: 412 });
  });
});
