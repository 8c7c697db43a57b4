import { ErrorCode } from '@synthwell/contracts';
import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * Deeper than any real request nests. Code that walks a body recursively (hashing it, serialising it
 * for an upstream, checking a schema) must stay far from the stack's limit.
 */
export const MAX_BODY_NESTING = 64;

/** Walks `value` no deeper than `limit` levels (so the walk itself cannot overflow), allocating nothing. */
function nestsDeeperThan(value: object, limit: number): boolean {
  if (limit <= 0) return true;
  if (Array.isArray(value)) {
    for (const child of value)
      if (child !== null && typeof child === 'object' && nestsDeeperThan(child, limit - 1)) return true;
    return false;
  }
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && nestsDeeperThan(child, limit - 1)) return true;
  }
  return false;
}

/**
 * Validates a request body against its contract. The first problem becomes a 400 whose `param`
 * names the offending field, in OpenAI's style.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.badRequest('The request body must be a JSON object.', ErrorCode.invalidBody);
  }
  if (nestsDeeperThan(body, MAX_BODY_NESTING)) {
    throw GatewayError.badRequest(
      `The request body nests deeper than ${MAX_BODY_NESTING} levels.`,
      ErrorCode.invalidBody,
    );
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw GatewayError.badRequest('The request body is invalid.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    throw GatewayError.badRequest(
      `Unrecognized request argument supplied: ${keys}`,
      ErrorCode.invalidBody,
      issue.keys[0] ?? null,
    );
  }
  const param = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
  throw GatewayError.badRequest(
    param ? `Invalid '${param}': ${issue.message}` : issue.message,
    ErrorCode.invalidBody,
    param,
  );
}
