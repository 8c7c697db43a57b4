import { z } from 'zod';

/** OpenAI's error `type`s, which clients switch on. */
export const ErrorType = {
  invalidRequest: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  notFound: 'not_found_error',
  conflict: 'conflict_error',
  rateLimit: 'rate_limit_error',
  quota: 'insufficient_quota',
  upstream: 'upstream_error',
  server: 'server_error',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** Machine-readable `code`s. A policy limit and an upstream's limit are different codes. */
export const ErrorCode = {
  invalidJson: 'invalid_json',
  invalidBody: 'invalid_request_body',
  bodyTooLarge: 'request_too_large',
  missingApiKey: 'missing_api_key',
  invalidApiKey: 'invalid_api_key',
  expiredApiKey: 'expired_api_key',
  revokedApiKey: 'revoked_api_key',
  invalidSessionToken: 'invalid_session_token',
  modelNotFound: 'model_not_found',
  modelNotInPlan: 'model_not_in_plan',
  unsupportedForModel: 'unsupported_for_model',
  notFound: 'not_found',
  invalidSignedUrl: 'invalid_signed_url',
  idempotencyConflict: 'idempotency_key_conflict',
  jobNotFinished: 'job_not_finished',
  rateLimitExceeded: 'rate_limit_exceeded',
  quotaExceeded: 'quota_exceeded',
  concurrencyExceeded: 'concurrency_limit_exceeded',
  upstreamRateLimited: 'upstream_rate_limited',
  upstreamError: 'upstream_error',
  upstreamTimeout: 'upstream_timeout',
  contentPolicyViolation: 'content_policy_violation',
  internalError: 'internal_error',
  serviceUnavailable: 'service_unavailable',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function errorBody(
  message: string,
  type: ErrorType,
  code: ErrorCode | null = null,
  param: string | null = null,
): ErrorBody {
  return { error: { message, type, param, code } };
}
