import { describe, expect, it } from 'vitest';
import {
  APIError,
  AuthenticationError,
  apiErrorFromResponse,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  SynthwellError,
  UnprocessableEntityError,
} from './errors.js';

function fromStatus(status: number, error: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const body = JSON.stringify({ error: { message: 'nope', type: 'some_error', param: null, code: null, ...error } });
  return apiErrorFromResponse(status, new Headers(headers), body);
}

describe('apiErrorFromResponse', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
  ])('maps status %i to its class', (status, ErrorClass) => {
    const error = fromStatus(status);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toBeInstanceOf(SynthwellError);
    expect(error.name).toBe(ErrorClass.name);
  });

  it('tells a spent quota from a rate limit by its code', () => {
    const quota = fromStatus(429, { code: 'quota_exceeded', type: 'insufficient_quota' });
    expect(quota).toBeInstanceOf(QuotaExceededError);
    expect(quota).not.toBeInstanceOf(RateLimitError);
    expect(fromStatus(429, { code: 'rate_limit_exceeded' })).toBeInstanceOf(RateLimitError);
    expect(fromStatus(429, { code: 'upstream_rate_limited' })).toBeInstanceOf(RateLimitError);
  });

  it('carries the body fields, the request id and the status in the message', () => {
    const error = fromStatus(
      403,
      {
        message: 'Model gpt-x is not in your plan',
        type: 'permission_error',
        code: 'model_not_in_plan',
        param: 'model',
      },
      { 'x-request-id': 'req_123' },
    );
    expect(error).toMatchObject({
      status: 403,
      message: '403 Model gpt-x is not in your plan',
      type: 'permission_error',
      code: 'model_not_in_plan',
      param: 'model',
      requestId: 'req_123',
    });
    expect(error.error).toEqual(expect.objectContaining({ code: 'model_not_in_plan' }));
  });

  it('exposes how long a rate limit asks to wait', () => {
    const error = fromStatus(429, { code: 'rate_limit_exceeded' }, { 'retry-after': '12' });
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(12_000);
  });

  it('keeps a body that is not OpenAI-shaped as the error text', () => {
    const error = apiErrorFromResponse(502, new Headers(), '<html>Bad Gateway</html>');
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe('502 <html>Bad Gateway</html>');
    expect(error.code).toBeNull();
    expect(error.requestId).toBeNull();
  });

  it('says so when there is no body at all', () => {
    expect(apiErrorFromResponse(500, new Headers(), '').message).toBe('500 status code (no body)');
  });
});
