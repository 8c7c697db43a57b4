import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { ErrorCode, ErrorType } from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LOGGER } from '../core/tokens.js';
import { isDatabaseUnavailable, isUnstorableText } from './database-errors.js';
import { GatewayError } from './gateway-error.js';

/** What a database outage tells clients to wait before retrying; a restart takes seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Errors Fastify raises itself (body parsing, limits) carry a status and an FST_ code. */
interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Maps anything thrown while serving a request to a GatewayError with OpenAI's error shape. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) return GatewayError.notFound('Unknown route. See /v1/openapi.json for the API.');
    if (status === 413)
      return new GatewayError(413, ErrorType.invalidRequest, ErrorCode.bodyTooLarge, 'The request body is too large.');
    // Nest reports Fastify's JSON parse failures as a 400 HttpException naming JSON.
    if (status === 400 && /JSON/.test(error.message)) {
      return GatewayError.badRequest('The request body is not valid JSON.', ErrorCode.invalidJson);
    }
    if (status === 415)
      return new GatewayError(
        415,
        ErrorType.invalidRequest,
        ErrorCode.invalidBody,
        'Send the body as application/json.',
      );
    if (status < 500) return new GatewayError(status, ErrorType.invalidRequest, ErrorCode.invalidBody, error.message);
    return GatewayError.internal();
  }
  const fastifyError = error as FastifyLikeError;
  if (fastifyError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastifyError?.statusCode === 413) {
    return new GatewayError(413, ErrorType.invalidRequest, ErrorCode.bodyTooLarge, 'The request body is too large.');
  }
  if (fastifyError?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fastifyError?.statusCode === 415) {
    return new GatewayError(415, ErrorType.invalidRequest, ErrorCode.invalidBody, 'Send the body as application/json.');
  }
  if (
    error instanceof SyntaxError ||
    fastifyError?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    fastifyError?.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
  ) {
    return GatewayError.badRequest('The request body is not valid JSON.', ErrorCode.invalidJson);
  }
  if (isDatabaseUnavailable(error)) return GatewayError.unavailable(DATABASE_RETRY_AFTER_SECONDS);
  if (isUnstorableText(error)) {
    return GatewayError.badRequest('The request contains a NUL character or an unpaired surrogate.');
  }
  // JSON.parse does not recurse, but code that walks a parsed body (hashing, serialising, schema
  // checks) does: a body nested deeply enough overflows the stack there. That is the body's fault.
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return GatewayError.badRequest('The request body nests too deeply.');
  }
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new GatewayError(
      fastifyError.statusCode,
      ErrorType.invalidRequest,
      ErrorCode.invalidBody,
      'The request is malformed.',
    );
  }
  return GatewayError.internal();
}

export function sendError(reply: FastifyReply, error: GatewayError): void {
  if (reply.sent || reply.raw.headersSent) return;
  reply.status(error.status).headers(error.headers).header('content-type', 'application/json').send(error.toBody());
}

@Catch()
export class OpenAIExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = toGatewayError(exception);
    if (error.status >= 500) {
      const context = { err: exception, requestId: request.id, route: request.routeOptions?.url };
      // An outage fails many requests at once for one known reason: a warning each, not an error.
      if (error.code === ErrorCode.serviceUnavailable) this.logger.warn(context, 'database unavailable');
      else this.logger.error(context, 'request failed');
    }
    sendError(reply, error);
  }
}
