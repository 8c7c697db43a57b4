import type { Db } from '@synthwell/db';
import { createDb, newId } from '@synthwell/db';
import { createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import { createLogger } from '@synthwell/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvalidationPublisher } from '../src/events/invalidation.publisher.js';
import { PAYMENT_GRACE_MS, SubscriptionConverger } from '../src/stripe/converge.service.js';
import type { StripeReader, SubscriptionSnapshot } from '../src/stripe/stripe-reader.js';

const ORDERINGS = 500;
const CONCURRENCY = 20;
const CLOCK = new Date('2026-06-01T12:00:00Z');
const DAY = 24 * 3600 * 1000;

type Change = Partial<Omit<SubscriptionSnapshot, 'id' | 'customerId'>>;

/**
 * One subscription's life as Stripe records it, each change with the events it emits: bought, set to
 * cancel at period end, resumed, a renewal payment fails, retries run out and it ends.
 */
const HISTORY: { change: Change; events: string[] }[] = [
  {
    change: {
      status: 'active',
      priceId: 'price_premium',
      planIdFromPrice: 'pln_premium',
      currentPeriodStart: new Date('2026-01-01'),
      currentPeriodEnd: new Date('2026-02-01'),
      cancelAtPeriodEnd: false,
      canceledAt: null,
    },
    events: ['customer.subscription.created', 'invoice.paid', 'checkout.session.completed'],
  },
  { change: { cancelAtPeriodEnd: true }, events: ['customer.subscription.updated'] },
  { change: { cancelAtPeriodEnd: false }, events: ['customer.subscription.updated'] },
  {
    change: {
      status: 'past_due',
      currentPeriodStart: new Date('2026-02-01'),
      currentPeriodEnd: new Date('2026-03-01'),
    },
    events: ['invoice.payment_failed', 'customer.subscription.updated'],
  },
  { change: { status: 'canceled', canceledAt: new Date('2026-02-20') }, events: ['customer.subscription.deleted'] },
];

/** Stripe as the converger sees it: whatever state the subscription is in when it is read. */
class FakeStripe implements StripeReader {
  readonly states = new Map<string, SubscriptionSnapshot>();
  async subscription(id: string): Promise<SubscriptionSnapshot> {
    const state = this.states.get(id);
    if (!state) throw new Error(`No such subscription: ${id}`);
    return { ...state };
  }
}

/** A seeded PRNG, so a failing ordering can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Plays the history for one subscription with a random schedule: at each step Stripe either makes its
 * next change (queueing that change's events) or delivers a random queued event, sometimes twice.
 * Deliveries are as late and as out of order as Stripe's can be.
 */
async function play(
  converger: SubscriptionConverger,
  stripe: FakeStripe,
  subscriptionId: string,
  customerId: string,
  seed: number,
) {
  const next = random(seed);
  const pending: string[] = [];
  let step = 0;
  while (step < HISTORY.length || pending.length > 0) {
    const change = step < HISTORY.length && (pending.length === 0 || next() < 0.4);
    if (change) {
      const { change: fields, events } = HISTORY[step++] as (typeof HISTORY)[number];
      const previous =
        stripe.states.get(subscriptionId) ?? ({ id: subscriptionId, customerId } as SubscriptionSnapshot);
      stripe.states.set(subscriptionId, { ...previous, ...fields });
      pending.push(...events);
    } else {
      const [event] = pending.splice(Math.floor(next() * pending.length), 1);
      // Each allow-listed event leads to the same re-read; a duplicate is delivered again later.
      if (event && next() < 0.15) pending.push(event);
      await converger.converge(subscriptionId);
    }
  }
}

/** A user who is a Stripe customer (no password: these users never sign in). */
async function customer(db: Db, customerId: string): Promise<string> {
  const id = newId('usr');
  await db.user.create({
    data: { id, email: `${customerId}@test.synthwell.local`, passwordHash: '-', stripeCustomerId: customerId },
  });
  return id;
}

describe('convergence under any event ordering', () => {
  let database: TestDatabase;
  let db: Db;
  const published: unknown[] = [];
  const stripe = new FakeStripe();
  let converger: SubscriptionConverger;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb(database.url, { poolSize: CONCURRENCY });
    const publisher = {
      publish: async (message: unknown) => void published.push(message),
    } as unknown as InvalidationPublisher;
    converger = new SubscriptionConverger(
      db,
      stripe,
      createLogger({ name: 'test', level: 'silent' }),
      () => CLOCK,
      publisher,
    );
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.close();
  });

  it(`ends in the same state for ${ORDERINGS} random orderings of one subscription's history`, async () => {
    const finals: unknown[] = [];
    const runs = Array.from({ length: ORDERINGS }, (_, index) => index);
    // Many histories at a time, each with its own user and subscription, as concurrent webhooks would be.
    for (let start = 0; start < runs.length; start += CONCURRENCY) {
      await Promise.all(
        runs.slice(start, start + CONCURRENCY).map(async (run) => {
          const customerId = `cus_order_${run}`;
          const userId = await customer(db, customerId);
          await play(converger, stripe, `sub_order_${run}`, customerId, run + 1);
          const local = await db.subscription.findUniqueOrThrow({
            where: { stripeSubscriptionId: `sub_order_${run}` },
          });
          expect(local.userId).toBe(userId);
          const {
            id: _id,
            userId: _user,
            stripeSubscriptionId: _sub,
            stripeCustomerId: _cus,
            createdAt: _c,
            updatedAt: _u,
            ...state
          } = local;
          finals.push(state);
        }),
      );
    }
    expect(new Set(finals.map((state) => JSON.stringify(state))).size).toBe(1);
    expect(finals[0]).toMatchObject({
      planId: 'pln_premium',
      status: 'canceled',
      cancelAtPeriodEnd: false,
      currentPeriodStart: new Date('2026-02-01'),
      currentPeriodEnd: new Date('2026-03-01'),
      canceledAt: new Date('2026-02-20'),
      graceUntil: null,
    });
  }, 60_000);

  it('gives a past-due subscription one grace period per failed renewal, however often it is re-read', async () => {
    const customerId = 'cus_grace';
    await customer(db, customerId);
    const base: SubscriptionSnapshot = {
      id: 'sub_grace',
      customerId,
      status: 'past_due',
      priceId: 'price_x',
      planIdFromPrice: 'pln_premium',
      currentPeriodStart: new Date('2026-05-01'),
      currentPeriodEnd: new Date('2026-06-01'),
      cancelAtPeriodEnd: false,
      canceledAt: null,
    };
    stripe.states.set('sub_grace', base);
    await converger.converge('sub_grace');
    const later = new SubscriptionConverger(
      db,
      stripe,
      createLogger({ name: 'test', level: 'silent' }),
      () => new Date(CLOCK.getTime() + DAY),
      {
        publish: async () => undefined,
      } as unknown as InvalidationPublisher,
    );
    await later.converge('sub_grace');
    const kept = await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: 'sub_grace' } });
    expect(kept.graceUntil).toEqual(new Date(CLOCK.getTime() + PAYMENT_GRACE_MS));
    // The next period's failure starts a new grace period.
    stripe.states.set('sub_grace', {
      ...base,
      currentPeriodStart: new Date('2026-06-01'),
      currentPeriodEnd: new Date('2026-07-01'),
    });
    await later.converge('sub_grace');
    const renewed = await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: 'sub_grace' } });
    expect(renewed.graceUntil).toEqual(new Date(CLOCK.getTime() + DAY + PAYMENT_GRACE_MS));
  });

  it('tells gateways about a user only when their subscription actually changed', async () => {
    const customerId = 'cus_publish';
    const userId = await customer(db, customerId);
    stripe.states.set('sub_publish', {
      id: 'sub_publish',
      customerId,
      status: 'active',
      priceId: 'price_x',
      planIdFromPrice: 'pln_premium',
      currentPeriodStart: new Date('2026-05-01'),
      currentPeriodEnd: new Date('2026-06-01'),
      cancelAtPeriodEnd: false,
      canceledAt: null,
    });
    published.length = 0;
    await converger.converge('sub_publish');
    await converger.converge('sub_publish');
    expect(published).toEqual([{ userId }]);
  });
});
