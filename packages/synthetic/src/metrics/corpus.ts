/**
 * Token sets encoded as integer ids, so the metrics can count n-grams with typed arrays instead of
 * string keys: one million tokens is a few megabytes, not a few hundred.
 */

/** Word ↔ id, shared by every set that is compared with another. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly words: string[] = [];

  get size(): number {
    return this.words.length;
  }

  id(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
    }
    return id;
  }
}

/** The texts of one set, as token ids laid end to end; text i is tokens[offsets[i] .. offsets[i + 1]). */
export interface EncodedSet {
  readonly tokens: Int32Array;
  readonly offsets: Int32Array;
}

export function encodeSet(texts: readonly (readonly string[])[], vocabulary: Vocabulary): EncodedSet {
  const total = texts.reduce((sum, text) => sum + text.length, 0);
  const tokens = new Int32Array(total);
  const offsets = new Int32Array(texts.length + 1);
  let position = 0;
  texts.forEach((text, i) => {
    for (const word of text) tokens[position++] = vocabulary.id(word);
    offsets[i + 1] = position;
  });
  return { tokens, offsets };
}

/** The first `budget` tokens of a tokenised set: whole texts in order, the last one cut short. */
export function truncateTexts(texts: readonly (readonly string[])[], budget: number): string[][] {
  const out: string[][] = [];
  let remaining = budget;
  for (const text of texts) {
    if (remaining <= 0) break;
    if (text.length === 0) continue;
    const kept = text.slice(0, remaining);
    out.push(kept);
    remaining -= kept.length;
  }
  return out;
}

export function tokenTotal(texts: readonly (readonly string[])[]): number {
  return texts.reduce((sum, text) => sum + text.length, 0);
}

/**
 * Dense ids for n-grams of every order up to `maxOrder`, shared across all sets encoded with the same
 * instance so their counts can be compared id by id (the divergences need that). An n-gram of order n
 * is the pair (id of its (n−1)-gram prefix, last token id). n-grams never cross a text boundary.
 */
export class NgramSpace {
  private readonly tables: PairIdTable[];

  constructor(
    private readonly vocabulary: Vocabulary,
    readonly maxOrder: number,
  ) {
    this.tables = Array.from({ length: Math.max(0, maxOrder - 1) }, () => new PairIdTable());
  }

  /** Number of distinct n-grams of `order` seen so far across all encoded sets. */
  distinct(order: number): number {
    return order === 1 ? this.vocabulary.size : this.tables[order - 2]!.size;
  }

  /**
   * For each order 1..maxOrder, the dense id of the n-gram ending at every position, or −1 where the
   * text has fewer than n tokens up to that position.
   */
  encode(set: EncodedSet): Int32Array[] {
    const byOrder: Int32Array[] = [set.tokens];
    for (let order = 2; order <= this.maxOrder; order++) {
      const previous = byOrder[order - 2]!;
      const table = this.tables[order - 2]!;
      const ids = new Int32Array(set.tokens.length).fill(-1);
      for (let text = 0; text < set.offsets.length - 1; text++) {
        const end = set.offsets[text + 1]!;
        for (let p = set.offsets[text]! + order - 1; p < end; p++)
          ids[p] = table.idOf(previous[p - 1]!, set.tokens[p]!);
      }
      byOrder.push(ids);
    }
    return byOrder;
  }
}

/**
 * Pair of non-negative int32 → dense id, an open-addressing hash table in typed arrays. It replaces a
 * Map keyed by prefix·V + token, whose keys above 2^31 are boxed doubles: at a few million n-grams the
 * Map spent more time allocating and collecting than counting.
 */
class PairIdTable {
  private slots = new Int32Array(1 << 12);
  private firsts = new Int32Array(1 << 11);
  private seconds = new Int32Array(1 << 11);
  size = 0;

  idOf(first: number, second: number): number {
    const mask = this.slots.length - 1;
    let slot = pairHash(first, second) & mask;
    for (;;) {
      const stored = this.slots[slot]!;
      if (stored === 0) break;
      if (this.firsts[stored - 1] === first && this.seconds[stored - 1] === second) return stored - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.size++;
    if (id === this.firsts.length) this.growKeys();
    this.firsts[id] = first;
    this.seconds[id] = second;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private growKeys(): void {
    const firsts = new Int32Array(this.firsts.length * 2);
    firsts.set(this.firsts);
    this.firsts = firsts;
    const seconds = new Int32Array(this.seconds.length * 2);
    seconds.set(this.seconds);
    this.seconds = seconds;
  }

  /** Doubles the slot array to keep the load factor at most one half. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = pairHash(this.firsts[id]!, this.seconds[id]!) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

function pairHash(first: number, second: number): number {
  let h = Math.imul(first, 0x9e3779b1) ^ second;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** How often each n-gram id occurs, and the number of occurrences. */
export interface NgramCounts {
  readonly counts: Int32Array;
  readonly total: number;
}

export function countIds(ids: Int32Array, distinct: number): NgramCounts {
  const counts = new Int32Array(distinct);
  let total = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id >= 0) {
      counts[id]!++;
      total++;
    }
  }
  return { counts, total };
}
