import { sha256Hex } from '../hash.js';
import { normalizeText } from '../text.js';

/** SHA-256 of the normalised text: equal for texts that differ only in case, width forms or spacing. */
export function contentHash(text: string): string {
  return sha256Hex(normalizeText(text));
}

/** Exact de-duplication by content hash. */
export class ExactDeduplicator {
  private readonly byHash = new Map<string, string>();

  get size(): number {
    return this.byHash.size;
  }

  /** The id of an earlier text with the same normalised content, or null. */
  query(text: string): string | null {
    return this.byHash.get(contentHash(text)) ?? null;
  }

  /** Returns the id `text` duplicates, or records it under `id` and returns null. */
  add(id: string, text: string): string | null {
    const hash = contentHash(text);
    const existing = this.byHash.get(hash);
    if (existing !== undefined) return existing;
    this.byHash.set(hash, id);
    return null;
  }
}
