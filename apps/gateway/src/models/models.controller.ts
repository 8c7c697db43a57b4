import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { type CatalogModelList, ErrorCode, type Model, type ModelList, ModelListParams } from '@synthwell/contracts';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { planIncludes } from '../policy/model-access.js';

/**
 * The models the caller's plan may use; a model outside the plan is invisible here, unless the caller
 * asks for the whole catalog with `include=locked` (for pickers that show what an upgrade unlocks).
 */
@Controller('v1/models')
@UseGuards(AuthGuard)
export class ModelsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  list(@CurrentCaller() caller: Caller, @Query() query: unknown): ModelList | CatalogModelList {
    const params = parseBody(ModelListParams, query ?? {});
    const models = this.catalog.list();
    if (params.include !== 'locked') {
      return { object: 'list', data: models.filter((model) => planIncludes(caller, model)).map((model) => model.api) };
    }
    const offers = this.catalog.plansOnOffer();
    return {
      object: 'list',
      data: models.map((model) => ({
        ...model.api,
        available: planIncludes(caller, model),
        plans: offers
          .filter((plan) => plan.modelTiers.includes(model.tier))
          .map(({ id, slug, name }) => ({ id, slug, name })),
      })),
    };
  }

  @Get(':id')
  retrieve(@CurrentCaller() caller: Caller, @Param('id') id: string): Model {
    const model = this.catalog.get(id);
    if (!model || !planIncludes(caller, model)) {
      throw GatewayError.notFound(
        `The model '${id}' does not exist or your plan does not include it.`,
        ErrorCode.modelNotFound,
        'model',
      );
    }
    return model.api;
  }
}
