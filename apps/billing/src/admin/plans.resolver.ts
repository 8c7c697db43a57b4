import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Plan } from '@synthwell/db';
import type { CurrentSession } from '../auth/session.service.js';
import { PlansService } from '../plans/plans.service.js';
import { AdminGuard, CurrentAdmin } from './admin.guard.js';
import { CreatePlanInput, PlanModel, UpdatePlanInput } from './admin.types.js';
import { AdminStatsService } from './admin-stats.service.js';

@Resolver(() => PlanModel)
@UseGuards(AdminGuard)
export class PlansResolver {
  constructor(
    private readonly plans: PlansService,
    private readonly stats: AdminStatsService,
  ) {}

  @Query(() => [PlanModel], { name: 'plans', description: 'Plans, cheapest first; archived ones only when asked.' })
  listPlans(@Args('includeArchived', { defaultValue: false }) includeArchived: boolean): Promise<Plan[]> {
    return this.plans.list({ includeArchived });
  }

  @Query(() => PlanModel)
  plan(@Args('id', { type: () => ID }) id: string): Promise<Plan> {
    return this.plans.get(id);
  }

  @Mutation(() => PlanModel, { description: 'Creates a plan and, for a paid plan, its Stripe Product and Price.' })
  createPlan(@CurrentAdmin() admin: CurrentSession, @Args('input') input: CreatePlanInput): Promise<Plan> {
    return this.plans.create(admin.user.id, { ...input });
  }

  @Mutation(() => PlanModel, {
    description: 'Edits a plan; a new price, currency or interval makes a new Stripe Price.',
  })
  updatePlan(
    @CurrentAdmin() admin: CurrentSession,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdatePlanInput,
  ): Promise<Plan> {
    return this.plans.update(admin.user.id, id, { ...input });
  }

  @Mutation(() => PlanModel, { description: 'Takes a plan off offer; its subscribers keep it.' })
  archivePlan(@CurrentAdmin() admin: CurrentSession, @Args('id', { type: () => ID }) id: string): Promise<Plan> {
    return this.plans.archive(admin.user.id, id);
  }

  @ResolveField(() => Int, { description: 'Subscriptions on this plan that are active, trialing or past due.' })
  activeSubscribers(@Parent() plan: Plan): Promise<number> {
    return this.stats.activeSubscribers(plan.id);
  }
}
