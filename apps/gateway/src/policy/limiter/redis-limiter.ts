import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import { MemoryLimiter } from './memory-limiter.js';
import { Hearing, untilSilent } from './silence-deadline.js';
import type { Decision, Limiter, LimitSpec, LimitState } from './types.js';

/**
 * All-or-nothing admission over N limits in one atomic script, the same arithmetic as gcra.ts.
 * KEYS: one per limit. ARGV: now (ms, or -1 for the server's clock), then per limit: kind (1 rate,
 * 2 quota), limit, period ms (rate) or reset time ms (quota), cost.
 * Returns { allowed, rejectedIndex, retryAfterMs, remaining1, resetMs1, remaining2, ... }.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local n = #KEYS
local next_values = {}
local out = {1, 0, 0}
local refused = 0
for i = 1, n do
  local base = 1 + (i - 1) * 4
  local kind = tonumber(ARGV[base + 1])
  local limit = tonumber(ARGV[base + 2])
  local period = tonumber(ARGV[base + 3])
  local cost = tonumber(ARGV[base + 4])
  local stored = redis.call('GET', KEYS[i])
  if kind == 1 then
    local interval = period / limit
    local tat = stored and tonumber(stored) or now
    if tat < now then tat = now end
    local next_tat = tat + cost * interval
    local over = next_tat - now - period
    local shown = next_tat
    if over > 0 then
      if refused == 0 then refused = i; out[3] = math.ceil(over) end
      shown = tat
    end
    next_values[i] = next_tat
    local used = shown - now
    if used < 0 then used = 0 end
    local remaining = math.floor((period - used) / interval + 1e-9)
    if remaining < 0 then remaining = 0 end
    table.insert(out, remaining)
    table.insert(out, math.ceil(used))
  else
    local used = stored and tonumber(stored) or 0
    local reset = period - now
    if reset < 0 then reset = 0 end
    local after = used + cost
    if after > limit then
      if refused == 0 then refused = i; out[3] = reset end
      after = used
    end
    next_values[i] = used + cost
    local remaining = limit - after
    if remaining < 0 then remaining = 0 end
    table.insert(out, remaining)
    table.insert(out, reset)
  end
end
if refused > 0 then
  out[1] = 0
  out[2] = refused
  return out
end
for i = 1, n do
  local base = 1 + (i - 1) * 4
  local kind = tonumber(ARGV[base + 1])
  local period = tonumber(ARGV[base + 3])
  if kind == 1 then
    local ttl = math.ceil(next_values[i] - now)
    if ttl < 1 then ttl = 1 end
    redis.call('SET', KEYS[i], tostring(next_values[i]), 'PX', ttl)
  else
    redis.call('SET', KEYS[i], tostring(next_values[i]), 'PXAT', math.floor(period) + 3600000)
  end
end
return out
`;

/** Adds `delta` units to one limit (negative refunds); the same clock rule as ADMIT. */
const ADJUST = `
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local kind = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local period = tonumber(ARGV[4])
local delta = tonumber(ARGV[5])
local stored = redis.call('GET', KEYS[1])
if kind == 1 then
  local tat = stored and tonumber(stored) or now
  if tat < now then tat = now end
  local next_tat = tat + delta * (period / limit)
  local ttl = math.ceil(next_tat - now)
  if ttl < 1 then redis.call('DEL', KEYS[1]) return 0 end
  redis.call('SET', KEYS[1], tostring(next_tat), 'PX', ttl)
else
  local used = (stored and tonumber(stored) or 0) + delta
  if used < 0 then used = 0 end
  redis.call('SET', KEYS[1], tostring(used), 'PXAT', math.floor(period) + 3600000)
end
return 1
`;

type AdmitReply = number[];

interface PendingAdjustment {
  spec: LimitSpec;
  now: number | undefined;
  delta: number;
  done: Promise<void>;
  applied: () => void;
  failed: (error: unknown) => void;
}

function argv(specs: readonly LimitSpec[], now: number | undefined): (string | number)[] {
  const args: (string | number)[] = [now ?? -1];
  for (const spec of specs) {
    args.push(spec.kind === 'rate' ? 1 : 2, spec.limit, spec.kind === 'rate' ? spec.periodMs : spec.resetAt, spec.cost);
  }
  return args;
}

/** How long Redis may stay silent before the replica falls back to its local allowance (see silence-deadline.ts). */
const REDIS_SILENCE_MS = 500;

/**
 * Exact limits across any number of gateway replicas. When Redis cannot be reached, the limiter
 * fails open into a bounded local allowance: each replica enforces every limit on its own (so N
 * replicas admit at most N × the limit) until Redis answers again, and says so in the logs.
 */
export class RedisLimiter implements Limiter {
  private readonly fallback = new MemoryLimiter();
  private readonly hearing = new Hearing();
  private degraded = false;
  /** Adjustments made this turn of the event loop, summed per limit (and clock, when one is given). */
  private adjustments = new Map<string, PendingAdjustment>();

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly prefix = 'sw:lim:',
    private readonly silenceMs = REDIS_SILENCE_MS,
  ) {
    redis.defineCommand('swAdmit', { lua: ADMIT });
    redis.defineCommand('swAdjust', { lua: ADJUST, numberOfKeys: 1 });
  }

  /** True while limits are enforced per replica because Redis is unreachable. */
  get isDegraded(): boolean {
    return this.degraded;
  }

  async admit(specs: readonly LimitSpec[], now?: number): Promise<Decision> {
    if (specs.length === 0) return { allowed: true, states: [], rejected: null };
    try {
      const keys = specs.map((spec) => this.prefix + spec.key);
      const reply = await untilSilent(
        (this.redis as unknown as { swAdmit(n: number, ...args: (string | number)[]): Promise<AdmitReply> }).swAdmit(
          keys.length,
          ...keys,
          ...argv(specs, now),
        ),
        this.silenceMs,
        this.hearing,
      );
      this.recovered();
      const [allowed, rejectedIndex, retryAfterMs] = reply;
      const states: LimitState[] = specs.map((spec, i) => ({
        name: spec.name,
        limit: spec.limit,
        remaining: Number(reply[3 + i * 2]),
        resetMs: Number(reply[4 + i * 2]),
      }));
      const refused = rejectedIndex ? specs[rejectedIndex - 1] : undefined;
      return {
        allowed: allowed === 1,
        states,
        rejected: refused ? { name: refused.name, kind: refused.kind, retryAfterMs: Number(retryAfterMs) } : null,
      };
    } catch (error) {
      this.degrade(error);
      return this.fallback.admit(specs, now ?? Date.now());
    }
  }

  /**
   * Adjustments are summed per limit over one turn of the event loop and sent as one script call at
   * its end: at concurrency every request that finishes settles its tokens, and the requests of one
   * account that finish together cost Redis one call, not one each. The promise resolves once the
   * sum is applied (in Redis, or in the local allowance while Redis is unreachable).
   */
  adjust(spec: LimitSpec, delta: number, now?: number): Promise<void> {
    if (delta === 0) return Promise.resolve();
    const id = now === undefined ? spec.key : `${spec.key}@${now}`;
    let pending = this.adjustments.get(id);
    if (!pending) {
      if (this.adjustments.size === 0) setImmediate(this.sendAdjustments);
      let applied = () => {};
      let failed: (error: unknown) => void = () => {};
      const done = new Promise<void>((resolve, reject) => {
        applied = resolve;
        failed = reject;
      });
      pending = { spec, now, delta: 0, done, applied, failed };
      this.adjustments.set(id, pending);
    }
    pending.delta += delta;
    return pending.done;
  }

  private readonly sendAdjustments = () => {
    const batch = this.adjustments;
    this.adjustments = new Map();
    for (const { spec, now, delta, applied, failed } of batch.values())
      this.apply(spec, delta, now).then(applied, failed);
  };

  private async apply(spec: LimitSpec, delta: number, now: number | undefined): Promise<void> {
    if (delta === 0) return;
    try {
      await untilSilent(
        (this.redis as unknown as { swAdjust(...args: (string | number)[]): Promise<number> }).swAdjust(
          this.prefix + spec.key,
          now ?? -1,
          spec.kind === 'rate' ? 1 : 2,
          spec.limit,
          spec.kind === 'rate' ? spec.periodMs : spec.resetAt,
          delta,
        ),
        this.silenceMs,
        this.hearing,
      );
      this.recovered();
    } catch (error) {
      this.degrade(error);
      await this.fallback.adjust(spec, delta, now);
    }
  }

  async peek(specs: readonly LimitSpec[], now?: number): Promise<LimitState[]> {
    // A zero-cost admission reads every limit in one round trip and changes nothing.
    const decision = await this.admit(
      specs.map((spec) => ({ ...spec, cost: 0 })),
      now,
    );
    return decision.states;
  }

  async close(): Promise<void> {
    // What this turn adjusted still goes out, ahead of the connection closing.
    const pending = [...this.adjustments.values()].map((adjustment) => adjustment.done.catch(() => undefined));
    this.sendAdjustments();
    await Promise.all(pending);
    await this.fallback.close();
  }

  private degrade(error: unknown): void {
    if (!this.degraded)
      this.logger.error({ err: error }, 'Redis unreachable: enforcing limits per replica until it returns');
    this.degraded = true;
  }

  private recovered(): void {
    if (this.degraded) this.logger.warn('Redis reachable again: limits are shared across replicas');
    this.degraded = false;
  }
}
