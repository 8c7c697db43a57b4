import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { csrfMatches } from '../auth/session.service.js';
import { BillingError } from '../core/errors.js';
import { describeIssues } from '../core/validation.js';
import type { TrpcContext } from './context.js';

const t = initTRPC.context<TrpcContext>().create({
  /**
   * Input errors read as one line per field, with the field errors alongside for forms. No error
   * carries a stack trace, whatever NODE_ENV says: it names our files and libraries.
   */
  errorFormatter({ shape: withStack, error }) {
    const shape = { ...withStack, data: { ...withStack.data, stack: undefined } };
    const cause = error.cause;
    if (cause instanceof ZodError && error.code === 'BAD_REQUEST') {
      return {
        ...shape,
        message: describeIssues(cause.issues),
        data: { ...shape.data, fieldErrors: z.flattenError(cause).fieldErrors as Record<string, string[]> },
      };
    }
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // The cause is logged (see mount.ts); its message may carry database details, so it stays here.
      return { ...shape, message: 'Internal server error.' };
    }
    if (cause instanceof BillingError && cause.retryAfterSeconds !== undefined) {
      return { ...shape, data: { ...shape.data, retryAfterSeconds: cause.retryAfterSeconds } };
    }
    return shape;
  },
});

export const router = t.router;

/** Service errors become tRPC errors with the same code (and so the right HTTP status). */
const serviceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof BillingError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(serviceErrors);

/**
 * A signed-in user. Mutations also need the `x-csrf-token` header to equal the session's CSRF token:
 * a cross-site page can make the browser send the cookie, but cannot read the token to send it back.
 */
export const protectedProcedure = publicProcedure.use(({ ctx, type, next }) => {
  const { session } = ctx;
  if (!session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
  if (type === 'mutation' && !csrfMatches(session, ctx.csrfToken)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Missing or invalid CSRF token: send the x-csrf-token header.' });
  }
  return next({ ctx: { ...ctx, session } });
});

export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.session.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Admins only.' });
  return next();
});
