import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const ROTATE_AFTER_MS = 5_000;
const ROTATE_AFTER_BYTES = 16 * 1024 * 1024;

/**
 * An append-only journal of usage records, in segments `usage-<instance>-<n>.jsonl`.
 * `append` is a synchronous write(2): once it returns, the record is in the kernel and survives the
 * process being killed (even SIGKILL). The ledger appends before a response's last byte goes out, so
 * every answered request's usage is durable before the client sees the end of the answer.
 */
export class UsageJournal {
  private fd: number;
  private segment: number;
  private readonly prefix: string;

  constructor(
    private readonly dir: string,
    instance: string,
  ) {
    mkdirSync(dir, { recursive: true });
    this.prefix = `usage-${instance.replace(/[^A-Za-z0-9_-]/g, '_')}-`;
    this.segment = Math.max(0, ...this.segments().map((name) => this.numberOf(name))) + 1;
    this.fd = openSync(this.path(this.segment), 'a');
  }

  /** When the current segment was opened, and how much was written to it. */
  private openedAt = Date.now();
  private bytes = 0;
  private batch = '';
  private batchDone: Promise<void> | null = null;

  /** Appends one record, given as its JSON text (one line, no newline). */
  append(line: string): void {
    this.bytes += writeSync(this.fd, `${line}\n`);
  }

  /**
   * Whether the current segment is worth closing: old or large enough. Opening files costs
   * milliseconds on some filesystems, so segments are not rotated on every flush.
   */
  shouldRotate(now = Date.now()): boolean {
    return now - this.openedAt >= ROTATE_AFTER_MS || this.bytes >= ROTATE_AFTER_BYTES;
  }

  /**
   * Appends with the other records of this event-loop turn in one write(2), after the turn's I/O
   * callbacks have run; resolves once that write returned. Under load many requests finish in one
   * turn, so the hot path pays one system call for all of them instead of one each.
   */
  appendBatched(line: string): Promise<void> {
    this.batch += `${line}\n`;
    if (!this.batchDone) {
      this.batchDone = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          const lines = this.batch;
          this.batch = '';
          this.batchDone = null;
          try {
            this.bytes += writeSync(this.fd, lines);
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      });
    }
    return this.batchDone;
  }

  /** Starts a new segment and returns the closed one's number: everything appended so far is in it or before. */
  rotate(): number {
    // Lines waiting for this turn's write belong to the segment being closed.
    if (this.batch) {
      writeSync(this.fd, this.batch);
      this.batch = '';
    }
    const closed = this.segment;
    closeSync(this.fd);
    this.segment += 1;
    this.fd = openSync(this.path(this.segment), 'a');
    this.openedAt = Date.now();
    this.bytes = 0;
    return closed;
  }

  /** Drops every segment up to and including `segment`, once its records are in the database. */
  release(segment: number): void {
    for (const name of this.segments()) {
      if (this.numberOf(name) <= segment) unlinkSync(join(this.dir, name));
    }
  }

  /** Records (as JSON text) left by an earlier run of this instance that may not have reached the database. */
  recover(): string[] {
    const records: string[] = [];
    for (const name of this.segments()) {
      if (this.numberOf(name) >= this.segment) continue;
      for (const line of readFileSync(join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        try {
          JSON.parse(line);
          records.push(line);
        } catch {
          // A torn last line from a crash mid-write: the request it belonged to never got its answer.
        }
      }
    }
    return records;
  }

  close(): void {
    if (this.batch) writeSync(this.fd, this.batch);
    this.batch = '';
    closeSync(this.fd);
    const path = this.path(this.segment);
    if (existsSync(path) && readFileSync(path).length === 0) unlinkSync(path);
  }

  private path(segment: number): string {
    return join(this.dir, `${this.prefix}${String(segment).padStart(8, '0')}.jsonl`);
  }

  private segments(): string[] {
    return readdirSync(this.dir)
      .filter((name) => name.startsWith(this.prefix) && name.endsWith('.jsonl'))
      .sort();
  }

  private numberOf(name: string): number {
    return Number(name.slice(this.prefix.length, -'.jsonl'.length));
  }
}
