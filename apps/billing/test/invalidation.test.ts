import { INVALIDATION_CHANNEL } from '@synthwell/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBilling, type TestBilling } from './harness.js';

const REDIS_URL = process.env.REDIS_URL;

/** Gateways drop cached plans and keys when billing publishes on sw:invalidate (CI runs Redis). */
describe.skipIf(!REDIS_URL)('invalidations published to gateways over Redis', () => {
  let t: TestBilling;
  let subscriber: Redis;
  const messages: unknown[] = [];

  beforeAll(async () => {
    t = await startTestBilling({ REDIS_URL: REDIS_URL as string });
    subscriber = new Redis(REDIS_URL as string);
    subscriber.on('message', (_channel: string, message: string) => messages.push(JSON.parse(message)));
    await subscriber.subscribe(INVALIDATION_CHANNEL);
  });
  afterAll(async () => {
    subscriber?.disconnect();
    await t?.close();
  });

  /** Waits until a message matching `expected` arrives (published before the mutation answered). */
  async function received(expected: unknown): Promise<void> {
    // Publish happens before the API call returns; a PING round trip on the subscriber drains what is in flight.
    await subscriber.ping();
    expect(messages).toContainEqual(expected);
  }

  it('publishes the key hash on revoke, the user on comp and subscription changes, everything on plan edits', async () => {
    const admin = await t.admin();
    const { client, userId } = await t.user();
    const { apiKey } = await client.mutation<{ apiKey: { id: string }; key: string }>('keys.create', { name: 'k' });
    const { hash } = await t.db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    await client.mutation('keys.revoke', { id: apiKey.id });
    await received({ keyHash: hash });

    await admin.client.graphql(`mutation { compPlan(userId: "${userId}", planId: "pln_premium") { id } }`);
    await received({ userId });

    await admin.client.graphql('mutation { updatePlan(id: "pln_premium", input: { imagesPerDay: 250 }) { version } }');
    await received({ all: true });

    const buyer = await t.user();
    const { sessionId } = await buyer.client.mutation<{ sessionId: string }>('subscription.checkout', {
      planId: 'pln_premium',
    });
    t.standin.store.completeCheckout(sessionId);
    await t.standin.webhooks.flush();
    await received({ userId: buyer.userId });
  });
});
