import { Inject, Injectable } from '@nestjs/common';
import type { Db, Model, ModelRoute, Tx } from '@synthwell/db';
import { z } from 'zod';
import { AuditService } from '../audit/audit.service.js';
import { BillingError } from '../core/errors.js';
import { DB } from '../core/tokens.js';
import { parseInput } from '../core/validation.js';
import { InvalidationPublisher } from '../events/invalidation.publisher.js';

export type ModelWithRoutes = Model & { routes: ModelRoute[] };

const ROUTES = { routes: { orderBy: [{ order: 'asc' as const }, { id: 'asc' as const }] } };

const RouteChange = z
  .object({
    order: z.number().int().min(0).max(1_000).optional(),
    weight: z.number().int().min(1, 'Weight must be at least 1.').max(1_000).optional(),
    enabled: z.boolean().optional(),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), 'Nothing to change.');
type RouteChange = z.infer<typeof RouteChange>;

/**
 * Admin operations on the model catalog: list models with their routes, switch a model on or off, edit
 * a route. Each change is audited and tells every gateway to reload its catalog (`{ all: true }`).
 */
@Injectable()
export class AdminModelsService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly audit: AuditService,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  list(): Promise<ModelWithRoutes[]> {
    return this.db.model.findMany({ include: ROUTES, orderBy: [{ kind: 'asc' }, { tier: 'asc' }, { id: 'asc' }] });
  }

  async get(id: string): Promise<ModelWithRoutes> {
    const model = await this.db.model.findUnique({ where: { id }, include: ROUTES });
    if (!model) throw BillingError.notFound(`No model with id "${id}".`);
    return model;
  }

  async setEnabled(actorId: string, id: string, enabled: boolean): Promise<ModelWithRoutes> {
    const changed = await this.db.$transaction(async (tx) => {
      const model = await this.lockModel(tx, id);
      if (model.enabled === enabled) return false;
      if (enabled && (await tx.modelRoute.count({ where: { modelId: id, enabled: true } })) === 0) {
        throw BillingError.badRequest(`The model "${id}" has no enabled route: enable one before the model.`);
      }
      await tx.model.update({ where: { id }, data: { enabled } });
      await this.audit.record(
        {
          actorId,
          action: enabled ? 'model.enable' : 'model.disable',
          target: `model:${id}`,
          before: { enabled: model.enabled },
          after: { enabled },
        },
        tx,
      );
      return true;
    });
    if (changed) await this.invalidations.publish({ all: true });
    return this.get(id);
  }

  async updateRoute(actorId: string, routeId: string, raw: unknown): Promise<ModelWithRoutes> {
    const change = parseInput(RouteChange, raw);
    const route = await this.db.modelRoute.findUnique({ where: { id: routeId } });
    if (!route) throw BillingError.notFound(`No model route with id "${routeId}".`);
    const changed = await this.db.$transaction(async (tx) => {
      const model = await this.lockModel(tx, route.modelId);
      const before = await tx.modelRoute.findUniqueOrThrow({ where: { id: routeId } });
      const after = { ...pick(before), ...definedOnly(change) };
      if (JSON.stringify(after) === JSON.stringify(pick(before))) return false;
      await tx.modelRoute.update({ where: { id: routeId }, data: after });
      if (model.enabled && !after.enabled) {
        const left = await tx.modelRoute.count({ where: { modelId: model.id, enabled: true } });
        if (left === 0) {
          throw BillingError.badRequest(
            `This is the last enabled route of "${model.id}": disable the model instead, or enable another route first.`,
          );
        }
      }
      await this.audit.record(
        {
          actorId,
          action: 'model.update_route',
          target: `model:${model.id}`,
          before: { routeId, ...pick(before) },
          after: { routeId, ...after },
        },
        tx,
      );
      return true;
    });
    if (changed) await this.invalidations.publish({ all: true });
    return this.get(route.modelId);
  }

  /** Reads the model and holds its row until the transaction ends, so concurrent edits of its routes queue. */
  private async lockModel(tx: Tx, id: string): Promise<Model> {
    await tx.$queryRaw`SELECT id FROM models WHERE id = ${id} FOR UPDATE`;
    const model = await tx.model.findUnique({ where: { id } });
    if (!model) throw BillingError.notFound(`No model with id "${id}".`);
    return model;
  }
}

function pick(route: ModelRoute): Required<RouteChange> {
  return { order: route.order, weight: route.weight, enabled: route.enabled };
}

function definedOnly(change: RouteChange): RouteChange {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}
