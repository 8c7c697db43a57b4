import type { Logger } from '@synthwell/server';
import type { ExecutionResult } from 'graphql';
import { GraphQLError } from 'graphql';
import { BillingError, type BillingErrorCode } from '../core/errors.js';

const STATUS: Record<BillingErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
};

/**
 * Shapes GraphQL errors: service errors keep their message and gain `extensions.code`; anything
 * unexpected is logged and answered as an internal error, so database details never reach clients.
 * An operation refused as a whole (no data) answers with the error's HTTP status.
 */
export function formatGraphqlErrors(
  execution: ExecutionResult & { statusCode?: number },
  logger: Logger,
): { statusCode: number; response: ExecutionResult } {
  const errors = (execution.errors ?? []).flatMap((error) => {
    const nested = (error.originalError as { errors?: unknown } | undefined)?.errors;
    return Array.isArray(nested) ? (nested as GraphQLError[]) : [error];
  });
  let refusal: number | undefined;
  const formatted = errors.map((error) => {
    const original = error.originalError;
    if (original instanceof BillingError) {
      refusal ??= STATUS[original.code];
      return new GraphQLError(original.message, { ...optionsOf(error), extensions: { code: original.code } });
    }
    if (!original || original instanceof GraphQLError) {
      refusal ??= 400;
      return error;
    }
    logger.error({ err: original, path: error.path }, 'admin GraphQL resolver failed');
    refusal ??= 500;
    return new GraphQLError('Internal server error.', {
      ...optionsOf(error),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
  const statusCode = execution.data ? 200 : (refusal ?? execution.statusCode ?? 200);
  return { statusCode, response: { data: execution.data ?? null, errors: formatted } };
}

function optionsOf(error: GraphQLError) {
  return { ...(error.nodes ? { nodes: error.nodes } : {}), ...(error.path ? { path: error.path } : {}) };
}
