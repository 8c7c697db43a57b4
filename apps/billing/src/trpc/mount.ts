import type { INestApplication } from '@nestjs/common';
import type { Logger } from '@synthwell/server';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { AuthService } from '../auth/auth.service.js';
import { SessionService } from '../auth/session.service.js';
import type { BillingConfig } from '../config/env.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { LOGGER } from '../core/tokens.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { KeysService } from '../keys/keys.service.js';
import { PlansService } from '../plans/plans.service.js';
import { SubscriptionsService } from '../plans/subscriptions.service.js';
import { CheckoutService } from '../stripe/checkout.service.js';
import { OverageReporter } from '../usage/overage.reporter.js';
import { UsageService } from '../usage/usage.service.js';
import { contextFactory, type TrpcServices } from './context.js';
import { keepTrpcErrorShape } from './http-errors.js';
import { type AppRouter, appRouter } from './router.js';

/** Serves the tRPC router at /trpc on the Nest app's Fastify instance, with services from the Nest container. */
export function mountTrpc(app: INestApplication, config: BillingConfig): void {
  const services: TrpcServices = {
    auth: app.get(AuthService),
    sessions: app.get(SessionService),
    keys: app.get(KeysService),
    plans: app.get(PlansService),
    subscriptions: app.get(SubscriptionsService),
    checkout: app.get(CheckoutService),
    invoices: app.get(InvoicesService),
    usage: app.get(UsageService),
    overage: app.get(OverageReporter),
    conversations: app.get(ConversationsService),
    audit: app.get(AuditService),
  };
  const logger = app.get<Logger>(LOGGER);
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  // Its own scope, so its error handler covers /trpc only.
  void fastify.register(async (scope) => {
    keepTrpcErrorShape(scope, logger);
    await scope.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: contextFactory(services, config.publicUrl),
        onError({ error, path }) {
          if (error.code === 'INTERNAL_SERVER_ERROR')
            logger.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    });
  });
}
