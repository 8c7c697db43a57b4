import { isRecord } from '../guards.js';
import { ProviderError } from '../types.js';

/**
 * How long an upstream asks us to wait, in ms: OpenAI's `retry-after-ms`, else `retry-after` as
 * seconds or as an HTTP date. Null when absent or unreadable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | null {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) return Math.round(Number(milliseconds));
  const value = headers.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

const MAX_UPSTREAM_DETAIL = 200;

/**
 * The upstream's own error message (OpenAI and Anthropic both use `error.message`), made safe to
 * show a client: one line, at most 200 characters, anything that looks like a credential redacted.
 */
export function upstreamErrorDetail(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const error = isRecord(parsed) ? parsed.error : undefined;
  const message = isRecord(error) ? error.message : undefined;
  if (typeof message !== 'string' || message.trim() === '') return null;
  const oneLine = message
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\b(sk|pk|key|xai|gsk)[-_][\w-]{6,}/gi, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim();
  return oneLine.length > MAX_UPSTREAM_DETAIL ? `${oneLine.slice(0, MAX_UPSTREAM_DETAIL - 1)}…` : oneLine;
}

/**
 * Maps an upstream's HTTP error status to a ProviderError. Only a request the upstream found
 * invalid (400, 413, 422...) carries the upstream's explanation, since it is about the client's own
 * input; 404 means a wrong base URL or upstream model name, which is our configuration, not the client's.
 */
export function errorFromStatus(provider: string, status: number, headers: Headers, body: string): ProviderError {
  const options = { status };
  if (status === 429) {
    return new ProviderError('rate_limited', `${provider} is rate limiting requests (429)`, {
      ...options,
      retryAfterMs: parseRetryAfter(headers),
    });
  }
  if (status === 401 || status === 403) {
    return new ProviderError('auth', `${provider} rejected the credentials (${status})`, options);
  }
  if (status === 408) return new ProviderError('timeout', `${provider} timed out the request (408)`, options);
  if (status === 404) {
    return new ProviderError('server_error', `${provider} does not know this endpoint or model (404)`, {
      ...options,
      retryable: false,
    });
  }
  if (status === 409) return new ProviderError('server_error', `${provider} reported a conflict (409)`, options);
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(headers);
    return new ProviderError('server_error', `${provider} failed with ${status}`, {
      ...options,
      retryable: status !== 501 && status !== 505,
      retryAfterMs,
    });
  }
  const detail = upstreamErrorDetail(body);
  return new ProviderError(
    'invalid_request',
    detail ? `${provider} rejected the request (${status}): ${detail}` : `${provider} rejected the request (${status})`,
    options,
  );
}
