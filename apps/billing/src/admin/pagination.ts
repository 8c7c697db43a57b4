import { BillingError } from '../core/errors.js';

/** Admin lists return at most this many items per page. */
export const MAX_PAGE_SIZE = 100;

export function page(limit: number, offset: number): { limit: number; offset: number } {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw BillingError.badRequest(`limit: must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw BillingError.badRequest('offset: cannot be negative.');
  return { limit, offset };
}
