import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@synthwell/contracts';
import type { Redis } from 'ioredis';
import { GatewayError } from '../errors/gateway-error.js';
import { REDIS } from './tokens.js';
import { TtlCache } from './ttl-cache.js';

/** How long a completed request's answer is kept for replays of its Idempotency-Key. */
const RETENTION_MS = 24 * 3600 * 1000;
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

interface Stored {
  fingerprint: string;
  body: unknown;
}

/**
 * `Idempotency-Key` for creating things (images, synthetic jobs): the first request with a key runs,
 * later ones with the same key and body get the same answer without running again; the same key with
 * a different body is a 409. Concurrent duplicates in one replica share the one run. Stored in Redis
 * when configured (shared by replicas), in memory otherwise.
 */
@Injectable()
export class IdempotencyService {
  private readonly memory = new TtlCache<Stored>(RETENTION_MS, 50_000);
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async run<T>(scope: string, key: string | undefined, body: unknown, execute: () => Promise<T>): Promise<T> {
    if (key === undefined) return execute();
    if (!KEY_SHAPE.test(key)) {
      throw GatewayError.badRequest(
        'Idempotency-Key must be 1-255 visible ASCII characters.',
        ErrorCode.invalidBody,
        'Idempotency-Key',
      );
    }
    const id = `${scope}:${createHash('sha256').update(key).digest('hex')}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const stored = await this.read(id);
    if (stored) return this.replay<T>(stored, fingerprint);
    const inflight = this.running.get(id);
    if (inflight) return inflight as Promise<T>;
    const promise = execute().then(async (result) => {
      await this.write(id, { fingerprint, body: result });
      return result;
    });
    this.running.set(id, promise);
    try {
      return await promise;
    } finally {
      this.running.delete(id);
    }
  }

  private replay<T>(stored: Stored, fingerprint: string): T {
    if (stored.fingerprint !== fingerprint) {
      throw GatewayError.conflict(
        'This Idempotency-Key was already used with a different request body.',
        ErrorCode.idempotencyConflict,
      );
    }
    return stored.body as T;
  }

  private async read(id: string): Promise<Stored | undefined> {
    if (!this.redis) return this.memory.get(id);
    const raw = await this.redis.get(`sw:idem:${id}`).catch(() => null);
    return raw ? (JSON.parse(raw) as Stored) : this.memory.get(id);
  }

  private async write(id: string, value: Stored): Promise<void> {
    this.memory.set(id, value);
    await this.redis?.set(`sw:idem:${id}`, JSON.stringify(value), 'PX', RETENTION_MS).catch(() => undefined);
  }
}
