import type { Db } from '../client.js';
import { newId } from '../ids.js';
import { apiKeyPrefix, generateApiKey, hashApiKey, hashPassword, randomSecret, verifyPassword } from '../secrets.js';
import { DEV_ACCOUNTS, SEED_MODELS, SEED_PLANS } from './catalog.js';
import { subscribe } from './factories.js';

export { DEV_ACCOUNTS, SEED_MODELS, SEED_PLANS } from './catalog.js';
export * from './factories.js';

export interface DevAccountCredentials {
  email: string;
  password: string;
  apiKey: string;
}
export type DevCredentials = Record<(typeof DEV_ACCOUNTS)[number]['key'], DevAccountCredentials>;

/** Plans and the model catalog. Creates what is missing and never overwrites an admin's edits. */
export async function seedCatalog(db: Db): Promise<void> {
  for (const plan of SEED_PLANS) {
    await db.plan.upsert({
      where: { slug: plan.slug },
      create: { ...plan, modelTiers: [...plan.modelTiers] },
      update: {},
    });
  }
  for (const { routes, ...model } of SEED_MODELS) {
    await db.model.upsert({ where: { id: model.id }, create: model, update: {} });
    for (const [order, route] of routes.entries()) {
      await db.modelRoute.upsert({
        where: { modelId_provider_upstreamModel: { modelId: model.id, ...route } },
        create: { id: newId('rte'), modelId: model.id, order, ...route },
        update: {},
      });
    }
  }
}

/** Fresh random credentials for the dev accounts. */
export function newDevCredentials(): DevCredentials {
  const entries = DEV_ACCOUNTS.map((account) => [
    account.key,
    { email: account.email, password: `sw-${randomSecret(9)}`, apiKey: generateApiKey().key },
  ]);
  return Object.fromEntries(entries) as DevCredentials;
}

/**
 * The three dev accounts, made to match `credentials`: the password is reset if it differs and the
 * key is registered if missing. Running it twice with the same credentials changes nothing.
 */
export async function seedDevAccounts(db: Db, credentials: DevCredentials): Promise<void> {
  for (const account of DEV_ACCOUNTS) {
    const wanted = credentials[account.key];
    let user = await db.user.findUnique({ where: { email: account.email } });
    if (!user) {
      user = await db.user.create({
        data: {
          id: newId('usr'),
          email: account.email,
          name: account.name,
          role: account.role,
          passwordHash: await hashPassword(wanted.password),
        },
      });
      if (account.plan !== 'free') {
        await subscribe(db, user.id, await db.plan.findUniqueOrThrow({ where: { slug: account.plan } }));
      }
    } else if (!(await verifyPassword(wanted.password, user.passwordHash))) {
      await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(wanted.password) } });
    }
    const hash = hashApiKey(wanted.apiKey);
    const existing = await db.apiKey.findUnique({ where: { hash } });
    if (!existing) {
      await db.apiKey.create({
        data: { id: newId('key'), userId: user.id, name: 'dev', hash, prefix: apiKeyPrefix(wanted.apiKey) },
      });
    }
  }
}

export async function seed(db: Db, credentials?: DevCredentials): Promise<void> {
  await seedCatalog(db);
  if (credentials) await seedDevAccounts(db, credentials);
}
