const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/** Records taken for one database write: a JSON array's bytes, and what `restore` needs to put them back. */
export interface TakenRecords {
  /** `[record,record,…]` as UTF-8. */
  json: Buffer;
  count: number;
  /** Each record's end within `json` (after its comma, before `]` for the last), for `restore`. */
  ends: number[];
}

/**
 * Usage records waiting for the database, as UTF-8 JSON in one off-heap buffer, each followed by a
 * comma. They outlive young-generation collections: as a thousand strings on the JS heap they were
 * copied by every scavenge until flushed (~250 KB a time), which lengthened every pause and with it
 * the gateway's tail latency. Here a scavenge sees one Buffer and an array of small integers.
 */
export class PendingRecords {
  private bytes: Buffer;
  private used = 0;
  /** Where each record ends in `bytes` (just after its comma), oldest first. */
  private ends: number[] = [];

  constructor(initialBytes = 256 * 1024) {
    this.bytes = Buffer.allocUnsafe(initialBytes);
  }

  get count(): number {
    return this.ends.length;
  }

  /** Appends one record given as its JSON text. */
  push(json: string): void {
    // At most three UTF-8 bytes per UTF-16 unit, plus the comma.
    this.reserve(json.length * 3 + 1);
    this.used += this.bytes.write(json, this.used, 'utf8');
    this.bytes[this.used++] = COMMA;
    this.ends.push(this.used);
  }

  /** Removes and returns up to `max` of the oldest records as one JSON array; null when there are none. */
  take(max: number): TakenRecords | null {
    const count = Math.min(max, this.ends.length);
    if (count === 0) return null;
    const end = this.ends[count - 1] as number;
    // `[` + the records with their commas, the last comma becoming `]`.
    const json = Buffer.allocUnsafe(end + 1);
    json[0] = OPEN;
    this.bytes.copy(json, 1, 0, end);
    json[end] = CLOSE;
    const ends = this.ends.slice(0, count).map((recordEnd) => recordEnd + 1);
    this.discard(count);
    return { json, count, ends };
  }

  /** Puts records taken by `take` back in front, as they were (a write failed and will be retried). */
  restore(taken: TakenRecords): void {
    const length = taken.json.length - 1;
    this.reserve(length);
    this.bytes.copy(this.bytes, length, 0, this.used);
    taken.json.copy(this.bytes, 0, 1, length + 1);
    this.bytes[length - 1] = COMMA;
    this.used += length;
    const moved = this.ends.map((recordEnd) => recordEnd + length);
    this.ends = taken.ends.map((recordEnd) => recordEnd - 1).concat(moved);
  }

  /** Drops the oldest `count` records; returns how many were dropped. */
  dropOldest(count: number): number {
    const dropped = Math.min(count, this.ends.length);
    if (dropped > 0) this.discard(dropped);
    return dropped;
  }

  private discard(count: number): void {
    const end = this.ends[count - 1] as number;
    this.bytes.copy(this.bytes, 0, end, this.used);
    this.used -= end;
    const rest = this.ends.length - count;
    const ends = new Array<number>(rest);
    for (let i = 0; i < rest; i++) ends[i] = (this.ends[count + i] as number) - end;
    this.ends = ends;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.used + extra) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}
