import { APIConnectionError, APIError, QuotaExceededError, type SynthwellError } from '../errors.js';
import { parseRetryAfterMs } from './retry-after.js';

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/**
 * The longest `retry-after` the client waits out. A longer one (a limit that resets in minutes) goes
 * to the caller at once, whose `RateLimitError.retryAfterMs` says when to come back.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/** The clock and dice that retries use; tests swap them so no test really waits. */
export interface RetryClock {
  now(): number;
  /** A number in [0, 1). */
  random(): number;
}

/** Exponential backoff from 0.5 s doubling to 8 s, each delay shortened by up to a quarter at random. */
export function backoffMs(retryCount: number, random: number): number {
  const delay = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retryCount, MAX_RETRY_DELAY_MS);
  return delay * (1 - 0.25 * random);
}

/** Connection failures, timeouts, 408, 409, 429 (but not a spent quota) and 5xx are worth another try. */
export function isRetryable(error: SynthwellError): boolean {
  if (error instanceof APIConnectionError) return true;
  if (!(error instanceof APIError) || error.status === undefined) return false;
  if (error instanceof QuotaExceededError) return false;
  return RETRYABLE_STATUSES.has(error.status) || error.status >= 500;
}

/**
 * How long to wait before retry number `retryCount + 1`, or `undefined` when the error should go to the
 * caller: it is not retryable, or the server asked for a wait longer than `MAX_RETRY_AFTER_MS`.
 */
export function retryDelayMs(error: SynthwellError, retryCount: number, clock: RetryClock): number | undefined {
  if (!isRetryable(error)) return undefined;
  const requested =
    error instanceof APIError && error.headers ? parseRetryAfterMs(error.headers, clock.now()) : undefined;
  if (requested === undefined) return backoffMs(retryCount, clock.random());
  return requested <= MAX_RETRY_AFTER_MS ? requested : undefined;
}
