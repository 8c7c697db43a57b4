import { Injectable } from '@nestjs/common';
import { AuthService } from '../auth/auth.service.js';
import type { Caller } from '../core/caller.js';
import type { LimitSpec, LimitState } from '../policy/limiter/types.js';
import { PolicyService } from '../policy/policy.service.js';

/** Whose records a job keeps: enough to find their plan and meter them. */
export interface JobOwner {
  userId: string;
  apiKeyId: string | null;
}

/**
 * The daily synthetic-records quota, through the gateway's limiter (in-process or Redis) and the
 * same key as every other quota, so /v1/usage shows records as jobs keep them.
 */
@Injectable()
export class RecordQuota {
  constructor(
    private readonly policy: PolicyService,
    private readonly auth: AuthService,
  ) {}

  /** Today's standing, without consuming anything. */
  async standing(caller: Caller, now = Date.now()): Promise<LimitState> {
    const [state] = await this.policy.limiter.peek([this.spec(caller, 0, now)], now);
    return state as LimitState;
  }

  /** Consumes up to `wanted` records of the owner's quota; returns how many were granted. */
  async take(owner: JobOwner, wanted: number): Promise<number> {
    const now = Date.now();
    const caller = await this.caller(owner);
    const spec = this.spec(caller, wanted, now);
    if ((await this.policy.limiter.admit([spec], now)).allowed) return wanted;
    const { remaining } = await this.standing(caller, now);
    if (remaining <= 0) return 0;
    const partial = await this.policy.limiter.admit([{ ...spec, cost: remaining }], now);
    return partial.allowed ? remaining : 0;
  }

  /** Gives back records that were granted but not kept after all. */
  async refund(owner: JobOwner, records: number): Promise<void> {
    if (records <= 0) return;
    await this.policy.limiter.adjust(this.spec(await this.caller(owner), records, Date.now()), -records);
  }

  private spec(caller: Caller, records: number, now: number): LimitSpec {
    return this.policy.specs(caller, { feature: 'synthetic', tokens: 0, units: records }, now).quota;
  }

  private async caller(owner: JobOwner): Promise<Caller> {
    return { ...owner, role: 'user', plan: await this.auth.planFor(owner.userId) };
  }
}
