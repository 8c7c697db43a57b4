import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { CurrentSession } from '../auth/session.service.js';
import { BillingError } from '../core/errors.js';
import type { AdminContext } from './admin.context.js';

function adminContext(context: ExecutionContext): AdminContext {
  return GqlExecutionContext.create(context).getContext<AdminContext>();
}

/**
 * On every admin resolver and field resolver: a signed-in admin, and for mutations the CSRF header.
 * (The GraphQL endpoint checks the same before executing anything; this keeps each resolver safe on its own.)
 */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { session, csrfOk } = adminContext(context);
    if (!session) throw BillingError.unauthorized('Sign in as an admin to use the admin API.');
    if (session.user.role !== 'admin') throw BillingError.forbidden('The admin API is for admins only.');
    const operation = GqlExecutionContext.create(context).getInfo<{ operation: { operation: string } }>().operation;
    if (operation.operation === 'mutation' && !csrfOk) {
      throw BillingError.forbidden('Missing or invalid CSRF token: send the x-csrf-token header.');
    }
    return true;
  }
}

/** The signed-in admin; only valid behind AdminGuard. */
export const CurrentAdmin = createParamDecorator((_data: unknown, context: ExecutionContext): CurrentSession => {
  const { session } = adminContext(context);
  if (!session) throw new Error('CurrentAdmin used without AdminGuard');
  return session;
});
