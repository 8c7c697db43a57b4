/**
 * What went wrong, in terms both APIs share. Services throw these; tRPC maps `code` to its error codes
 * (and HTTP statuses), GraphQL to `extensions.code`.
 */
export type BillingErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'TOO_MANY_REQUESTS';

export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
    /** Seconds until a throttled request may be retried. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'BillingError';
  }

  static badRequest(message: string): BillingError {
    return new BillingError('BAD_REQUEST', message);
  }

  static notFound(message: string): BillingError {
    return new BillingError('NOT_FOUND', message);
  }

  static conflict(message: string): BillingError {
    return new BillingError('CONFLICT', message);
  }

  static unauthorized(message = 'Sign in first.'): BillingError {
    return new BillingError('UNAUTHORIZED', message);
  }

  static forbidden(message: string): BillingError {
    return new BillingError('FORBIDDEN', message);
  }
}
