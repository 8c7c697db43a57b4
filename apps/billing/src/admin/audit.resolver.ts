import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import type { AuditLog } from '@synthwell/db';
import { AuditService } from '../audit/audit.service.js';
import { AdminGuard } from './admin.guard.js';
import { AuditEntryModel } from './admin.types.js';
import { page } from './pagination.js';

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

@Resolver(() => AuditEntryModel)
@UseGuards(AdminGuard)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => [AuditEntryModel], {
    description: 'Newest first; filter by target (e.g. "plan:pln_…"), actor or action.',
  })
  async auditLog(
    @Args('target', { type: () => String, nullable: true }) target: string | null,
    @Args('actorId', { type: () => ID, nullable: true }) actorId: string | null,
    @Args('action', { type: () => String, nullable: true }) action: string | null,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<AuditEntryModel[]> {
    const entries = await this.audit.list({
      ...page(limit, offset),
      ...(target ? { target } : {}),
      ...(actorId ? { actorId } : {}),
      ...(action ? { action } : {}),
    });
    return entries.map((entry: AuditLog) => ({ ...entry, before: json(entry.before), after: json(entry.after) }));
  }
}
