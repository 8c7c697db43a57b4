import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import type { ProviderRegistry } from '@synthwell/providers';
import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import { AuthGuard } from '../auth/auth.guard.js';
import { AuthService } from '../auth/auth.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import { InvalidationSubscriber } from '../events/invalidation.subscriber.js';
import { UsageLedger } from '../metering/usage-ledger.js';
import { MetricsService } from '../observability/metrics.service.js';
import { MemoryLimiter } from '../policy/limiter/memory-limiter.js';
import { RedisLimiter } from '../policy/limiter/redis-limiter.js';
import { PolicyService } from '../policy/policy.service.js';
import { RouterService } from '../router/router.service.js';
import { IdempotencyService } from './idempotency.js';
import { InFlight } from './in-flight.js';
import { DB, GATEWAY_CONFIG, LIMITER, LOGGER, PROVIDERS, REDIS } from './tokens.js';

export interface CoreDependencies {
  config: GatewayConfig;
  logger: Logger;
  db: Db;
  providers: ProviderRegistry;
  /** Shared state across replicas; null in the embedded default. */
  redis: Redis | null;
}

/** The singletons every feature module uses: config, logger, database, providers, auth, catalog, router, ledger. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  /** Runs after every module's destroy hooks (the usage ledger's final flush included). */
  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }

  static forRoot(deps: CoreDependencies): DynamicModule {
    const services = [
      AuthService,
      AuthGuard,
      CatalogService,
      RouterService,
      UsageLedger,
      MetricsService,
      PolicyService,
      InvalidationSubscriber,
      IdempotencyService,
      InFlight,
    ];
    const limiter = deps.redis ? new RedisLimiter(deps.redis, deps.logger) : new MemoryLimiter();
    return {
      module: CoreModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: deps.config },
        { provide: LOGGER, useValue: deps.logger },
        { provide: DB, useValue: deps.db },
        { provide: PROVIDERS, useValue: deps.providers },
        { provide: REDIS, useValue: deps.redis },
        { provide: LIMITER, useValue: limiter },
        ...services,
      ],
      exports: [GATEWAY_CONFIG, LOGGER, DB, PROVIDERS, REDIS, LIMITER, ...services],
    };
  }
}
