import type { Db } from '../client.js';
import type { ApiKey, Plan, Role, User } from '../generated/prisma/client.js';
import { newId } from '../ids.js';
import { apiKeyPrefix, generateApiKey, hashApiKey, hashPassword, randomSecret } from '../secrets.js';

/**
 * Factories shared by the seed script and the tests. Each creates one thing with sensible defaults
 * and returns what a caller needs, including secrets that are only ever seen at creation.
 */

export interface CreatedUser {
  user: User;
  password: string;
}

export async function createUser(
  db: Db,
  input: { email?: string; name?: string; password?: string; role?: Role } = {},
): Promise<CreatedUser> {
  const password = input.password ?? `pw-${randomSecret(12)}`;
  const user = await db.user.create({
    data: {
      id: newId('usr'),
      email: input.email ?? `user-${randomSecret(6).toLowerCase()}@test.synthwell.local`,
      name: input.name ?? null,
      passwordHash: await hashPassword(password),
      role: input.role ?? 'user',
    },
  });
  return { user, password };
}

export interface CreatedApiKey {
  apiKey: ApiKey;
  key: string;
}

/** Creates an API key; pass `key` to register a known key (dev credentials), otherwise one is generated. */
export async function createApiKey(
  db: Db,
  userId: string,
  input: { name?: string; key?: string; expiresAt?: Date; revokedAt?: Date } = {},
): Promise<CreatedApiKey> {
  const generated = input.key
    ? { key: input.key, hash: hashApiKey(input.key), prefix: apiKeyPrefix(input.key) }
    : generateApiKey();
  const apiKey = await db.apiKey.create({
    data: {
      id: newId('key'),
      userId,
      name: input.name ?? 'default',
      hash: generated.hash,
      prefix: generated.prefix,
      expiresAt: input.expiresAt ?? null,
      revokedAt: input.revokedAt ?? null,
    },
  });
  return { apiKey, key: generated.key };
}

/** Puts a user on a plan with an active subscription that is not backed by Stripe. */
export async function subscribe(db: Db, userId: string, plan: Pick<Plan, 'id'>, now = new Date()): Promise<void> {
  const periodEnd = new Date(now.getTime() + 30 * 24 * 3600 * 1000);
  await db.subscription.create({
    data: {
      id: newId('sub'),
      userId,
      planId: plan.id,
      status: 'active',
      currentPeriodStart: now,
      currentPeriodEnd: periodEnd,
    },
  });
}

export interface TestAccount extends CreatedUser, CreatedApiKey {}

/** A user with a key, on the given plan slug ("free" needs no subscription: it is the default). */
export async function createAccount(
  db: Db,
  input: { plan?: string; role?: Role; email?: string; password?: string } = {},
): Promise<TestAccount> {
  const created = await createUser(db, input);
  if (input.plan && input.plan !== 'free') {
    const plan = await db.plan.findUniqueOrThrow({ where: { slug: input.plan } });
    await subscribe(db, created.user.id, plan);
  }
  const key = await createApiKey(db, created.user.id);
  return { ...created, ...key };
}
