import { type DynamicModule, Module } from '@nestjs/common';
import { pingDb } from '@synthwell/db';
import { HealthModule } from '@synthwell/server';
import { type CoreDependencies, CoreModule } from './core/core.module.js';

@Module({})
export class BillingModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return {
      module: BillingModule,
      imports: [
        CoreModule.forRoot(deps),
        HealthModule.forRoot({ useValue: [{ name: 'database', check: () => pingDb(deps.db) }] }),
      ],
    };
  }
}
