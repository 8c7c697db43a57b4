import { type DynamicModule, Module } from '@nestjs/common';
import { pingDb } from '@synthwell/db';
import { HealthModule, type ReadinessCheck } from '@synthwell/server';
import { CatalogService } from './catalog/catalog.service.js';
import { ChatModule } from './chat/chat.module.js';
import { type CoreDependencies, CoreModule } from './core/core.module.js';
import { ShutdownDrain } from './core/in-flight.js';
import { ImagesModule } from './images/images.module.js';
import { ModelsController } from './models/models.controller.js';
import { MetricsController } from './observability/metrics.controller.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { ProvenanceModule } from './provenance/provenance.module.js';
import { SafetyModule } from './safety/safety.module.js';
import { SyntheticModule } from './synthetic/synthetic.module.js';
import { UsageController } from './usage/usage.controller.js';

@Module({})
export class GatewayModule {
  static forRoot(deps: CoreDependencies & { ready: () => boolean }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.forRoot(deps),
        HealthModule.forRoot({
          useFactory: (catalog: CatalogService): ReadinessCheck[] => [
            { name: 'database', check: () => pingDb(deps.db) },
            { name: 'catalog', check: async () => catalog.ready },
            { name: 'models', check: async () => deps.ready() },
          ],
          inject: [CatalogService],
        }),
        ChatModule,
        ImagesModule,
        SyntheticModule,
        SafetyModule,
        ProvenanceModule,
      ],
      controllers: [ModelsController, UsageController, MetricsController, OpenApiController],
      // Here, in the root module, so its destroy hook (the drain) runs before any other module's.
      providers: [ShutdownDrain],
    };
  }
}
