import { parseRetryAfterMs } from './internal/retry-after.js';

/** The `error` object of the gateway's OpenAI-shaped error body. */
export interface APIErrorObject {
  message: string;
  type?: string | null;
  param?: string | null;
  code?: string | null;
}

/** The base of every error this SDK throws, so one `instanceof` check catches them all. */
export class SynthwellError extends Error {
  override name = 'SynthwellError';
}

interface APIErrorInit {
  status: number | undefined;
  headers: Headers | undefined;
  /** The parsed `error` object, or the raw body when the response was not OpenAI-shaped. */
  error: APIErrorObject | string | undefined;
  message: string;
}

/** The gateway answered with an error: a non-2xx status, or an `error` event in a stream. */
export class APIError extends SynthwellError {
  override name = 'APIError';
  /** HTTP status; `undefined` for an error sent inside a stream that had already begun. */
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  readonly error: APIErrorObject | string | undefined;
  readonly code: string | null;
  readonly type: string | null;
  readonly param: string | null;
  /** The gateway's `x-request-id`: quote it when reporting a problem. */
  readonly requestId: string | null;

  constructor(init: APIErrorInit) {
    super(init.message);
    this.status = init.status;
    this.headers = init.headers;
    this.error = init.error;
    const details = typeof init.error === 'object' ? init.error : undefined;
    this.code = details?.code ?? null;
    this.type = details?.type ?? null;
    this.param = details?.param ?? null;
    this.requestId = init.headers?.get('x-request-id') ?? null;
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}

export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}

export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}

export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}

export class ConflictError extends APIError {
  override name = 'ConflictError';
}

export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}

/** A per-minute limit (the plan's or an upstream provider's) was hit; retried automatically. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  /** How long the gateway asked the caller to wait, from `retry-after-ms` or `retry-after`. */
  readonly retryAfterMs: number | undefined;

  constructor(init: APIErrorInit) {
    super(init);
    this.retryAfterMs = init.headers ? parseRetryAfterMs(init.headers, Date.now()) : undefined;
  }
}

/**
 * The plan's daily quota is used up. Not a `RateLimitError`: waiting seconds will not help, so it is
 * never retried and code that backs off on rate limits does not catch it by accident.
 */
export class QuotaExceededError extends APIError {
  override name = 'QuotaExceededError';
}

export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** The request never got a response: DNS, refused connection, reset, or a stream cut short. */
export class APIConnectionError extends SynthwellError {
  override name = 'APIConnectionError';

  constructor(message = 'Connection error.', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class APITimeoutError extends APIConnectionError {
  override name = 'APITimeoutError';

  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms.`);
  }
}

/** The caller aborted the request through its `signal` (or a stream through its controller). */
export class APIUserAbortError extends SynthwellError {
  override name = 'APIUserAbortError';

  constructor() {
    super('Request was aborted.');
  }
}

const QUOTA_CODES = new Set(['quota_exceeded', 'insufficient_quota']);

function errorClassFor(status: number | undefined, error: APIErrorObject | undefined): typeof APIError {
  if (status === 400) return BadRequestError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 422) return UnprocessableEntityError;
  if (status === 429) {
    const isQuota = QUOTA_CODES.has(error?.code ?? '') || QUOTA_CODES.has(error?.type ?? '');
    return isQuota ? QuotaExceededError : RateLimitError;
  }
  if (status !== undefined && status >= 500) return InternalServerError;
  return APIError;
}

function isErrorObject(value: unknown): value is APIErrorObject {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** Reads the `error` object out of a parsed body, if the body has OpenAI's error shape. */
export function errorObjectOf(body: unknown): APIErrorObject | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return isErrorObject(error) ? error : undefined;
}

/** Builds the `APIError` subclass for a status and an already-parsed body. */
export function makeAPIError(status: number | undefined, headers: Headers | undefined, body: unknown): APIError {
  const error = errorObjectOf(body);
  const raw = error ? undefined : bodyText(body);
  const fallback = status === undefined ? 'The gateway reported an error.' : 'status code (no body)';
  const detail = error?.message ?? truncate(raw) ?? fallback;
  const ErrorClass = errorClassFor(status, error);
  return new ErrorClass({
    status,
    headers,
    error: error ?? raw,
    message: status === undefined ? detail : `${status} ${detail}`,
  });
}

/** A body that is not OpenAI-shaped, as text; `undefined` when there is none. */
function bodyText(body: unknown): string | undefined {
  if (body === undefined || body === '') return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Keeps a proxy's whole HTML page out of the message; `error` still holds all of it. */
function truncate(text: string | undefined, length = 500): string | undefined {
  return text !== undefined && text.length > length ? `${text.slice(0, length)}…` : text;
}

/** Builds the `APIError` subclass for a non-2xx response from its status, headers and body text. */
export function apiErrorFromResponse(status: number, headers: Headers, text: string): APIError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, say): the text itself is the error.
  }
  return makeAPIError(status, headers, errorObjectOf(parsed) ? parsed : text);
}
