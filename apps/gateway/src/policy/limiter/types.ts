/**
 * One limit to check for a request. Rate limits use GCRA (the generic cell rate algorithm): a bucket
 * of `limit` units that refills evenly over `periodMs`, stored as one timestamp per key. Quotas are
 * counters that reset at `resetAt` (00:00 UTC for daily quotas).
 */
export type LimitSpec =
  | { kind: 'rate'; name: string; key: string; limit: number; periodMs: number; cost: number }
  | { kind: 'quota'; name: string; key: string; limit: number; resetAt: number; cost: number };

export interface LimitState {
  name: string;
  limit: number;
  /** Units left after this decision. */
  remaining: number;
  /** Milliseconds until the limit is fully available again (rate) or resets (quota). */
  resetMs: number;
}

export interface Decision {
  allowed: boolean;
  states: LimitState[];
  /** The first limit that refused, and how long until the request would fit. */
  rejected: { name: string; kind: LimitSpec['kind']; retryAfterMs: number } | null;
}

/**
 * Admits a request against several limits at once: all of them or none. A refused request
 * consumes nothing. Implementations: in-process (one replica) and Redis (any number of replicas).
 */
export interface Limiter {
  admit(specs: readonly LimitSpec[], now?: number): Promise<Decision>;
  /** Consumes `delta` more units (negative gives units back), e.g. reconciling reserved tokens. */
  adjust(spec: LimitSpec, delta: number, now?: number): Promise<void>;
  /** Current state without consuming. */
  peek(specs: readonly LimitSpec[], now?: number): Promise<LimitState[]>;
  close(): Promise<void>;
}
