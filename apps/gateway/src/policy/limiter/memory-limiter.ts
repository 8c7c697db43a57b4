import { quotaDecision, quotaState, rateDecision, rateState } from './gcra.js';
import type { Decision, Limiter, LimitSpec, LimitState } from './types.js';

/**
 * The embedded default: exact for one process. Node runs this synchronously, so check-all-then-apply
 * is atomic without locks. Expired keys are swept as they are touched and periodically.
 */
export class MemoryLimiter implements Limiter {
  private readonly rates = new Map<string, { tat: number; expiresAt: number }>();
  private readonly quotas = new Map<string, { used: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(Date.now()), 60_000);
    this.sweeper.unref();
  }

  async admit(specs: readonly LimitSpec[], now = Date.now()): Promise<Decision> {
    return this.admitSync(specs, now);
  }

  admitSync(specs: readonly LimitSpec[], now = Date.now()): Decision {
    const outcomes = specs.map((spec) =>
      spec.kind === 'rate'
        ? { spec, ...rateDecision(spec, this.tat(spec.key, now), now) }
        : { spec, ...quotaDecision(spec, this.used(spec.key, now), now) },
    );
    const refused = outcomes.find((outcome) => !outcome.allowed);
    if (refused) {
      return {
        allowed: false,
        states: outcomes.map((outcome) => outcome.state),
        rejected: { name: refused.spec.name, kind: refused.spec.kind, retryAfterMs: refused.retryAfterMs },
      };
    }
    for (const outcome of outcomes) {
      if (outcome.spec.kind === 'rate' && 'nextTat' in outcome) {
        this.setTat(outcome.spec.key, outcome.nextTat);
      } else if (outcome.spec.kind === 'quota' && 'used' in outcome) {
        this.setUsed(outcome.spec.key, outcome.used, outcome.spec.resetAt);
      }
    }
    return { allowed: true, states: outcomes.map((outcome) => outcome.state), rejected: null };
  }

  async adjust(spec: LimitSpec, delta: number, now = Date.now()): Promise<void> {
    if (delta === 0) return;
    if (spec.kind === 'rate') {
      const interval = spec.periodMs / spec.limit;
      this.setTat(spec.key, Math.max(this.tat(spec.key, now), now) + delta * interval);
    } else {
      this.setUsed(spec.key, Math.max(0, this.used(spec.key, now) + delta), spec.resetAt);
    }
  }

  async peek(specs: readonly LimitSpec[], now = Date.now()): Promise<LimitState[]> {
    return specs.map((spec) =>
      spec.kind === 'rate'
        ? rateState(spec, this.tat(spec.key, now), now)
        : quotaState(spec, this.used(spec.key, now), now),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  /** Updates in place: an account's entries live as long as it is active, not one object per request. */
  private setTat(key: string, tat: number): void {
    const entry = this.rates.get(key);
    if (entry) {
      entry.tat = tat;
      entry.expiresAt = tat;
    } else this.rates.set(key, { tat, expiresAt: tat });
  }

  private setUsed(key: string, used: number, expiresAt: number): void {
    const entry = this.quotas.get(key);
    if (entry) {
      entry.used = used;
      entry.expiresAt = expiresAt;
    } else this.quotas.set(key, { used, expiresAt });
  }

  private tat(key: string, now: number): number {
    const entry = this.rates.get(key);
    return entry && entry.expiresAt > now ? entry.tat : now;
  }

  private used(key: string, now: number): number {
    const entry = this.quotas.get(key);
    return entry && entry.expiresAt > now ? entry.used : 0;
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.rates) if (entry.expiresAt <= now) this.rates.delete(key);
    for (const [key, entry] of this.quotas) if (entry.expiresAt <= now) this.quotas.delete(key);
  }
}
