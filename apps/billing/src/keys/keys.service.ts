import { Inject, Injectable } from '@nestjs/common';
import { type Db, generateApiKey, newId } from '@synthwell/db';
import { BillingError } from '../core/errors.js';
import { DB } from '../core/tokens.js';
import { InvalidationPublisher } from '../events/invalidation.publisher.js';
import type { ApiKeyView, CreatedKey, CreateKeyInput } from './keys.schemas.js';

/** Active (unrevoked) keys one account may hold. */
export const MAX_ACTIVE_KEYS = 20;

const VIEW = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** API keys: shown once at creation, stored as a SHA-256 hash, revoked rather than deleted. */
@Injectable()
export class KeysService {
  constructor(
    @Inject(DB) private readonly db: Db,
    private readonly invalidations: InvalidationPublisher,
  ) {}

  async list(userId: string): Promise<ApiKeyView[]> {
    return this.db.apiKey.findMany({
      where: { userId },
      orderBy: [{ revokedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
      select: VIEW,
    });
  }

  async create(userId: string, input: CreateKeyInput): Promise<CreatedKey> {
    const generated = generateApiKey();
    // Counting and inserting under the user's row lock keeps concurrent requests from passing the limit together.
    const apiKey = await this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId} FOR UPDATE`;
      const active = await tx.apiKey.count({ where: { userId, revokedAt: null } });
      if (active >= MAX_ACTIVE_KEYS) {
        throw BillingError.conflict(`An account can have at most ${MAX_ACTIVE_KEYS} active keys; revoke one first.`);
      }
      return tx.apiKey.create({
        data: { id: newId('key'), userId, name: input.name, hash: generated.hash, prefix: generated.prefix },
        select: VIEW,
      });
    });
    return { apiKey, key: generated.key };
  }

  /** Revokes one of the user's keys; the gateway drops it from its cache at once (Redis) or within 5 s. */
  async revoke(userId: string, id: string): Promise<ApiKeyView> {
    const key = await this.db.apiKey.findFirst({ where: { id, userId }, select: { hash: true, revokedAt: true } });
    if (!key) throw BillingError.notFound('No such API key.');
    const revoked = await this.db.apiKey.update({
      where: { id },
      data: { revokedAt: key.revokedAt ?? new Date() },
      select: VIEW,
    });
    await this.invalidations.publish({ keyHash: key.hash });
    return revoked;
  }
}
