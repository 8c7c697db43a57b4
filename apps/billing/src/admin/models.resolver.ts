import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { CurrentSession } from '../auth/session.service.js';
import { AdminGuard, CurrentAdmin } from './admin.guard.js';
import { CatalogModelModel, UpdateModelRouteInput } from './admin.types.js';
import { AdminModelsService, type ModelWithRoutes } from './admin-models.service.js';

@Resolver(() => CatalogModelModel)
@UseGuards(AdminGuard)
export class ModelsResolver {
  constructor(private readonly models: AdminModelsService) {}

  @Query(() => [CatalogModelModel], {
    name: 'models',
    description: 'The whole catalog, disabled models and routes included; by kind, tier and id.',
  })
  listModels(): Promise<ModelWithRoutes[]> {
    return this.models.list();
  }

  @Query(() => CatalogModelModel)
  model(@Args('id', { type: () => ID }) id: string): Promise<ModelWithRoutes> {
    return this.models.get(id);
  }

  @Mutation(() => CatalogModelModel, {
    description: 'Switches a model on or off for every plan; gateways reload their catalog within seconds.',
  })
  setModelEnabled(
    @CurrentAdmin() admin: CurrentSession,
    @Args('id', { type: () => ID }) id: string,
    @Args('enabled') enabled: boolean,
  ): Promise<ModelWithRoutes> {
    return this.models.setEnabled(admin.user.id, id, enabled);
  }

  @Mutation(() => CatalogModelModel, {
    description: "Edits a route's order, weight or enabled flag; answers with the route's model.",
  })
  updateModelRoute(
    @CurrentAdmin() admin: CurrentSession,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateModelRouteInput,
  ): Promise<ModelWithRoutes> {
    return this.models.updateRoute(admin.user.id, id, { ...input });
  }
}
