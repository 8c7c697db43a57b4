import { Inject, Injectable } from '@nestjs/common';
import type { Db, Prisma, Role, User } from '@synthwell/db';
import { AuditService } from '../audit/audit.service.js';
import { BillingError } from '../core/errors.js';
import { DB } from '../core/tokens.js';
import { InvalidationPublisher } from '../events/invalidation.publisher.js';

/** What an admin sees of a user; the password hash never leaves the database. */
export type AdminUser = Omit<User, 'passwordHash'>;
const PUBLIC_FIELDS = {
  id: true,
  email: true,
  name: true,
  role: true,
  stripeCustomerId: true,
  compPlanId: true,
  disabledAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** Admin operations on accounts: find, promote, comp a plan. Each change is audited. */
@Injectable()
export class AdminUsersService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async list(filter: { search?: string; role?: Role; limit: number; offset: number }): Promise<AdminUser[]> {
    const where: Prisma.UserWhereInput = {
      ...(filter.role ? { role: filter.role } : {}),
      ...(filter.search
        ? {
            OR: [
              { email: { contains: filter.search, mode: 'insensitive' } },
              { name: { contains: filter.search, mode: 'insensitive' } },
              { id: filter.search },
            ],
          }
        : {}),
    };
    return this.db.user.findMany({
      where,
      orderBy: { createdAt: 'desc' },
      take: filter.limit,
      skip: filter.offset,
      select: PUBLIC_FIELDS,
    });
  }

  async get(id: string): Promise<AdminUser> {
    const user = await this.db.user.findUnique({ where: { id }, select: PUBLIC_FIELDS });
    if (!user) throw BillingError.notFound(`No user with id "${id}".`);
    return user;
  }

  async setRole(actorId: string, userId: string, role: Role): Promise<AdminUser> {
    if (actorId === userId && role !== 'admin') {
      throw BillingError.badRequest('Admins cannot remove their own admin role; ask another admin.');
    }
    const before = await this.get(userId);
    const after = await this.db.$transaction(async (tx) => {
      const updated = await tx.user.update({ where: { id: userId }, data: { role }, select: PUBLIC_FIELDS });
      await this.audit.record(
        { actorId, action: 'user.set_role', target: `user:${userId}`, before: { role: before.role }, after: { role } },
        tx,
      );
      return updated;
    });
    await this.invalidations.publish({ userId });
    return after;
  }

  /** Grants a plan regardless of subscription (null takes the grant back). */
  async comp(actorId: string, userId: string, planId: string | null): Promise<AdminUser> {
    const before = await this.get(userId);
    if (planId !== null) {
      const plan = await this.db.plan.findUnique({ where: { id: planId }, select: { archivedAt: true } });
      if (!plan) throw BillingError.notFound(`No plan with id "${planId}".`);
      if (plan.archivedAt) throw BillingError.badRequest('Archived plans cannot be granted.');
    }
    const after = await this.db.$transaction(async (tx) => {
      const updated = await tx.user.update({
        where: { id: userId },
        data: { compPlanId: planId },
        select: PUBLIC_FIELDS,
      });
      await this.audit.record(
        {
          actorId,
          action: 'user.comp_plan',
          target: `user:${userId}`,
          before: { compPlanId: before.compPlanId },
          after: { compPlanId: planId },
        },
        tx,
      );
      return updated;
    });
    await this.invalidations.publish({ userId });
    return after;
  }
}
