import {
  type DuplicateLookup,
  ExactDeduplicator,
  NearDuplicateIndex,
  type NearDuplicateMatch,
  type NearDuplicateOptions,
} from '@synthwell/synthetic';

/**
 * Records of the owner's earlier jobs, for `dedup.against_previous_jobs`: a read-only lookup the
 * engine checks every candidate against, exactly (normalised hash) and nearly (MinHash + LSH).
 */
export class PreviousRecordsIndex implements DuplicateLookup {
  private readonly exact = new ExactDeduplicator();
  private readonly near: NearDuplicateIndex;

  constructor(records: Iterable<{ id: string; text: string }>, options: NearDuplicateOptions) {
    this.near = new NearDuplicateIndex(options);
    for (const { id, text } of records) {
      this.exact.add(id, text);
      this.near.add(id, text);
    }
  }

  query(text: string): NearDuplicateMatch | null {
    const exact = this.exact.query(text);
    return exact === null ? this.near.query(text) : { id: exact, similarity: 1 };
  }
}
