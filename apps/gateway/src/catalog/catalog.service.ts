import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Model as ApiModel, ModelKind, ModelTier, PlanRef } from '@synthwell/contracts';
import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { GatewayConfig } from '../config/env.js';
import { DB, GATEWAY_CONFIG, LOGGER } from '../core/tokens.js';

export interface CatalogRoute {
  id: string;
  provider: string;
  upstreamModel: string;
  order: number;
  weight: number;
}

export interface CatalogModel {
  id: string;
  kind: ModelKind;
  tier: ModelTier;
  /** The public object served by /v1/models, built once per refresh. */
  api: ApiModel;
  routes: CatalogRoute[];
}

/** A plan on offer and the model tiers it includes, to say which plans unlock a model. */
export interface PlanOffer extends PlanRef {
  modelTiers: ModelTier[];
}

/**
 * The model catalog from the database, held in memory and refreshed in the background so no
 * request waits on it. Admin changes reach every replica within CATALOG_REFRESH_MS.
 */
@Injectable()
export class CatalogService implements OnModuleDestroy {
  private models = new Map<string, CatalogModel>();
  private offers: PlanOffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private loaded = false;

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Loads the catalog once and starts refreshing it. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'catalog refresh failed; serving the last one'),
      );
    }, this.config.CATALOG_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get ready(): boolean {
    return this.loaded;
  }

  get(id: string): CatalogModel | undefined {
    return this.models.get(id);
  }

  list(): CatalogModel[] {
    return [...this.models.values()];
  }

  /** The plans on offer (not archived), cheapest first, refreshed with the catalog. */
  plansOnOffer(): readonly PlanOffer[] {
    return this.offers;
  }

  async refresh(): Promise<void> {
    const [rows, plans] = await Promise.all([
      this.db.model.findMany({
        where: { enabled: true },
        include: { routes: { where: { enabled: true }, orderBy: [{ order: 'asc' }, { id: 'asc' }] } },
        orderBy: { id: 'asc' },
      }),
      this.db.plan.findMany({
        where: { archivedAt: null },
        select: { id: true, slug: true, name: true, modelTiers: true },
        orderBy: [{ priceCents: 'asc' }, { createdAt: 'asc' }],
      }),
    ]);
    const next = new Map<string, CatalogModel>();
    for (const row of rows) {
      next.set(row.id, {
        id: row.id,
        kind: row.kind,
        tier: row.tier,
        routes: row.routes.map(({ id, provider, upstreamModel, order, weight }) => ({
          id,
          provider,
          upstreamModel,
          order,
          weight,
        })),
        api: {
          id: row.id,
          object: 'model',
          created: Math.floor(row.createdAt.getTime() / 1000),
          owned_by: row.ownedBy,
          kind: row.kind,
          tier: row.tier,
          display_name: row.displayName,
          description: row.description,
          context_window: row.contextWindow,
          pricing: {
            input_per_million_tokens: Number(row.inputPricePerMTok),
            output_per_million_tokens: Number(row.outputPricePerMTok),
            per_image: Number(row.pricePerImage),
            currency: 'usd',
          },
        },
      });
    }
    this.models = next;
    this.offers = plans;
    this.loaded = true;
  }
}
