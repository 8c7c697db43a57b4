import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedInClient, startTestBilling, type TestBilling } from './harness.js';

const PLAN_FIELDS = `id slug name priceCents currency interval version stripeProductId stripePriceId archivedAt
  chatRequestsPerDay modelTiers overageEnabled stripeMeterEventName activeSubscribers`;

const CREATE_PLAN = `mutation Create($input: CreatePlanInput!) { createPlan(input: $input) { ${PLAN_FIELDS} } }`;
const UPDATE_PLAN = `mutation Update($id: ID!, $input: UpdatePlanInput!) { updatePlan(id: $id, input: $input) { ${PLAN_FIELDS} } }`;

const planInput = (slug: string) => ({
  slug,
  name: `Team ${slug}`,
  priceCents: 2_000,
  currency: 'USD',
  interval: 'month',
  requestsPerMinute: 300,
  tokensPerMinute: 1_000_000,
  chatRequestsPerDay: 5_000,
  imagesPerDay: 500,
  syntheticRecordsPerDay: 50_000,
  concurrentSyntheticJobs: 8,
  modelTiers: ['standard', 'premium'],
});

interface PlanResult {
  id: string;
  version: number;
  stripeProductId: string | null;
  stripePriceId: string | null;
  archivedAt: string | null;
  activeSubscribers: number;
}

describe('admin GraphQL', () => {
  let t: TestBilling;
  let admin: SignedInClient;

  beforeAll(async () => {
    t = await startTestBilling();
    admin = await t.admin();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a plan with its Stripe Product and Price, made with idempotency keys from the plan', async () => {
    const { status, body } = await admin.client.graphql(CREATE_PLAN, { input: planInput('team') });
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    const plan = body.data?.createPlan as PlanResult & { currency: string };
    expect(plan).toMatchObject({ currency: 'usd', version: 1, archivedAt: null, activeSubscribers: 0 });
    const price = t.standin.store.price(plan.stripePriceId ?? '');
    expect(price).toMatchObject({
      unit_amount: 2_000,
      currency: 'usd',
      recurring: { interval: 'month' },
      metadata: { planId: plan.id, planVersion: '1' },
    });
    expect(t.standin.store.product(plan.stripeProductId ?? '').name).toBe('Team team');

    const audit = await t.db.auditLog.findFirstOrThrow({ where: { target: `plan:${plan.id}`, action: 'plan.create' } });
    expect(audit.actorId).toBe(admin.userId);
    expect(audit.after).toMatchObject({ slug: 'team', priceCents: 2_000 });
  });

  it('reprices with a new Stripe Price and a new version, keeping the product; other edits keep the price', async () => {
    const created = (await admin.client.graphql(CREATE_PLAN, { input: planInput('reprice') })).body.data
      ?.createPlan as PlanResult;
    const renamed = (
      await admin.client.graphql(UPDATE_PLAN, { id: created.id, input: { name: 'Renamed', chatRequestsPerDay: 6_000 } })
    ).body.data?.updatePlan as PlanResult & { chatRequestsPerDay: number };
    expect(renamed).toMatchObject({ version: 2, stripePriceId: created.stripePriceId, chatRequestsPerDay: 6_000 });
    const repriced = (await admin.client.graphql(UPDATE_PLAN, { id: created.id, input: { priceCents: 2_500 } })).body
      .data?.updatePlan as PlanResult;
    expect(repriced.version).toBe(3);
    expect(repriced.stripeProductId).toBe(created.stripeProductId);
    expect(repriced.stripePriceId).not.toBe(created.stripePriceId);
    expect(t.standin.store.price(repriced.stripePriceId ?? '')).toMatchObject({
      unit_amount: 2_500,
      metadata: { planVersion: '3' },
    });

    const entries = await t.db.auditLog.findMany({
      where: { target: `plan:${created.id}` },
      orderBy: { createdAt: 'asc' },
    });
    expect(entries.map((entry) => entry.action)).toEqual(['plan.create', 'plan.update', 'plan.update']);
    expect(entries[2]?.before).toMatchObject({ priceCents: 2_000, version: 2 });
    expect(entries[2]?.after).toMatchObject({ priceCents: 2_500, version: 3 });
  });

  it('archives a plan: off offer, subscribers keep it', async () => {
    const created = (await admin.client.graphql(CREATE_PLAN, { input: planInput('archived') })).body.data
      ?.createPlan as PlanResult;
    const { userId } = await t.user();
    await t.db.subscription.create({
      data: { id: `sub_archive_${Date.now()}`, userId, planId: created.id, status: 'active' },
    });
    const archived = await admin.client.graphql(
      `mutation { archivePlan(id: "${created.id}") { archivedAt version activeSubscribers } }`,
    );
    expect(archived.body.data?.archivePlan).toMatchObject({ version: 2, activeSubscribers: 1 });
    const onOffer = await t.client().query<{ id: string }[]>('plans.list');
    expect(onOffer.map((plan) => plan.id)).not.toContain(created.id);
    const user = await admin.client.graphql(`query { user(id: "${userId}") { effectivePlan { id } } }`);
    expect(user.body.data?.user).toEqual({ effectivePlan: { id: created.id } });
  });

  it('lists and searches users, promotes one, and comps a plan; each change is audited', async () => {
    const target = await t.user({ email: `findme-${Date.now()}@example.com` });
    const found = await admin.client.graphql(
      `query { users(search: "FINDME", limit: 5) { id email role effectivePlan { slug } } }`,
    );
    expect(found.body.data?.users).toEqual([
      { id: target.userId, email: target.email, role: 'user', effectivePlan: { slug: 'free' } },
    ]);

    const promoted = await admin.client.graphql(
      `mutation { setUserRole(userId: "${target.userId}", role: admin) { role } }`,
    );
    expect(promoted.body.data?.setUserRole).toEqual({ role: 'admin' });
    const comped = await admin.client.graphql(
      `mutation { compPlan(userId: "${target.userId}", planId: "pln_premium") { compPlanId effectivePlan { slug } } }`,
    );
    expect(comped.body.data?.compPlan).toEqual({ compPlanId: 'pln_premium', effectivePlan: { slug: 'premium' } });

    const log = await admin.client.graphql(
      `query { auditLog(target: "user:${target.userId}") { actorId action before after } }`,
    );
    expect(log.body.data?.auditLog).toEqual([
      {
        actorId: admin.userId,
        action: 'user.comp_plan',
        before: '{"compPlanId":null}',
        after: '{"compPlanId":"pln_premium"}',
      },
      { actorId: admin.userId, action: 'user.set_role', before: '{"role":"user"}', after: '{"role":"admin"}' },
    ]);
  });

  it("resolves a subscription's plan and user", async () => {
    const { userId, email } = await t.user();
    await t.db.subscription.create({
      data: { id: `sub_fields_${Date.now()}`, userId, planId: 'pln_premium', status: 'active' },
    });
    const { status, body } = await admin.client.graphql(
      `query { subscriptions(userId: "${userId}") { status plan { id name } user { id email } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(status).toBe(200);
    expect(body.data?.subscriptions).toEqual([
      { status: 'active', plan: { id: 'pln_premium', name: 'Premium' }, user: { id: userId, email } },
    ]);
  });

  it('sums usage by account, model and day from the daily rollups', async () => {
    const a = await t.user();
    const b = await t.user();
    const rows = [
      {
        userId: a.userId,
        day: new Date('2026-03-01'),
        feature: 'chat' as const,
        model: 'sw-ngram-mini',
        requests: 3,
        promptTokens: 30n,
      },
      {
        userId: a.userId,
        day: new Date('2026-03-02'),
        feature: 'chat' as const,
        model: 'sw-ngram-pro',
        requests: 2,
        promptTokens: 20n,
      },
      {
        userId: b.userId,
        day: new Date('2026-03-02'),
        feature: 'image' as const,
        model: 'sw-canvas',
        requests: 4,
        images: 4,
      },
    ];
    await t.db.usageDaily.createMany({ data: rows });
    const byAccount = await admin.client.graphql(
      `query { usage(from: "2026-03-01", to: "2026-03-02", groupBy: [account]) { userId model day requests promptTokens images } }`,
    );
    expect(byAccount.body.data?.usage).toEqual(
      [
        { userId: a.userId, model: null, day: null, requests: 5, promptTokens: 50, images: 0 },
        { userId: b.userId, model: null, day: null, requests: 4, promptTokens: 0, images: 4 },
      ].sort((x, y) => x.userId.localeCompare(y.userId)),
    );
    const byModelDay = await admin.client.graphql(
      `query { usage(from: "2026-03-02", to: "2026-03-02", groupBy: [model, day], userId: "${a.userId}") { model day requests } }`,
    );
    expect(byModelDay.body.data?.usage).toEqual([{ model: 'sw-ngram-pro', day: '2026-03-02', requests: 2 }]);
  });

  it('answers bad input and unknown ids with clear errors', async () => {
    const badSlug = await admin.client.graphql(CREATE_PLAN, {
      input: { ...planInput('Bad Slug!'), currency: 'dollars' },
    });
    expect(badSlug.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(badSlug.body.errors?.[0]?.message).toContain('slug: Slugs are 1-40 lower-case letters');
    expect(badSlug.body.errors?.[0]?.message).toContain('currency: Currencies are three-letter ISO codes');
    const duplicate = await admin.client.graphql(CREATE_PLAN, { input: planInput('premium') });
    expect(duplicate.body.errors?.[0]).toMatchObject({
      message: 'A plan with slug "premium" already exists.',
      extensions: { code: 'CONFLICT' },
    });
    const unknown = await admin.client.graphql(`mutation { archivePlan(id: "pln_nope") { id } }`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'No plan with id "pln_nope".',
      extensions: { code: 'NOT_FOUND' },
    });
    const comp = await admin.client.graphql(
      `mutation { compPlan(userId: "${admin.userId}", planId: "pln_nope") { id } }`,
    );
    expect(comp.body.errors?.[0]?.message).toBe('No plan with id "pln_nope".');
    const range = await admin.client.graphql(`query { usage(from: "2026-03-05", to: "2026-03-01") { requests } }`);
    expect(range.body.errors?.[0]?.message).toBe('from must not be after to.');
    const free = await admin.client.graphql(UPDATE_PLAN, { id: 'pln_free', input: { priceCents: 100 } });
    expect(free.body.errors?.[0]?.message).toContain('it must stay free');
  });

  it('refuses queries deeper than 8 levels or costlier than the complexity limit', async () => {
    const deep = await admin.client.graphql(
      `query { subscriptions(limit: 1) { user { subscriptions(limit: 1) { user { subscriptions(limit: 1) {
        user { subscriptions(limit: 1) { user { id } } } } } } } } }`,
    );
    expect(deep.status).toBe(400);
    expect(deep.body.errors?.[0]?.message).toMatch(/depth/i);
    const costly = await admin.client.graphql(
      `query { users(limit: 100) { id subscriptions { id plan { id name slug priceCents } user { id email subscriptions { id } } } } }`,
    );
    expect(costly.status).toBe(400);
    expect(costly.body.errors?.[0]).toMatchObject({ extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const fine = await admin.client.graphql(`query { users(limit: 10) { id subscriptions { id } } }`);
    expect(fine.body.errors).toBeUndefined();
  });
});
