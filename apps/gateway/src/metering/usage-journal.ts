import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageRecord } from './usage-ledger.js';

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

  append(record: UsageRecord): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  /** Starts a new segment and returns the closed one's number: everything appended so far is in it or before. */
  rotate(): number {
    const closed = this.segment;
    closeSync(this.fd);
    this.segment += 1;
    this.fd = openSync(this.path(this.segment), 'a');
    return closed;
  }

  /** Drops every segment up to and including `segment`, once its records are in the database. */
  release(segment: number): void {
    for (const name of this.segments()) {
      if (this.numberOf(name) <= segment) unlinkSync(join(this.dir, name));
    }
  }

  /** Records left by an earlier run of this instance that may not have reached the database. */
  recover(): UsageRecord[] {
    const records: UsageRecord[] = [];
    for (const name of this.segments()) {
      if (this.numberOf(name) >= this.segment) continue;
      for (const line of readFileSync(join(this.dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const record = JSON.parse(line) as UsageRecord & { createdAt: string };
          records.push({ ...record, createdAt: new Date(record.createdAt) });
        } catch {
          // A torn last line from a crash mid-write: the request it belonged to never got its answer.
        }
      }
    }
    return records;
  }

  close(): void {
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
