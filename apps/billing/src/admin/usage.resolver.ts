import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service.js';
import type { CurrentSession } from '../auth/session.service.js';
import { parseInput } from '../core/validation.js';
import { OverageReporter } from '../usage/overage.reporter.js';
import { Day } from '../usage/usage.schemas.js';
import { UsageService, type UsageTotals } from '../usage/usage.service.js';
import { AdminGuard, CurrentAdmin } from './admin.guard.js';
import { FeatureEnum, OverageReportModel, UsageDimensionEnum, UsageTotalsModel } from './admin.types.js';

const MAX_RANGE_DAYS = 366;

const Range = z
  .object({ from: Day, to: Day })
  .transform(({ from, to }) => ({ from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) }))
  .refine(({ from, to }) => !Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime()), 'Not a calendar day.')
  .refine(({ from, to }) => from <= to, 'from must not be after to.')
  .refine(
    ({ from, to }) => to.getTime() - from.getTime() <= MAX_RANGE_DAYS * 86_400_000,
    `At most ${MAX_RANGE_DAYS} days at once.`,
  );

@Resolver()
@UseGuards(AdminGuard)
export class UsageResolver {
  constructor(
    private readonly usage: UsageService,
    private readonly overage: OverageReporter,
    private readonly audit: AuditService,
  ) {}

  @Query(() => [UsageTotalsModel], {
    name: 'usage',
    description: 'Daily rollups between two UTC days (inclusive), summed by the dimensions in groupBy.',
  })
  usageTotals(
    @Args('from', { description: 'YYYY-MM-DD' }) from: string,
    @Args('to', { description: 'YYYY-MM-DD' }) to: string,
    @Args('groupBy', { type: () => [UsageDimensionEnum], defaultValue: [UsageDimensionEnum.day] })
    groupBy: UsageDimensionEnum[],
    @Args('userId', { type: () => ID, nullable: true }) userId: string | null,
    @Args('model', { type: () => String, nullable: true }) model: string | null,
    @Args('feature', { type: () => FeatureEnum, nullable: true }) feature: FeatureEnum | null,
  ): Promise<UsageTotals[]> {
    const range = parseInput(Range, { from, to });
    return this.usage.totals({
      ...range,
      groupBy,
      ...(userId ? { userId } : {}),
      ...(model ? { model } : {}),
      ...(feature ? { feature } : {}),
    });
  }

  @Mutation(() => OverageReportModel, {
    description: 'Reports unreported overage to Stripe now (it also runs on a timer).',
  })
  async reportOverage(@CurrentAdmin() admin: CurrentSession): Promise<OverageReportModel> {
    const report = await this.overage.report();
    await this.audit.record({
      actorId: admin.user.id,
      action: 'overage.report',
      target: 'meter_reports',
      after: report,
    });
    return report;
  }
}
