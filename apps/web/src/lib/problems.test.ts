import { PermissionDeniedError, QuotaExceededError, RateLimitError } from '@synthwell/sdk';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { GraphQLRequestError } from './graphql-error';
import { describeProblem } from './problems';

const billingError = (message: string, data: Record<string, unknown>) =>
  new TRPCClientError(message, { result: { error: { message, code: -32000, data } } } as never);

describe('describeProblem', () => {
  it('explains a wrong password, a throttled sign-in with its wait, and a form error per field', () => {
    expect(
      describeProblem(billingError('Incorrect email or password.', { code: 'UNAUTHORIZED', httpStatus: 401 })),
    ).toMatchObject({
      kind: 'signed_out',
      message: 'Incorrect email or password.',
    });
    expect(
      describeProblem(
        billingError('Too many sign-in attempts.', {
          code: 'TOO_MANY_REQUESTS',
          httpStatus: 429,
          retryAfterSeconds: 540,
        }),
      ),
    ).toEqual({
      kind: 'throttled',
      title: 'Too many attempts',
      message: 'Too many sign-in attempts. Try again in 9 min.',
      retryAfterSeconds: 540,
    });
    const invalid = describeProblem(
      billingError('password: too short', {
        code: 'BAD_REQUEST',
        httpStatus: 400,
        fieldErrors: { password: ['Passwords need at least 10 characters.'] },
      }),
    );
    expect(invalid.fieldErrors?.password).toEqual(['Passwords need at least 10 characters.']);
  });

  it('tells a spent daily quota from a per-minute rate limit, and a locked model from other refusals', () => {
    const headers = new Headers({ 'retry-after': '3600' });
    const error = (message: string, code: string) => ({ message, code, type: null, param: null });
    const quota = new QuotaExceededError({
      status: 429,
      headers,
      error: error("You have used today's 50 chat requests.", 'quota_exceeded'),
      message: '429',
    });
    expect(describeProblem(quota)).toMatchObject({
      kind: 'quota',
      retryAfterSeconds: 3600,
      message: "You have used today's 50 chat requests.",
    });
    const rate = new RateLimitError({
      status: 429,
      headers: new Headers({ 'retry-after': '12' }),
      error: error('Slow down.', 'rate_limit_exceeded'),
      message: '429',
    });
    expect(describeProblem(rate)).toMatchObject({ kind: 'rate_limit', message: 'Slow down. Try again in 12 s.' });
    const locked = new PermissionDeniedError({
      status: 403,
      headers: new Headers(),
      error: error('Upgrade to use it.', 'model_not_in_plan'),
      message: '403',
    });
    expect(describeProblem(locked).kind).toBe('locked');
  });

  it('reports network failures and admin API refusals plainly', () => {
    expect(describeProblem(new TypeError('Failed to fetch')).kind).toBe('unavailable');
    expect(describeProblem(new GraphQLRequestError('The admin API is for admins only.', 'FORBIDDEN'))).toMatchObject({
      kind: 'error',
      message: 'The admin API is for admins only.',
    });
  });
});
