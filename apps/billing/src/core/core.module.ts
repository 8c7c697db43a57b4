import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { BillingConfig } from '../config/env.js';
import { BILLING_CONFIG, DB, LOGGER } from './tokens.js';

export interface CoreDependencies {
  config: BillingConfig;
  logger: Logger;
  db: Db;
}

@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: BILLING_CONFIG, useValue: deps.config },
        { provide: LOGGER, useValue: deps.logger },
        { provide: DB, useValue: deps.db },
      ],
      exports: [BILLING_CONFIG, LOGGER, DB],
    };
  }
}
