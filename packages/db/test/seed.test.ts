import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectivePlan } from '../src/plans.js';
import { hashApiKey, verifyPassword } from '../src/secrets.js';
import { newDevCredentials, SEED_MODELS, SEED_PLANS, seed } from '../src/seed/index.js';
import { createAccount, createTestDatabase, type TestDatabase } from '../src/testing/index.js';

describe('seed', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('creates the plans of PRODUCT.md and the built-in models', async () => {
    const plans = await database.db.plan.findMany({ orderBy: { priceCents: 'asc' } });
    expect(plans.map((plan) => plan.slug)).toEqual(['free', 'premium']);
    const [free, premium] = plans;
    expect(free).toMatchObject({
      priceCents: 0,
      requestsPerMinute: 20,
      chatRequestsPerDay: 50,
      imagesPerDay: 5,
      syntheticRecordsPerDay: 200,
      concurrentSyntheticJobs: 1,
      isDefault: true,
      modelTiers: ['standard'],
    });
    expect(premium).toMatchObject({
      priceCents: 800,
      currency: 'usd',
      requestsPerMinute: 120,
      chatRequestsPerDay: 2000,
      imagesPerDay: 200,
      syntheticRecordsPerDay: 20000,
      concurrentSyntheticJobs: 5,
      modelTiers: ['standard', 'premium'],
    });
    const models = await database.db.model.findMany({ include: { routes: true } });
    expect(models.map((model) => model.id).sort()).toEqual(SEED_MODELS.map((model) => model.id).sort());
    expect(models.every((model) => model.routes.length > 0)).toBe(true);
  });

  it('is idempotent and keeps dev credentials working across runs', async () => {
    const credentials = newDevCredentials();
    await seed(database.db, credentials);
    await seed(database.db, credentials);
    expect(await database.db.plan.count()).toBe(SEED_PLANS.length);
    expect(await database.db.user.count({ where: { email: { endsWith: '@synthwell.local' } } })).toBe(3);

    const admin = await database.db.user.findUniqueOrThrow({ where: { email: credentials.admin.email } });
    expect(admin.role).toBe('admin');
    expect(await verifyPassword(credentials.admin.password, admin.passwordHash)).toBe(true);
    const key = await database.db.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(credentials.free.apiKey) } });
    expect(key.prefix).toBe(credentials.free.apiKey.slice(0, key.prefix.length));

    const premiumUser = await database.db.user.findUniqueOrThrow({ where: { email: credentials.premium.email } });
    expect((await effectivePlan(database.db, premiumUser.id)).slug).toBe('premium');
    const freeUser = await database.db.user.findUniqueOrThrow({ where: { email: credentials.free.email } });
    expect((await effectivePlan(database.db, freeUser.id)).slug).toBe('free');
  });

  it('new credentials replace the password and add the new key', async () => {
    const first = newDevCredentials();
    await seed(database.db, first);
    const second = newDevCredentials();
    await seed(database.db, second);
    const user = await database.db.user.findUniqueOrThrow({ where: { email: second.free.email } });
    expect(await verifyPassword(second.free.password, user.passwordHash)).toBe(true);
    expect(await verifyPassword(first.free.password, user.passwordHash)).toBe(false);
    expect(await database.db.apiKey.findUnique({ where: { hash: hashApiKey(second.free.apiKey) } })).not.toBeNull();
  });
});

describe('effectivePlan', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('prefers a comp, then a paying subscription, then the default plan; past_due holds only during grace', async () => {
    const { user } = await createAccount(database.db);
    expect((await effectivePlan(database.db, user.id)).slug).toBe('free');

    const premium = await database.db.plan.findUniqueOrThrow({ where: { slug: 'premium' } });
    const now = new Date('2026-01-10T00:00:00Z');
    await database.db.subscription.create({
      data: {
        id: 'sub_pastdue',
        userId: user.id,
        planId: premium.id,
        status: 'past_due',
        graceUntil: new Date('2026-01-12T00:00:00Z'),
      },
    });
    expect((await effectivePlan(database.db, user.id, now)).slug).toBe('premium');
    expect((await effectivePlan(database.db, user.id, new Date('2026-01-13T00:00:00Z'))).slug).toBe('free');

    await database.db.user.update({ where: { id: user.id }, data: { compPlanId: premium.id } });
    expect((await effectivePlan(database.db, user.id, new Date('2026-01-13T00:00:00Z'))).slug).toBe('premium');
  });
});
