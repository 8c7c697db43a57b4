import { Inject, Injectable } from '@nestjs/common';
import { type Db, effectivePlan, type Prisma, type Subscription, type SubscriptionStatus } from '@synthwell/db';
import { DB } from '../core/tokens.js';
import { toPlanView } from './plan-view.js';
import type { CurrentPlan, SubscriptionView } from './subscriptions.schemas.js';

/** Reads subscriptions; only the Stripe converger and admin comps write them. */
@Injectable()
export class SubscriptionsService {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** The user's plan in force (the shared `effectivePlan` rule), why, and their latest subscription. */
  async current(userId: string): Promise<CurrentPlan> {
    const [plan, user, latest] = await Promise.all([
      effectivePlan(this.db, userId),
      this.db.user.findUniqueOrThrow({ where: { id: userId }, select: { compPlanId: true } }),
      this.db.subscription.findFirst({
        where: { userId },
        orderBy: { createdAt: 'desc' },
        include: { plan: { select: { name: true } } },
      }),
    ]);
    const source =
      user.compPlanId === plan.id ? 'comp' : latest?.planId === plan.id && !plan.isDefault ? 'subscription' : 'default';
    return { plan: toPlanView(plan), source, subscription: latest ? toSubscriptionView(latest) : null };
  }

  async list(filter: {
    userId?: string;
    status?: SubscriptionStatus;
    planId?: string;
    limit: number;
    offset: number;
  }): Promise<Subscription[]> {
    const where: Prisma.SubscriptionWhereInput = {
      ...(filter.userId ? { userId: filter.userId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.planId ? { planId: filter.planId } : {}),
    };
    return this.db.subscription.findMany({
      where,
      orderBy: { createdAt: 'desc' },
      take: filter.limit,
      skip: filter.offset,
    });
  }
}

function toSubscriptionView(subscription: Subscription & { plan: { name: string } }): SubscriptionView {
  return {
    id: subscription.id,
    planId: subscription.planId,
    planName: subscription.plan.name,
    status: subscription.status,
    currentPeriodEnd: subscription.currentPeriodEnd,
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    graceUntil: subscription.graceUntil,
    managedByStripe: subscription.stripeSubscriptionId !== null,
  };
}
