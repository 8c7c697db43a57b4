import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverageReporter } from '../src/usage/overage.reporter.js';
import { utcDay } from '../src/usage/usage.service.js';
import { type SignedInClient, startTestBilling, type TestBilling } from './harness.js';

describe('usage and overage reporting', () => {
  let t: TestBilling;
  let reporter: OverageReporter;

  beforeAll(async () => {
    t = await startTestBilling();
    reporter = t.billing.app.get(OverageReporter);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A plan with overage on (chat quota 100/day) and a user subscribed to it through Checkout. */
  async function overageSubscriber(): Promise<SignedInClient & { customerId: string }> {
    const admin = await t.admin();
    const slug = `metered-${Date.now()}`;
    const created = await admin.client.graphql(
      `mutation { createPlan(input: { slug: "${slug}", name: "Metered", priceCents: 1500, currency: "usd", interval: month,
        requestsPerMinute: 100, tokensPerMinute: 100000, chatRequestsPerDay: 100, imagesPerDay: 10, syntheticRecordsPerDay: 1000,
        concurrentSyntheticJobs: 2, modelTiers: [standard, premium], overageEnabled: true, stripeMeterEventName: "synthwell_overage" }) { id } }`,
    );
    const plan = created.body.data?.createPlan as { id: string } | undefined;
    const planId = plan?.id ?? 'missing';
    const user = await t.user();
    const { sessionId } = await user.client.mutation<{ sessionId: string }>('subscription.checkout', { planId });
    t.standin.store.completeCheckout(sessionId);
    await t.standin.webhooks.flush();
    const { stripeCustomerId } = await t.db.user.findUniqueOrThrow({ where: { id: user.userId } });
    return { ...user, customerId: stripeCustomerId as string };
  }

  async function addUsage(userId: string, day: Date, chatRequests: number, images = 0): Promise<void> {
    await t.db.usageDaily.upsert({
      where: { userId_day_feature_model: { userId, day, feature: 'chat', model: 'sw-ngram-mini' } },
      create: { userId, day, feature: 'chat', model: 'sw-ngram-mini', requests: chatRequests },
      update: { requests: { increment: chatRequests } },
    });
    if (images > 0) {
      await t.db.usageDaily.create({
        data: { userId, day, feature: 'image', model: 'sw-canvas', requests: images, images },
      });
    }
  }

  const meterEventsOf = (customerId: string) =>
    [...t.standin.store.meterEvents.values()].filter((event) => event.payload.stripe_customer_id === customerId);

  it('reports only usage beyond the quota, each increase once, never the same usage twice', async () => {
    const { userId, customerId } = await overageSubscriber();
    const today = utcDay(new Date());
    const yesterday = utcDay(new Date(), 1);
    await addUsage(userId, yesterday, 130, 12);
    await addUsage(userId, today, 90);

    await reporter.report();
    expect(
      meterEventsOf(customerId)
        .map((event) => [event.payload.value, event.identifier])
        .sort(),
    ).toEqual(
      [
        ['2', `ovg_${userId}_${yesterday.toISOString().slice(0, 10)}_image_2`],
        ['30', `ovg_${userId}_${yesterday.toISOString().slice(0, 10)}_chat_30`],
      ].sort(),
    );

    // A rerun finds nothing new.
    expect(await reporter.report()).toEqual({ events: 0, quantity: 0 });
    expect(meterEventsOf(customerId)).toHaveLength(2);

    // More usage today crosses the quota: only the increase is sent.
    await addUsage(userId, today, 25);
    await reporter.report();
    expect(
      meterEventsOf(customerId)
        .map((event) => event.payload.value)
        .sort(),
    ).toEqual(['15', '2', '30']);
    await addUsage(userId, yesterday, 5);
    await Promise.all([reporter.report(), reporter.report()]);
    expect(
      meterEventsOf(customerId)
        .map((event) => event.payload.value)
        .sort(),
    ).toEqual(['15', '2', '30', '5']);
    const reports = await t.db.meterReport.findMany({
      where: { userId, feature: 'chat' },
      orderBy: { quantity: 'asc' },
    });
    expect(reports.map((report) => report.quantity)).toEqual([15, 30, 35]);
  });

  it('records usage Stripe already has (a run cut off before its commit) without sending it again', async () => {
    const { userId, customerId } = await overageSubscriber();
    const day = utcDay(new Date(), 2);
    await addUsage(userId, day, 110);
    // Stripe received the event, but the run died before recording it.
    await t.billing.stripe.billing.meterEvents.create({
      event_name: 'synthwell_overage',
      identifier: `ovg_${userId}_${day.toISOString().slice(0, 10)}_chat_10`,
      payload: { stripe_customer_id: customerId, value: '10' },
    });
    await reporter.report();
    expect(meterEventsOf(customerId)).toHaveLength(1);
    expect(await t.db.meterReport.count({ where: { userId } })).toBe(1);
    expect(await reporter.report()).toEqual({ events: 0, quantity: 0 });
  });

  it('reports nothing for plans without overage, and shows users their daily usage', async () => {
    const { client, userId } = await t.user();
    await addUsage(userId, utcDay(new Date()), 500);
    expect(await reporter.report()).toEqual({ events: 0, quantity: 0 });
    expect(await client.query('usage.daily', { days: 1 })).toEqual([
      {
        day: utcDay(new Date()).toISOString().slice(0, 10),
        feature: 'chat',
        model: 'sw-ngram-mini',
        requests: 500,
        promptTokens: 0,
        completionTokens: 0,
        images: 0,
        records: 0,
      },
    ]);
  });

  it('lets an admin run the report now over tRPC, audited', async () => {
    const admin = await t.admin();
    expect(await admin.client.mutation('admin.reportOverage')).toEqual({ events: 0, quantity: 0 });
    expect(
      await t.db.auditLog.findFirst({ where: { actorId: admin.userId, action: 'overage.report' } }),
    ).not.toBeNull();
  });
});

describe('conversations', () => {
  let t: TestBilling;

  beforeAll(async () => {
    t = await startTestBilling();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('saves a chat, appends in order, renames, pages and deletes', async () => {
    const { client } = await t.user();
    const created = await client.mutation<{ id: string; messages: { role: string; content: string }[] }>(
      'conversations.create',
      {
        title: 'About the jury',
        model: 'sw-ngram-mini',
        messages: [{ role: 'user', content: 'Tell me about the jury.' }],
      },
    );
    expect(created.id).toMatch(/^cnv_/);
    const appended = await client.mutation<{ messages: { role: string; content: string }[] }>('conversations.append', {
      id: created.id,
      messages: [
        { role: 'assistant', content: 'The jury said...', model: 'sw-ngram-mini' },
        { role: 'user', content: 'More.' },
      ],
    });
    expect(appended.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    await client.mutation('conversations.rename', { id: created.id, title: 'Renamed' });
    for (const title of ['second', 'third'])
      await client.mutation('conversations.create', { title, model: 'sw-ngram-mini' });
    const first = await client.query<{ items: { title: string }[]; nextCursor: string | null }>('conversations.list', {
      limit: 2,
    });
    expect(first.items.map((item) => item.title)).toEqual(['third', 'second']);
    const second = await client.query<{ items: { title: string }[]; nextCursor: string | null }>('conversations.list', {
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second).toEqual({ items: [expect.objectContaining({ title: 'Renamed' })], nextCursor: null });
    await client.mutation('conversations.delete', { id: created.id });
    expect((await client.failure(client.query('conversations.get', { id: created.id }))).status).toBe(404);
    const tooLong = await client.failure(
      client.mutation('conversations.create', { title: 't'.repeat(201), model: 'm' }),
    );
    expect(tooLong.message).toBe('title: Titles are at most 200 characters.');
  });
});
