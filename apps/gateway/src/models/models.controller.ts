import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ErrorCode, type Model, type ModelList } from '@synthwell/contracts';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { Caller } from '../core/caller.js';
import { GatewayError } from '../errors/gateway-error.js';
import { planIncludes } from '../policy/model-access.js';

/** The models the caller's plan may use; a model outside the plan is invisible here. */
@Controller('v1/models')
@UseGuards(AuthGuard)
export class ModelsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  list(@CurrentCaller() caller: Caller): ModelList {
    const data = this.catalog
      .list()
      .filter((model) => planIncludes(caller, model))
      .map((model) => model.api);
    return { object: 'list', data };
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
