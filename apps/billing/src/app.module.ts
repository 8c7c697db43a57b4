import { type DynamicModule, Module } from '@nestjs/common';
import { pingDb } from '@synthwell/db';
import { HealthModule, type ReadinessCheck } from '@synthwell/server';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import { type CoreDependencies, CoreModule } from './core/core.module.js';
import { InvoicesModule } from './invoices/invoices.module.js';
import { KeysModule } from './keys/keys.module.js';
import { PlansModule } from './plans/plans.module.js';
import { StripeModule } from './stripe/stripe.module.js';
import { UsageModule } from './usage/usage.module.js';

@Module({})
export class BillingModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    const checks: ReadinessCheck[] = [{ name: 'database', check: () => pingDb(deps.db) }];
    if (deps.redis) checks.push({ name: 'redis', check: async () => (await deps.redis?.ping()) === 'PONG' });
    return {
      module: BillingModule,
      imports: [
        CoreModule.forRoot(deps),
        HealthModule.forRoot({ useValue: checks }),
        AuthModule,
        KeysModule,
        PlansModule,
        StripeModule,
        InvoicesModule,
        UsageModule,
        ConversationsModule,
        AdminModule,
      ],
    };
  }
}
