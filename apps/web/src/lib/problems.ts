import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
} from '@synthwell/sdk';
import { isTRPCClientError } from '@trpc/client';
import { formatDuration } from './format';
import { GraphQLRequestError } from './graphql-error';

/** What went wrong, in words a user can act on; `kind` picks how the page shows it. */
export interface Problem {
  kind:
    | 'quota'
    | 'rate_limit'
    | 'locked'
    | 'signed_out'
    | 'throttled'
    | 'invalid'
    | 'unavailable'
    | 'aborted'
    | 'error';
  title: string;
  message: string;
  /** When trying again may work, in seconds. */
  retryAfterSeconds?: number;
  /** Per-field messages for forms. */
  fieldErrors?: Record<string, string[]>;
}

interface BillingErrorData {
  code?: string;
  httpStatus?: number;
  retryAfterSeconds?: number;
  fieldErrors?: Record<string, string[]>;
}

function fromBilling(message: string, data: BillingErrorData | undefined): Problem {
  switch (data?.code) {
    case 'UNAUTHORIZED':
      return { kind: 'signed_out', title: 'Not signed in', message };
    case 'TOO_MANY_REQUESTS': {
      const wait = data.retryAfterSeconds;
      const when = wait === undefined ? 'Try again later.' : `Try again in ${formatDuration(wait)}.`;
      return {
        kind: 'throttled',
        title: 'Too many attempts',
        message: `${message} ${when}`,
        ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
      };
    }
    case 'BAD_REQUEST':
    case 'CONFLICT':
      return {
        kind: 'invalid',
        title: 'Check the form',
        message,
        ...(data.fieldErrors ? { fieldErrors: data.fieldErrors } : {}),
      };
    case 'FORBIDDEN':
      return { kind: 'error', title: 'Not allowed', message };
    default:
      if ((data?.httpStatus ?? 500) >= 500 || data === undefined) {
        return {
          kind: 'unavailable',
          title: 'Billing is unavailable',
          message: 'The billing service did not answer. Try again in a moment.',
        };
      }
      return { kind: 'error', title: 'Something went wrong', message };
  }
}

function fromGateway(error: APIError): Problem {
  const detail = typeof error.error === 'object' ? error.error.message : error.message;
  const retryHeader = Number(error.headers?.get('retry-after'));
  const retryAfterSeconds = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined;
  if (error instanceof QuotaExceededError) {
    return {
      kind: 'quota',
      title: 'Daily quota reached',
      message: detail,
      ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
    };
  }
  if (error instanceof RateLimitError) {
    const wait = error.retryAfterMs === undefined ? retryAfterSeconds : error.retryAfterMs / 1000;
    return {
      kind: 'rate_limit',
      title: 'Slow down',
      message: wait === undefined ? detail : `${detail} Try again in ${formatDuration(wait)}.`,
      ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
    };
  }
  if (error instanceof PermissionDeniedError && error.code === 'model_not_in_plan') {
    return { kind: 'locked', title: 'Not in your plan', message: detail };
  }
  if (error instanceof AuthenticationError) return { kind: 'signed_out', title: 'Session expired', message: detail };
  if ((error.status ?? 500) >= 500) return { kind: 'unavailable', title: 'The gateway had a problem', message: detail };
  return { kind: 'invalid', title: 'The request was refused', message: detail };
}

/** Turns anything thrown by billing (tRPC), the gateway (SDK) or fetch into a `Problem`. */
export function describeProblem(error: unknown): Problem {
  if (isTRPCClientError(error)) return fromBilling(error.message, error.data as BillingErrorData | undefined);
  if (error instanceof GraphQLRequestError)
    return fromBilling(error.message, { code: error.code ?? 'UNKNOWN', httpStatus: 400 });
  if (error instanceof APIUserAbortError) return { kind: 'aborted', title: 'Stopped', message: 'Stopped.' };
  if (error instanceof APIError) return fromGateway(error);
  // fetch rejects with a TypeError when the network fails ("Failed to fetch").
  if (error instanceof APIConnectionError || (error instanceof TypeError && /fetch|network/i.test(error.message))) {
    return { kind: 'unavailable', title: 'Cannot reach Synthwell', message: 'Check your connection and try again.' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'error', title: 'Something went wrong', message };
}
