import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import type { ProviderRegistry } from '@synthwell/providers';
import type { Logger } from '@synthwell/server';
import { AuthGuard } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import { UsageLedger } from '../metering/usage-ledger.js';
import { MetricsService } from '../observability/metrics.service.js';
import { RouterService } from '../router/router.service.js';
import { DB, GATEWAY_CONFIG, LOGGER, PROVIDERS } from './tokens.js';

export interface CoreDependencies {
  config: GatewayConfig;
  logger: Logger;
  db: Db;
  providers: ProviderRegistry;
}

/** The singletons every feature module uses: config, logger, database, providers, auth, catalog, router, ledger. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    const services = [AuthService, AuthGuard, CatalogService, RouterService, UsageLedger, MetricsService];
    return {
      module: CoreModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: deps.config },
        { provide: LOGGER, useValue: deps.logger },
        { provide: DB, useValue: deps.db },
        { provide: PROVIDERS, useValue: deps.providers },
        ...services,
      ],
      exports: [GATEWAY_CONFIG, LOGGER, DB, PROVIDERS, ...services],
    };
  }
}
