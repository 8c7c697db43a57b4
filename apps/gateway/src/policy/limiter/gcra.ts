import type { LimitSpec, LimitState } from './types.js';

/**
 * Pure GCRA and quota arithmetic shared by the in-process limiter and mirrored by the Redis script.
 * For a rate limit of L units per period P, each unit "costs" T = P / L ms of a bucket P ms deep.
 * `tat` is the theoretical arrival time: the moment the bucket would be full again.
 */
export function rateDecision(spec: Extract<LimitSpec, { kind: 'rate' }>, tat: number, now: number) {
  const interval = spec.periodMs / spec.limit;
  const base = Math.max(tat, now);
  const nextTat = base + spec.cost * interval;
  const over = nextTat - now - spec.periodMs;
  if (over > 0) {
    return { allowed: false, nextTat: tat, retryAfterMs: Math.ceil(over), state: rateState(spec, base, now) };
  }
  return { allowed: true, nextTat, retryAfterMs: 0, state: rateState(spec, nextTat, now) };
}

export function rateState(spec: Extract<LimitSpec, { kind: 'rate' }>, tat: number, now: number): LimitState {
  const interval = spec.periodMs / spec.limit;
  const used = Math.max(0, tat - now);
  return {
    name: spec.name,
    limit: spec.limit,
    remaining: Math.max(0, Math.floor((spec.periodMs - used) / interval + 1e-9)),
    resetMs: Math.ceil(used),
  };
}

export function quotaDecision(spec: Extract<LimitSpec, { kind: 'quota' }>, used: number, now: number) {
  const resetMs = Math.max(0, spec.resetAt - now);
  if (used + spec.cost > spec.limit) {
    return { allowed: false, used, retryAfterMs: resetMs, state: quotaState(spec, used, now) };
  }
  return { allowed: true, used: used + spec.cost, retryAfterMs: 0, state: quotaState(spec, used + spec.cost, now) };
}

export function quotaState(spec: Extract<LimitSpec, { kind: 'quota' }>, used: number, now: number): LimitState {
  return {
    name: spec.name,
    limit: spec.limit,
    remaining: Math.max(0, spec.limit - used),
    resetMs: Math.max(0, spec.resetAt - now),
  };
}

/** The next 00:00 UTC after `now`. */
const DAY_MS = 86_400_000;

export function nextUtcMidnight(now: number): number {
  // UTC days are exactly 86,400,000 ms in JavaScript time (no leap seconds), so no Date is needed.
  return now - (now % DAY_MS) + DAY_MS;
}

let cachedDay = { start: 0, name: '' };

/** The UTC day of `now` as YYYY-MM-DD, which names daily quota keys (computed once per day). */
export function utcDay(now: number): string {
  const start = now - (now % DAY_MS);
  if (start !== cachedDay.start) cachedDay = { start, name: new Date(start).toISOString().slice(0, 10) };
  return cachedDay.name;
}
