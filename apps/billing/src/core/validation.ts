import type { z } from 'zod';
import { BillingError } from './errors.js';

/** Readable one-line summary of a validation failure: "field: message; other: message". */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Validates input that did not come through a schema-checked API (GraphQL arguments), as a 400. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw BillingError.badRequest(describeIssues(result.error.issues));
  return result.data;
}
