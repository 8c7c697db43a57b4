import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Plan, Subscription } from '@synthwell/db';
import { SubscriptionsService } from '../plans/subscriptions.service.js';
import { AdminGuard } from './admin.guard.js';
import { PlanModel, SubscriptionModel, SubscriptionStatusEnum, UserModel } from './admin.types.js';
import { AdminStatsService } from './admin-stats.service.js';
import { type AdminUser, AdminUsersService } from './admin-users.service.js';
import { page } from './pagination.js';

@Resolver(() => SubscriptionModel)
@UseGuards(AdminGuard)
export class SubscriptionsResolver {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly users: AdminUsersService,
    private readonly stats: AdminStatsService,
  ) {}

  @Query(() => [SubscriptionModel], { name: 'subscriptions', description: 'Newest first.' })
  listSubscriptions(
    @Args('userId', { type: () => ID, nullable: true }) userId: string | null,
    @Args('planId', { type: () => ID, nullable: true }) planId: string | null,
    @Args('status', { type: () => SubscriptionStatusEnum, nullable: true }) status: SubscriptionStatusEnum | null,
    @Args('limit', { type: () => Int, defaultValue: 20 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<Subscription[]> {
    return this.subscriptions.list({
      ...page(limit, offset),
      ...(userId ? { userId } : {}),
      ...(planId ? { planId } : {}),
      ...(status ? { status } : {}),
    });
  }

  @ResolveField(() => PlanModel)
  plan(@Parent() subscription: Subscription): Promise<Plan> {
    return this.stats.plan(subscription.planId);
  }

  @ResolveField(() => UserModel)
  user(@Parent() subscription: Subscription): Promise<AdminUser> {
    return this.users.get(subscription.userId);
  }
}
