import { ErrorCode, type ModelKind } from '@synthwell/contracts';
import type { CatalogModel, CatalogService } from '../catalog/catalog.service.js';
import type { Caller } from '../core/caller.js';
import { GatewayError } from '../errors/gateway-error.js';

/** Whether the caller's plan includes the model's tier. */
export function planIncludes(caller: Caller, model: CatalogModel): boolean {
  return caller.plan.modelTiers.includes(model.tier);
}

/**
 * The model a request names, if it exists, serves this kind of request and is in the caller's plan:
 * unknown → 404, wrong kind → 400, not in plan → 403.
 */
export function resolveModel(catalog: CatalogService, caller: Caller, modelId: string, kind: ModelKind): CatalogModel {
  const model = catalog.get(modelId);
  if (!model) {
    throw GatewayError.notFound(
      `The model '${modelId}' does not exist. GET /v1/models lists the models your plan includes.`,
      ErrorCode.modelNotFound,
      'model',
    );
  }
  if (model.kind !== kind) {
    throw GatewayError.badRequest(
      `The model '${modelId}' is a ${model.kind} model and cannot serve ${kind} requests.`,
      ErrorCode.unsupportedForModel,
      'model',
    );
  }
  if (!planIncludes(caller, model)) {
    throw GatewayError.forbidden(
      `The model '${modelId}' is a ${model.tier} model, which the ${caller.plan.name} plan does not include. Upgrade to use it.`,
      ErrorCode.modelNotInPlan,
      'model',
    );
  }
  return model;
}
