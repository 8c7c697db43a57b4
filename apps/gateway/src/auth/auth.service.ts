import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@synthwell/contracts';
import { type Db, effectivePlan, hashApiKey, isWellFormedApiKey, type Plan } from '@synthwell/db';
import { SESSION_TOKEN_PREFIX, verifySessionToken } from '@synthwell/server';
import type { GatewayConfig } from '../config/env.js';
import type { Caller, CallerPlan } from '../core/caller.js';
import { DB, GATEWAY_CONFIG } from '../core/tokens.js';
import { TtlCache } from '../core/ttl-cache.js';
import { GatewayError } from '../errors/gateway-error.js';

type KeyLookup =
  | { ok: true; userId: string; apiKeyId: string; role: 'user' | 'admin'; expiresAt: number | null }
  | { ok: false; code: ErrorCode; message: string };

/** Whether a session token's account may still act. */
type AccountStatus = 'active' | 'disabled' | 'missing';

/** How often a key's `last_used_at` is written at most; it is a hint for users, not an audit trail. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

function toCallerPlan(plan: Plan): CallerPlan {
  return {
    id: plan.id,
    slug: plan.slug,
    name: plan.name,
    version: plan.version,
    modelTiers: plan.modelTiers,
    requestsPerMinute: plan.requestsPerMinute,
    tokensPerMinute: plan.tokensPerMinute,
    chatRequestsPerDay: plan.chatRequestsPerDay,
    imagesPerDay: plan.imagesPerDay,
    syntheticRecordsPerDay: plan.syntheticRecordsPerDay,
    concurrentSyntheticJobs: plan.concurrentSyntheticJobs,
    queuePriority: plan.queuePriority,
  };
}

/**
 * Resolves `Authorization: Bearer …` to a Caller. API keys are looked up by SHA-256 hash and cached
 * (found or not) for at most AUTH_CACHE_TTL_MS, so a revoked key stops working within that time on
 * every replica. Session tokens are verified offline with the shared secret, and their account is
 * looked up (cached the same way) so a disabled or deleted account's tokens stop working too.
 */
@Injectable()
export class AuthService {
  private readonly keys: TtlCache<KeyLookup>;
  private readonly plans: TtlCache<CallerPlan>;
  private readonly accounts: TtlCache<AccountStatus>;
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.keys = new TtlCache(config.AUTH_CACHE_TTL_MS);
    this.plans = new TtlCache(config.AUTH_CACHE_TTL_MS);
    this.accounts = new TtlCache(config.AUTH_CACHE_TTL_MS);
  }

  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (!authorization) {
      throw GatewayError.unauthorized(
        'Missing API key. Send it as "Authorization: Bearer sk-sw-...".',
        ErrorCode.missingApiKey,
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const token = match?.[1];
    if (!token) {
      throw GatewayError.unauthorized(
        'Malformed Authorization header: expected "Bearer <key>".',
        ErrorCode.invalidApiKey,
      );
    }
    if (token.startsWith(SESSION_TOKEN_PREFIX)) return this.fromSessionToken(token);
    return this.fromApiKey(token);
  }

  /** Forgets cached plans, accounts and keys, e.g. when told that a plan, an account or a key changed. */
  invalidate(scope: { userId?: string; keyHash?: string } = {}): void {
    if (scope.userId) {
      this.plans.delete(scope.userId);
      this.accounts.delete(scope.userId);
    }
    if (scope.keyHash) this.keys.delete(scope.keyHash);
    if (!scope.userId && !scope.keyHash) {
      this.plans.clear();
      this.accounts.clear();
      this.keys.clear();
    }
  }

  async planFor(userId: string): Promise<CallerPlan> {
    return this.plans.getOrLoad(userId, async () => toCallerPlan(await effectivePlan(this.db, userId)));
  }

  private async fromSessionToken(token: string): Promise<Caller> {
    const result = verifySessionToken(token, this.config.SESSION_TOKEN_SECRETS);
    if (!result.ok) {
      const message =
        result.reason === 'expired' ? 'The session token has expired; sign in again.' : 'The session token is invalid.';
      throw GatewayError.unauthorized(message, ErrorCode.invalidSessionToken);
    }
    const { sub, role } = result.claims;
    const status = await this.accounts.getOrLoad(sub, () => this.lookupAccount(sub));
    if (status !== 'active') {
      const message = status === 'disabled' ? 'This account is disabled.' : 'The session token is invalid.';
      throw GatewayError.unauthorized(message, ErrorCode.invalidSessionToken);
    }
    return { userId: sub, apiKeyId: null, role, plan: await this.planFor(sub) };
  }

  private async lookupAccount(userId: string): Promise<AccountStatus> {
    const user = await this.db.user.findUnique({ where: { id: userId }, select: { disabledAt: true } });
    if (!user) return 'missing';
    return user.disabledAt ? 'disabled' : 'active';
  }

  private async fromApiKey(key: string): Promise<Caller> {
    if (!isWellFormedApiKey(key)) {
      throw GatewayError.unauthorized('Invalid API key.', ErrorCode.invalidApiKey);
    }
    const hash = hashApiKey(key);
    const lookup = await this.keys.getOrLoad(hash, () => this.lookupKey(hash));
    if (!lookup.ok) throw GatewayError.unauthorized(lookup.message, lookup.code);
    if (lookup.expiresAt !== null && lookup.expiresAt <= Date.now()) {
      throw GatewayError.unauthorized('This API key has expired.', ErrorCode.expiredApiKey);
    }
    this.touch(lookup.apiKeyId);
    return {
      userId: lookup.userId,
      apiKeyId: lookup.apiKeyId,
      role: lookup.role,
      plan: await this.planFor(lookup.userId),
    };
  }

  private async lookupKey(hash: string): Promise<KeyLookup> {
    const key = await this.db.apiKey.findUnique({
      where: { hash },
      select: {
        id: true,
        revokedAt: true,
        expiresAt: true,
        user: { select: { id: true, role: true, disabledAt: true } },
      },
    });
    if (!key) return { ok: false, code: ErrorCode.invalidApiKey, message: 'Invalid API key.' };
    if (key.revokedAt) return { ok: false, code: ErrorCode.revokedApiKey, message: 'This API key has been revoked.' };
    if (key.user.disabledAt) return { ok: false, code: ErrorCode.invalidApiKey, message: 'This account is disabled.' };
    return {
      ok: true,
      userId: key.user.id,
      apiKeyId: key.id,
      role: key.user.role,
      expiresAt: key.expiresAt?.getTime() ?? null,
    };
  }

  private touch(apiKeyId: string): void {
    const now = Date.now();
    const last = this.lastUsedWrites.get(apiKeyId) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWrites.set(apiKeyId, now);
    if (this.lastUsedWrites.size > 100_000) this.lastUsedWrites.clear();
    this.db.apiKey.update({ where: { id: apiKeyId }, data: { lastUsedAt: new Date(now) } }).catch(() => {
      // A missed hint is harmless; the next request retries after the interval.
    });
  }
}
