import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { AuditService } from '../audit/audit.service.js';
import type { BillingConfig } from '../config/env.js';
import { InvalidationPublisher } from '../events/invalidation.publisher.js';
import type { StripeStandin } from '../stripe/standin/server.js';
import { BILLING_CONFIG, DB, LOGGER, REDIS, STRIPE, STRIPE_STANDIN } from './tokens.js';

export interface CoreDependencies {
  config: BillingConfig;
  logger: Logger;
  db: Db;
  /** Publishes invalidations to gateways; null without REDIS_URL. */
  redis: Redis | null;
  stripe: Stripe;
  /** Running when no STRIPE_SECRET_KEY is set. */
  standin: StripeStandin | null;
}

/** The singletons every feature uses: config, logger, database, Redis, Stripe, the audit log, invalidations. */
@Global()
@Module({})
export class CoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(STRIPE_STANDIN) private readonly standin: StripeStandin | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
    await this.standin?.close();
  }

  static forRoot(deps: CoreDependencies): DynamicModule {
    const services = [AuditService, InvalidationPublisher];
    return {
      module: CoreModule,
      providers: [
        { provide: BILLING_CONFIG, useValue: deps.config },
        { provide: LOGGER, useValue: deps.logger },
        { provide: DB, useValue: deps.db },
        { provide: REDIS, useValue: deps.redis },
        { provide: STRIPE, useValue: deps.stripe },
        { provide: STRIPE_STANDIN, useValue: deps.standin },
        ...services,
      ],
      exports: [BILLING_CONFIG, LOGGER, DB, REDIS, STRIPE, STRIPE_STANDIN, ...services],
    };
  }
}
