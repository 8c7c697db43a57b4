import { Inject, Injectable } from '@nestjs/common';
import { type Db, newId, type Plan, Prisma } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import { AuditService } from '../audit/audit.service.js';
import { BillingError } from '../core/errors.js';
import { DB, LOGGER } from '../core/tokens.js';
import { parseInput } from '../core/validation.js';
import { InvalidationPublisher } from '../events/invalidation.publisher.js';
import { StripeCatalog } from '../stripe/stripe-catalog.service.js';
import { toPlanView } from './plan-view.js';
import { CreatePlanInput, type PlanView, UpdatePlanInput } from './plans.schemas.js';

const REPRICING_FIELDS = ['priceCents', 'currency', 'interval'] as const;

function uniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Plans: what is on offer, and the admin's edits. Every edit bumps `version`, is audited, and tells
 * gateways to drop their caches; a change of price, currency or interval makes a new Stripe Price.
 */
@Injectable()
export class PlansService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalog: StripeCatalog,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  /** The plans users can pick from, cheapest first. */
  async onOffer(): Promise<PlanView[]> {
    const plans = await this.db.plan.findMany({
      where: { archivedAt: null },
      orderBy: [{ priceCents: 'asc' }, { createdAt: 'asc' }],
    });
    return plans.map(toPlanView);
  }

  async list(options: { includeArchived?: boolean } = {}): Promise<Plan[]> {
    return this.db.plan.findMany({
      where: options.includeArchived ? {} : { archivedAt: null },
      orderBy: [{ priceCents: 'asc' }, { createdAt: 'asc' }],
    });
  }

  async get(id: string): Promise<Plan> {
    const plan = await this.db.plan.findUnique({ where: { id } });
    if (!plan) throw BillingError.notFound(`No plan with id "${id}".`);
    return plan;
  }

  async create(actorId: string, raw: unknown): Promise<Plan> {
    const input = parseInput(CreatePlanInput, raw);
    let plan: Plan;
    try {
      plan = await this.db.$transaction(async (tx) => {
        const created = await tx.plan.create({ data: { id: newId('pln'), ...input } });
        await this.audit.record({ actorId, action: 'plan.create', target: `plan:${created.id}`, after: created }, tx);
        return created;
      });
    } catch (error) {
      if (uniqueViolation(error)) throw BillingError.conflict(`A plan with slug "${input.slug}" already exists.`);
      throw error;
    }
    return this.withStripePrice(plan);
  }

  async update(actorId: string, id: string, raw: unknown): Promise<Plan> {
    const input = parseInput(UpdatePlanInput, raw);
    const before = await this.get(id);
    if (before.isDefault && (input.priceCents ?? before.priceCents) > 0) {
      throw BillingError.badRequest(
        'The default plan is the one everyone without a subscription is on: it must stay free.',
      );
    }
    const meter = input.stripeMeterEventName === undefined ? before.stripeMeterEventName : input.stripeMeterEventName;
    if ((input.overageEnabled ?? before.overageEnabled) && !meter) {
      throw BillingError.badRequest(
        'stripeMeterEventName: Plans with overage need the Stripe meter event name to report it under.',
      );
    }
    const repriced = REPRICING_FIELDS.some((field) => input[field] !== undefined && input[field] !== before[field]);
    let plan: Plan;
    try {
      plan = await this.db.$transaction(async (tx) => {
        const updated = await tx.plan.update({
          where: { id },
          data: { ...input, version: { increment: 1 }, ...(repriced ? { stripePriceId: null } : {}) },
        });
        await this.audit.record({ actorId, action: 'plan.update', target: `plan:${id}`, before, after: updated }, tx);
        return updated;
      });
    } catch (error) {
      if (uniqueViolation(error)) throw BillingError.conflict(`A plan with slug "${input.slug}" already exists.`);
      throw error;
    }
    await this.invalidations.publish({ all: true });
    return repriced ? this.withStripePrice(plan) : plan;
  }

  /** Takes a plan off offer. Its subscribers keep it until their subscription changes or ends. */
  async archive(actorId: string, id: string): Promise<Plan> {
    const before = await this.get(id);
    if (before.isDefault) throw BillingError.badRequest('The default plan cannot be archived.');
    if (before.archivedAt) return before;
    const plan = await this.db.$transaction(async (tx) => {
      const archived = await tx.plan.update({
        where: { id },
        data: { archivedAt: new Date(), version: { increment: 1 } },
      });
      await this.audit.record({ actorId, action: 'plan.archive', target: `plan:${id}`, before, after: archived }, tx);
      return archived;
    });
    await this.invalidations.publish({ all: true });
    return plan;
  }

  /**
   * Creates the Stripe Price now so the plan can be sold at once. If Stripe is unreachable the plan is
   * saved without one (`stripePriceId` null) and Checkout creates it on first use.
   */
  private async withStripePrice(plan: Plan): Promise<Plan> {
    try {
      return await this.catalog.ensurePrice(plan);
    } catch (error) {
      this.logger.warn({ err: error, planId: plan.id }, 'could not create the Stripe price now; Checkout will retry');
      return plan;
    }
  }
}
