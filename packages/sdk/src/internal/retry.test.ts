import { describe, expect, it } from 'vitest';
import { APIConnectionError, APITimeoutError, makeAPIError, SynthwellError } from '../errors.js';
import { backoffMs, retryDelayMs } from './retry.js';
import { parseRetryAfterMs } from './retry-after.js';

const clock = { now: () => Date.parse('2026-11-01T12:00:00Z'), random: () => 0 };

function apiError(status: number, code: string | null = null, headers: Record<string, string> = {}) {
  return makeAPIError(status, new Headers(headers), { error: { message: 'x', type: 't', code, param: null } });
}

describe('backoffMs', () => {
  it('doubles from 0.5 s and stops growing at 8 s', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((retry) => backoffMs(retry, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it('shortens each delay by up to a quarter at random', () => {
    expect(backoffMs(1, 0.999)).toBeGreaterThan(750);
    expect(backoffMs(1, 0.999)).toBeLessThan(1000);
    expect(backoffMs(1, 0.5)).toBe(875);
  });
});

describe('parseRetryAfterMs', () => {
  it('prefers retry-after-ms, then reads retry-after as seconds or as a date', () => {
    const now = clock.now();
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'Sun, 01 Nov 2026 12:00:07 GMT' }), now)).toBe(7000);
  });

  it('ignores what it cannot read', () => {
    const now = clock.now();
    expect(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ 'retry-after-ms': '-5' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it.each([408, 409, 429, 500, 502, 503])('retries status %i', (status) => {
    expect(retryDelayMs(apiError(status), 0, clock)).toBe(500);
  });

  it.each([400, 401, 403, 404, 422])('does not retry status %i', (status) => {
    expect(retryDelayMs(apiError(status), 0, clock)).toBeUndefined();
  });

  it('retries connection failures and timeouts, but not other SDK errors', () => {
    expect(retryDelayMs(new APIConnectionError(), 1, clock)).toBe(1000);
    expect(retryDelayMs(new APITimeoutError(10), 2, clock)).toBe(2000);
    expect(retryDelayMs(new SynthwellError('bad JSON'), 0, clock)).toBeUndefined();
  });

  it('retries a rate limit but never a spent daily quota', () => {
    expect(retryDelayMs(apiError(429, 'rate_limit_exceeded'), 0, clock)).toBe(500);
    expect(retryDelayMs(apiError(429, 'upstream_rate_limited'), 0, clock)).toBe(500);
    expect(retryDelayMs(apiError(429, 'quota_exceeded'), 0, clock)).toBeUndefined();
  });

  it('waits as long as retry-after asks, beyond the backoff cap, up to a minute', () => {
    expect(retryDelayMs(apiError(429, null, { 'retry-after': '20' }), 0, clock)).toBe(20_000);
    expect(retryDelayMs(apiError(503, null, { 'retry-after-ms': '0' }), 3, clock)).toBe(0);
    expect(retryDelayMs(apiError(429, null, { 'retry-after': '60' }), 0, clock)).toBe(60_000);
  });

  it('hands a longer retry-after to the caller instead of blocking', () => {
    expect(retryDelayMs(apiError(429, null, { 'retry-after': '3600' }), 0, clock)).toBeUndefined();
  });
});
