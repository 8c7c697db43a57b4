import { ExactDeduplicator } from './exact.js';
import { type DuplicateLookup, NearDuplicateIndex, type NearDuplicateOptions } from './near-duplicate-index.js';

export interface DuplicateOf {
  id: string;
  kind: 'exact' | 'near';
}

/**
 * Exact and near-duplicate checks in one place, over what a job has indexed (seeds and kept records)
 * plus read-only lookups (e.g. an index of earlier jobs' records).
 */
export class Deduplicator {
  private readonly exact = new ExactDeduplicator();
  private readonly near: NearDuplicateIndex;

  constructor(
    options: NearDuplicateOptions = {},
    private readonly lookups: readonly DuplicateLookup[] = [],
  ) {
    this.near = new NearDuplicateIndex(options);
  }

  /** What `text` duplicates, or null. Exact matches are found first; they are also the cheapest. */
  check(text: string): DuplicateOf | null {
    const exact = this.exact.query(text);
    if (exact !== null) return { id: exact, kind: 'exact' };
    const near = this.near.query(text);
    if (near) return { id: near.id, kind: 'near' };
    for (const lookup of this.lookups) {
      const match = lookup.query(text);
      if (match) return { id: match.id, kind: 'near' };
    }
    return null;
  }

  /** Indexes `text` under `id`, unless it duplicates something already indexed; returns what it duplicates. */
  add(id: string, text: string): DuplicateOf | null {
    const duplicate = this.check(text);
    if (duplicate) return duplicate;
    this.exact.add(id, text);
    this.near.add(id, text);
    return null;
  }
}
