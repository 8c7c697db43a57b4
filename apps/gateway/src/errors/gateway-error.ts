import { type ErrorBody, ErrorCode, ErrorType, errorBody } from '@synthwell/contracts';

/**
 * An error the gateway answers with deliberately: status, OpenAI error type and code, a message safe
 * to show the caller, and any headers (retry-after) it needs.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    readonly code: ErrorCode | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  toBody(): ErrorBody {
    return errorBody(this.message, this.type, this.code, this.param);
  }

  static badRequest(
    message: string,
    code: ErrorCode = ErrorCode.invalidBody,
    param: string | null = null,
  ): GatewayError {
    return new GatewayError(400, ErrorType.invalidRequest, code, message, param);
  }
  static unauthorized(message: string, code: ErrorCode): GatewayError {
    return new GatewayError(401, ErrorType.authentication, code, message);
  }
  static forbidden(message: string, code: ErrorCode, param: string | null = null): GatewayError {
    return new GatewayError(403, ErrorType.permission, code, message, param);
  }
  static notFound(message: string, code: ErrorCode = ErrorCode.notFound, param: string | null = null): GatewayError {
    return new GatewayError(404, ErrorType.notFound, code, message, param);
  }
  static conflict(message: string, code: ErrorCode): GatewayError {
    return new GatewayError(409, ErrorType.conflict, code, message);
  }
  static internal(message = 'The gateway failed to handle this request.'): GatewayError {
    return new GatewayError(500, ErrorType.server, ErrorCode.internalError, message);
  }
  /** Our own dependency is briefly out of reach: clients should retry after `retryAfterSeconds`. */
  static unavailable(retryAfterSeconds: number): GatewayError {
    return new GatewayError(
      503,
      ErrorType.server,
      ErrorCode.serviceUnavailable,
      'The gateway is temporarily unavailable; retry in a few seconds.',
      null,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}
