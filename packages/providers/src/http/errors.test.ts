import { describe, expect, it } from 'vitest';
import { errorFromStatus, parseRetryAfter, upstreamErrorDetail } from './errors.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');

  it('reads seconds, fractional seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 26 Nov 2026 12:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1250', 'retry-after': '2' }), now)).toBe(1250);
  });

  it('is null when absent or unreadable, and never negative', () => {
    expect(parseRetryAfter(new Headers(), now)).toBeNull();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeNull();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 26 Nov 2026 11:00:00 GMT' }), now)).toBe(0);
  });
});

describe('errorFromStatus', () => {
  const headers = new Headers();

  it.each([
    [429, 'rate_limited', true],
    [500, 'server_error', true],
    [503, 'server_error', true],
    [529, 'server_error', true],
    [501, 'server_error', false],
    [404, 'server_error', false],
    [408, 'timeout', true],
    [400, 'invalid_request', false],
    [413, 'invalid_request', false],
    [422, 'invalid_request', false],
    [401, 'auth', false],
    [403, 'auth', false],
  ] as const)('maps %i to %s (retryable: %s)', (status, kind, retryable) => {
    const error = errorFromStatus('up', status, headers, '');
    expect(error).toMatchObject({ kind, retryable, status });
  });

  it('passes the retry-after of a 429 on', () => {
    expect(errorFromStatus('up', 429, new Headers({ 'retry-after': '3' }), '').retryAfterMs).toBe(3000);
  });

  it('explains an invalid request with the upstream’s message, but never an auth failure', () => {
    const body = JSON.stringify({ error: { message: "Invalid value for 'temperature'" } });
    expect(errorFromStatus('openai', 400, headers, body).message).toBe(
      "openai rejected the request (400): Invalid value for 'temperature'",
    );
    const authBody = JSON.stringify({ error: { message: 'Incorrect API key provided: sk-abc123456789' } });
    expect(errorFromStatus('openai', 401, headers, authBody).message).not.toContain('sk-');
  });
});

describe('upstreamErrorDetail', () => {
  it('keeps one short line and redacts credential-like strings', () => {
    const message = `bad key sk-proj-abcdefgh123 in\nrequest ${'x'.repeat(400)}`;
    const detail = upstreamErrorDetail(JSON.stringify({ error: { message } }));
    expect(detail).not.toContain('sk-proj');
    expect(detail).not.toContain('\n');
    expect(detail?.length).toBeLessThanOrEqual(200);
  });

  it('is null for bodies that are not an error object', () => {
    expect(upstreamErrorDetail('<html>502</html>')).toBeNull();
    expect(upstreamErrorDetail('{"message":"x"}')).toBeNull();
  });
});
