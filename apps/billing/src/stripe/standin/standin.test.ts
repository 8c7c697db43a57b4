import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseStripeForm } from './form.js';
import { STANDIN_SECRET_KEY, StripeStandin } from './server.js';

const SECRET = 'whsec_standin_test_secret';

/** A webhook receiver that verifies each delivery with the real SDK, as billing does. */
async function startReceiver(): Promise<{
  url: string;
  events: Stripe.Event[];
  server: Server;
  failNext: { count: number };
}> {
  const events: Stripe.Event[] = [];
  const failNext = { count: 0 };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (failNext.count > 0) {
      failNext.count--;
      response.writeHead(500).end();
      return;
    }
    try {
      events.push(
        Stripe.webhooks.constructEvent(Buffer.concat(chunks), request.headers['stripe-signature'] ?? '', SECRET),
      );
      response.writeHead(200).end();
    } catch {
      response.writeHead(400).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, events, server, failNext };
}

describe('parseStripeForm', () => {
  it('decodes bracketed keys into nested objects and indexed arrays', () => {
    const form = parseStripeForm(
      'mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=1&metadata[userId]=usr_1&expand[0]=a&expand[1]=b',
    );
    expect(form).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_1', quantity: '1' }],
      metadata: { userId: 'usr_1' },
      expand: ['a', 'b'],
    });
  });
});

describe('Stripe stand-in through the stripe SDK', () => {
  let standin: StripeStandin;
  let stripe: Stripe;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    standin = await StripeStandin.start({
      port: 0,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      webhookRetryDelaysMs: [10, 10],
    });
    stripe = new Stripe(STANDIN_SECRET_KEY, {
      host: '127.0.0.1',
      port: standin.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await standin?.close();
    receiver?.server.close();
  });
  beforeEach(async () => {
    await standin.webhooks.flush();
    receiver.events.length = 0;
  });

  async function paidSubscription(): Promise<{ customer: Stripe.Customer; subscription: Stripe.Subscription }> {
    const customer = await stripe.customers.create({ email: 'a@example.com' });
    const product = await stripe.products.create({ name: 'Premium' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 800,
      recurring: { interval: 'month' },
      metadata: { planId: 'pln_premium' },
    });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://web.test/billing?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://web.test/billing',
    });
    const page = await fetch(session.url ?? '');
    expect(await page.text()).toContain('Pay with test card');
    const paid = await fetch(`${standin.url}/checkout/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://web.test/billing?session=${session.id}`);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const subscription = await stripe.subscriptions.retrieve(completed.subscription as string);
    return { customer, subscription };
  }

  it('runs a subscription from Checkout to its end, with signed webhooks the SDK verifies', async () => {
    const { subscription } = await paidSubscription();
    expect(subscription).toMatchObject({ object: 'subscription', status: 'active', livemode: false });
    expect(subscription.items.data[0]?.price.metadata).toEqual({ planId: 'pln_premium' });
    const item = subscription.items.data[0] as Stripe.SubscriptionItem;
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start);

    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await fetch(`${standin.url}/__control/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscription.id }),
    });
    await standin.webhooks.flush();
    expect(receiver.events.map((event) => event.type).sort()).toEqual([
      'checkout.session.completed',
      'customer.subscription.created',
      'customer.subscription.deleted',
      'customer.subscription.updated',
      'invoice.paid',
    ]);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });

  it('bills an invoice at the start and at each renewal, listed newest first with a hosted page and a PDF', async () => {
    const { customer, subscription } = await paidSubscription();
    await fetch(`${standin.url}/__control/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscription.id }),
    });
    const invoices = await stripe.invoices.list({ customer: customer.id });
    expect(invoices.has_more).toBe(false);
    expect(invoices.data.map((invoice) => invoice.billing_reason)).toEqual([
      'subscription_cycle',
      'subscription_create',
    ]);
    const [renewal, first] = invoices.data as [Stripe.Invoice, Stripe.Invoice];
    expect(first).toMatchObject({ status: 'paid', amount_paid: 800, total: 800, currency: 'usd' });
    expect(first.number).toMatch(/^[A-Z0-9]{8}-0001$/);
    expect(renewal.number).toMatch(/-0002$/);
    expect(renewal.period_start).toBe(first.period_end);
    expect((await stripe.invoices.retrieve(first.id)).id).toBe(first.id);

    const paged = await stripe.invoices.list({ customer: customer.id, limit: 1 });
    expect(paged).toMatchObject({ has_more: true, data: [{ id: renewal.id }] });
    const next = await stripe.invoices.list({ customer: customer.id, limit: 1, starting_after: renewal.id });
    expect(next.data.map((invoice) => invoice.id)).toEqual([first.id]);
    const others = await stripe.invoices.list({ customer: (await stripe.customers.create({})).id });
    expect(others.data).toEqual([]);

    const hosted = await fetch(first.hosted_invoice_url ?? '');
    const page = await hosted.text();
    expect(page).toContain(first.number ?? '');
    expect(page).toContain('$8.00');
    const pdf = await fetch(first.invoice_pdf ?? '');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.toString('latin1')).toContain(`(Invoice number: ${first.number})`);
  });

  it('replays a request with the same idempotency key and refuses the key for different parameters', async () => {
    const first = await stripe.products.create({ name: 'Once' }, { idempotencyKey: 'plan:x:product' });
    const again = await stripe.products.create({ name: 'Once' }, { idempotencyKey: 'plan:x:product' });
    expect(again.id).toBe(first.id);
    await expect(stripe.products.create({ name: 'Other' }, { idempotencyKey: 'plan:x:product' })).rejects.toMatchObject(
      {
        type: 'StripeIdempotencyError',
      },
    );
    // A request refused as invalid saves nothing under its key.
    const invalid = stripe.products.create({} as Stripe.ProductCreateParams, { idempotencyKey: 'plan:y:product' });
    await expect(invalid).rejects.toMatchObject({ statusCode: 400 });
    expect((await stripe.products.create({ name: 'Y' }, { idempotencyKey: 'plan:y:product' })).name).toBe('Y');
  });

  it("answers unknown ids and bad keys with Stripe's errors", async () => {
    await expect(stripe.subscriptions.retrieve('sub_missing')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });
    const wrongKey = new Stripe('sk_test_wrong', {
      host: '127.0.0.1',
      port: standin.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await expect(wrongKey.customers.create({})).rejects.toMatchObject({ statusCode: 401 });
    await expect(stripe.customers.create({ unknown: 'x' } as Stripe.CustomerCreateParams)).rejects.toMatchObject({
      statusCode: 400,
      param: 'unknown',
    });
  });

  it('fails a renewal payment into past_due, then ends the subscription at the next advance', async () => {
    const { subscription } = await paidSubscription();
    const failed = await fetch(`${standin.url}/__control/fail_payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: subscription.id }),
    });
    expect(((await failed.json()) as Stripe.Subscription).status).toBe('past_due');
    await standin.webhooks.flush();
    const failure = receiver.events.find((event) => event.type === 'invoice.payment_failed');
    const invoice = failure?.data.object as Stripe.Invoice | undefined;
    expect(invoice?.parent?.subscription_details?.subscription).toBe(subscription.id);
    standin.store.advance(subscription.id);
    expect(standin.store.subscription(subscription.id).status).toBe('canceled');
  });

  it('holds webhooks to release them reversed, duplicates them, and retries failed deliveries', async () => {
    standin.webhooks.settings.hold = true;
    const { subscription } = await paidSubscription();
    await standin.webhooks.flush();
    expect(receiver.events).toEqual([]);
    standin.webhooks.release('reverse');
    await standin.webhooks.flush();
    expect(receiver.events.map((event) => event.type)).toEqual([
      'checkout.session.completed',
      'invoice.paid',
      'customer.subscription.created',
    ]);

    receiver.events.length = 0;
    standin.webhooks.settings.duplicate = true;
    receiver.failNext.count = 1;
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await standin.webhooks.flush();
    standin.webhooks.settings.duplicate = false;
    expect(receiver.events.map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'customer.subscription.updated',
    ]);
    expect(receiver.events[0]?.id).toBe(receiver.events[1]?.id);
  });

  it('refuses a second meter event with the same identifier', async () => {
    const customer = await stripe.customers.create({});
    const event = {
      event_name: 'overage',
      payload: { stripe_customer_id: customer.id, value: '3' },
      identifier: 'ovg_1',
    };
    expect((await stripe.billing.meterEvents.create(event)).identifier).toBe('ovg_1');
    await expect(stripe.billing.meterEvents.create(event)).rejects.toMatchObject({ statusCode: 400 });
  });
});
