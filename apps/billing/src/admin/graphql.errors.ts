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

/** `extensions.code` of a request refused before any resolver ran, by its HTTP status. */
const REQUEST_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Something wrong with the HTTP request itself (a body that is not JSON or too large, an unsupported
 * content type, a mutation sent with GET), found by Fastify or Mercurius before any resolver ran.
 * Their errors carry a 4xx `statusCode`; they are the client's fault, not ours.
 */
class RequestProblem extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function clientStatusOf(error: unknown): number | null {
  const status = (error as { statusCode?: unknown } | null | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'The request is malformed.';
}

/**
 * Mercurius reports a refused request as one error whose `errors` hold the details: GraphQL syntax and
 * validation errors, or plain errors (a body failing its schema, a GET mutation). The latter become
 * request problems with the request's status.
 */
function flatten(execution: ExecutionResult): GraphQLError[] {
  return (execution.errors ?? []).flatMap((error) => {
    const original = error.originalError;
    const status = clientStatusOf(original);
    const nested = (original as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(nested) && nested.length > 0) {
      return nested.map((item: unknown) =>
        item instanceof GraphQLError
          ? item
          : new GraphQLError(messageOf(item), { originalError: new RequestProblem(messageOf(item), status ?? 400) }),
      );
    }
    // A resolver's error has a path: a Stripe 4xx there is our fault, not the client's.
    if (status !== null && error.path === undefined && !(original instanceof GraphQLError)) {
      return [
        new GraphQLError(messageOf(original), { originalError: new RequestProblem(messageOf(original), status) }),
      ];
    }
    return [error];
  });
}

/**
 * Shapes GraphQL errors: service errors keep their message and gain `extensions.code`; a request
 * refused before it ran keeps its 4xx status; anything unexpected is logged and answered as an
 * internal error, so database details never reach clients. An operation refused as a whole (no data)
 * answers with the error's HTTP status.
 */
export function formatGraphqlErrors(
  execution: ExecutionResult & { statusCode?: number },
  logger: Logger,
): { statusCode: number; response: ExecutionResult } {
  let refusal: number | undefined;
  const formatted = flatten(execution).map((error) => {
    const original = error.originalError;
    if (original instanceof BillingError) {
      refusal ??= STATUS[original.code];
      return new GraphQLError(original.message, { ...optionsOf(error), extensions: { code: original.code } });
    }
    if (original instanceof RequestProblem) {
      refusal ??= original.status;
      return new GraphQLError(original.message, {
        extensions: { code: REQUEST_CODE[original.status] ?? 'BAD_REQUEST' },
      });
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
