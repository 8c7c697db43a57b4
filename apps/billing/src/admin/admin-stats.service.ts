import { Inject, Injectable } from '@nestjs/common';
import { type Db, effectivePlan, type Plan, type Subscription } from '@synthwell/db';
import { DB } from '../core/tokens.js';

/** Small read-only lookups behind the admin API's nested fields. */
@Injectable()
export class AdminStatsService {
  constructor(@Inject(DB) private readonly db: Db) {}

  activeSubscribers(planId: string): Promise<number> {
    return this.db.subscription.count({ where: { planId, status: { in: ['active', 'trialing', 'past_due'] } } });
  }

  effectivePlan(userId: string): Promise<Plan> {
    return effectivePlan(this.db, userId);
  }

  subscriptionsOf(userId: string, limit: number): Promise<Subscription[]> {
    return this.db.subscription.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take: limit });
  }

  plan(id: string): Promise<Plan> {
    return this.db.plan.findUniqueOrThrow({ where: { id } });
  }
}
