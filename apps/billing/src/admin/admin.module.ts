import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { Logger } from '@synthwell/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type DocumentNode, Kind } from 'graphql';
import type { MercuriusContext, preExecutionHookHandler } from 'mercurius';
import { AuthModule } from '../auth/auth.module.js';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.js';
import { csrfMatches, SessionService } from '../auth/session.service.js';
import { BillingError } from '../core/errors.js';
import { LOGGER } from '../core/tokens.js';
import { PlansModule } from '../plans/plans.module.js';
import { UsageModule } from '../usage/usage.module.js';
import type { AdminContext } from './admin.context.js';
import { AdminGuard } from './admin.guard.js';
import { AdminModelsService } from './admin-models.service.js';
import { AdminStatsService } from './admin-stats.service.js';
import { AdminUsersService } from './admin-users.service.js';
import { AuditResolver } from './audit.resolver.js';
import { formatGraphqlErrors } from './graphql.errors.js';
import { ModelsResolver } from './models.resolver.js';
import { PlansResolver } from './plans.resolver.js';
import { complexityLimit, MAX_QUERY_DEPTH } from './query-limits.js';
import { SubscriptionsResolver } from './subscriptions.resolver.js';
import { UsageResolver } from './usage.resolver.js';
import { UsersResolver } from './users.resolver.js';

const isMutation = (document: DocumentNode) =>
  document.definitions.some(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'mutation',
  );

/**
 * Refuses a whole operation before anything runs unless the caller is a signed-in admin (and, for
 * mutations, sent the CSRF header). Introspection included: the schema is for admins too.
 */
const requireAdmin: preExecutionHookHandler = (_schema, document, mercuriusContext) => {
  // Mercurius merges what our `context` function returns into its own context object.
  const context = mercuriusContext as MercuriusContext & AdminContext;
  if (!context.session) throw BillingError.unauthorized('Sign in as an admin to use the admin API.');
  if (context.session.user.role !== 'admin') throw BillingError.forbidden('The admin API is for admins only.');
  if (isMutation(document) && !context.csrfOk) {
    throw BillingError.forbidden('Missing or invalid CSRF token: send the x-csrf-token header.');
  }
};

/** The admin API: code-first GraphQL on Mercurius at /graphql, admins only, with depth and cost limits. */
@Module({
  imports: [
    AuthModule,
    PlansModule,
    UsageModule,
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [AuthModule],
      inject: [SessionService, LOGGER],
      useFactory: (sessions: SessionService, logger: Logger): MercuriusDriverConfig => ({
        autoSchemaFile: true,
        sortSchema: true,
        path: '/graphql',
        graphiql: false,
        fieldResolverEnhancers: ['guards'],
        queryDepth: MAX_QUERY_DEPTH,
        validationRules: [complexityLimit()],
        context: async (request: FastifyRequest, reply: FastifyReply): Promise<AdminContext> => {
          const session = await sessions.resolve(readCookie(request.headers.cookie, SESSION_COOKIE));
          const header = request.headers['x-csrf-token'];
          const csrfOk = session !== null && csrfMatches(session, Array.isArray(header) ? header[0] : header);
          return { req: request, reply, session, csrfOk };
        },
        hooks: { preExecution: requireAdmin },
        errorFormatter: (execution) => formatGraphqlErrors(execution, logger),
      }),
    }),
  ],
  providers: [
    AdminGuard,
    AdminUsersService,
    AdminStatsService,
    AdminModelsService,
    PlansResolver,
    ModelsResolver,
    UsersResolver,
    SubscriptionsResolver,
    UsageResolver,
    AuditResolver,
  ],
})
export class AdminModule {}
