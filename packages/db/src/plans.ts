import type { Db, Tx } from './client.js';
import type { Plan } from './generated/prisma/client.js';

/** Subscription states that keep a paid plan. `past_due` keeps it only until its grace period ends. */
const PAYING = ['active', 'trialing'] as const;

/**
 * The plan in force for a user: an admin's comp first, then a live subscription, then the default plan.
 * The one place this rule lives; the gateway and billing both call it.
 */
export async function effectivePlan(db: Db | Tx, userId: string, now = new Date()): Promise<Plan> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      compPlan: true,
      subscriptions: {
        where: {
          OR: [{ status: { in: [...PAYING] } }, { status: 'past_due', graceUntil: { gt: now } }],
        },
        orderBy: { createdAt: 'desc' },
        take: 1,
        select: { plan: true },
      },
    },
  });
  if (!user) throw new Error(`No user ${userId}`);
  const plan = user.compPlan ?? user.subscriptions[0]?.plan;
  if (plan) return plan;
  return defaultPlan(db);
}

export async function defaultPlan(db: Db | Tx): Promise<Plan> {
  const plan = await db.plan.findFirst({ where: { isDefault: true, archivedAt: null }, orderBy: { createdAt: 'asc' } });
  if (!plan) throw new Error('No default plan: run the seed (npm run db:seed -w @synthwell/db).');
  return plan;
}
