import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Plan, Subscription } from '@synthwell/db';
import type { CurrentSession } from '../auth/session.service.js';
import { AdminGuard, CurrentAdmin } from './admin.guard.js';
import { PlanModel, RoleEnum, SubscriptionModel, UserModel } from './admin.types.js';
import { AdminStatsService } from './admin-stats.service.js';
import { type AdminUser, AdminUsersService } from './admin-users.service.js';
import { page } from './pagination.js';

@Resolver(() => UserModel)
@UseGuards(AdminGuard)
export class UsersResolver {
  constructor(
    private readonly users: AdminUsersService,
    private readonly stats: AdminStatsService,
  ) {}

  @Query(() => [UserModel], { name: 'users', description: 'Newest first; `search` matches email, name or id.' })
  listUsers(
    @Args('search', { type: () => String, nullable: true }) search: string | null,
    @Args('role', { type: () => RoleEnum, nullable: true }) role: RoleEnum | null,
    @Args('limit', { type: () => Int, defaultValue: 20 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<AdminUser[]> {
    return this.users.list({
      ...page(limit, offset),
      ...(search ? { search: search.slice(0, 254) } : {}),
      ...(role ? { role } : {}),
    });
  }

  @Query(() => UserModel)
  user(@Args('id', { type: () => ID }) id: string): Promise<AdminUser> {
    return this.users.get(id);
  }

  @Mutation(() => UserModel, { description: 'Promotes a user to admin, or back to user.' })
  setUserRole(
    @CurrentAdmin() admin: CurrentSession,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => RoleEnum }) role: RoleEnum,
  ): Promise<AdminUser> {
    return this.users.setRole(admin.user.id, userId, role);
  }

  @Mutation(() => UserModel, {
    description: 'Grants a plan whatever the subscription says; planId null takes it back.',
  })
  compPlan(
    @CurrentAdmin() admin: CurrentSession,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('planId', { type: () => ID, nullable: true }) planId: string | null,
  ): Promise<AdminUser> {
    return this.users.comp(admin.user.id, userId, planId ?? null);
  }

  @ResolveField(() => PlanModel, { description: 'The plan in force: comp, then subscription, then the default.' })
  effectivePlan(@Parent() user: AdminUser): Promise<Plan> {
    return this.stats.effectivePlan(user.id);
  }

  @ResolveField(() => [SubscriptionModel], { description: 'Newest first.' })
  subscriptions(
    @Parent() user: AdminUser,
    @Args('limit', { type: () => Int, defaultValue: 20 }) limit: number,
  ): Promise<Subscription[]> {
    return this.stats.subscriptionsOf(user.id, page(limit, 0).limit);
  }
}
