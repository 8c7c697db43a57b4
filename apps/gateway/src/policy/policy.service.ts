import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ErrorCode, ErrorType, type Feature } from '@synthwell/contracts';
import type { Logger } from '@synthwell/server';
import type { Caller } from '../core/caller.js';
import type { HeaderSink } from '../core/exchange.js';
import { LIMITER, LOGGER } from '../core/tokens.js';
import { GatewayError } from '../errors/gateway-error.js';
import { nextUtcMidnight, utcDay } from './limiter/gcra.js';
import type { Decision, Limiter, LimitSpec, LimitState } from './limiter/types.js';

const MINUTE_MS = 60_000;

/** What a request asks of the plan: one request, an estimate of its tokens, and units of a daily quota. */
export interface Demand {
  feature: Feature;
  /** Tokens reserved now (prompt estimate + max completion), reconciled after the call. */
  tokens: number;
  /** Units of the feature's daily quota: 1 chat request, n images, k synthetic records. */
  units: number;
}

/** An admitted request's hold on the plan, settled once its real usage is known. */
export interface Admission {
  /** Replaces the reserved tokens by the real count (refunding or charging the difference). */
  settleTokens(actual: number): Promise<void>;
  /** Gives the daily-quota units back, for requests that failed before producing anything. */
  refundUnits(): Promise<void>;
}

/** OpenAI's reset format: "1s", "6m0s", "1h2m3s". */
export function formatReset(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) return `${hours}h${minutes}m${seconds}s`;
  if (minutes) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

export function quotaField(feature: Feature): 'chatRequestsPerDay' | 'imagesPerDay' | 'syntheticRecordsPerDay' {
  return feature === 'chat' ? 'chatRequestsPerDay' : feature === 'image' ? 'imagesPerDay' : 'syntheticRecordsPerDay';
}

/**
 * The plan on the hot path: requests and tokens per minute (GCRA) and daily quotas per feature,
 * admitted together or not at all. Keys carry the account in a hash tag so a Redis cluster keeps
 * one account's limits in one slot.
 */
@Injectable()
export class PolicyService implements OnModuleDestroy {
  constructor(
    @Inject(LIMITER) readonly limiter: Limiter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.limiter.close();
  }

  specs(caller: Caller, demand: Demand, now: number): { requests: LimitSpec; tokens: LimitSpec; quota: LimitSpec } {
    const account = `{${caller.userId}}`;
    const { plan } = caller;
    return {
      requests: {
        kind: 'rate',
        name: 'requests',
        key: `${account}:rpm`,
        limit: plan.requestsPerMinute,
        periodMs: MINUTE_MS,
        cost: 1,
      },
      tokens: {
        kind: 'rate',
        name: 'tokens',
        key: `${account}:tpm`,
        limit: plan.tokensPerMinute,
        periodMs: MINUTE_MS,
        cost: demand.tokens,
      },
      quota: {
        kind: 'quota',
        name: `${demand.feature}_daily`,
        key: `${account}:q:${demand.feature}:${utcDay(now)}`,
        limit: plan[quotaField(demand.feature)],
        resetAt: nextUtcMidnight(now),
        cost: demand.units,
      },
    };
  }

  /** Admits the request or throws 429; sets the x-ratelimit-* headers either way. */
  async admit(caller: Caller, demand: Demand, reply: HeaderSink): Promise<Admission> {
    const now = Date.now();
    const { requests, tokens, quota } = this.specs(caller, demand, now);
    const limits = demand.tokens > 0 ? [requests, tokens, quota] : [requests, quota];
    if (demand.tokens > caller.plan.tokensPerMinute) {
      throw new GatewayError(
        429,
        ErrorType.rateLimit,
        ErrorCode.rateLimitExceeded,
        `This request needs about ${demand.tokens} tokens, more than the ${caller.plan.name} plan's ${caller.plan.tokensPerMinute} tokens per minute. Lower max_tokens or shorten the prompt.`,
        'max_tokens',
      );
    }
    const decision = await this.limiter.admit(limits, now);
    setRateHeaders(reply, decision, demand.tokens > 0);
    if (!decision.allowed && decision.rejected) throw rejection(caller, demand, decision);
    return {
      settleTokens: async (actual) => {
        if (demand.tokens > 0)
          await this.limiter
            .adjust(tokens, actual - demand.tokens)
            .catch((error: unknown) => this.logger.warn({ err: error }, 'token settlement failed'));
      },
      refundUnits: async () => {
        await this.limiter
          .adjust(quota, -demand.units)
          .catch((error: unknown) => this.logger.warn({ err: error }, 'quota refund failed'));
      },
    };
  }

  /** This minute's and today's standing, without consuming anything. */
  async standing(
    caller: Caller,
    now = Date.now(),
  ): Promise<{ requests: LimitState; tokens: LimitState; daily: Record<Feature, LimitState> }> {
    const chat = this.specs(caller, { feature: 'chat', tokens: 0, units: 0 }, now);
    const image = this.specs(caller, { feature: 'image', tokens: 0, units: 0 }, now);
    const synthetic = this.specs(caller, { feature: 'synthetic', tokens: 0, units: 0 }, now);
    const states = await this.limiter.peek([chat.requests, chat.tokens, chat.quota, image.quota, synthetic.quota], now);
    const [requests, tokens, chatDaily, imageDaily, syntheticDaily] = states as [
      LimitState,
      LimitState,
      LimitState,
      LimitState,
      LimitState,
    ];
    return { requests, tokens, daily: { chat: chatDaily, image: imageDaily, synthetic: syntheticDaily } };
  }
}

function setRateHeaders(reply: HeaderSink, decision: Decision, withTokens: boolean): void {
  const [requests, second] = decision.states;
  if (requests) {
    reply.header('x-ratelimit-limit-requests', String(requests.limit));
    reply.header('x-ratelimit-remaining-requests', String(requests.remaining));
    reply.header('x-ratelimit-reset-requests', formatReset(requests.resetMs));
  }
  if (withTokens && second) {
    reply.header('x-ratelimit-limit-tokens', String(second.limit));
    reply.header('x-ratelimit-remaining-tokens', String(second.remaining));
    reply.header('x-ratelimit-reset-tokens', formatReset(second.resetMs));
  }
}

function rejection(caller: Caller, demand: Demand, decision: Decision): GatewayError {
  const rejected = decision.rejected as NonNullable<Decision['rejected']>;
  const retryAfter = String(Math.max(1, Math.ceil(rejected.retryAfterMs / 1000)));
  const headers = { 'retry-after': retryAfter };
  if (rejected.kind === 'quota') {
    const limit = caller.plan[quotaField(demand.feature)];
    const what =
      demand.feature === 'chat' ? 'chat requests' : demand.feature === 'image' ? 'images' : 'synthetic records';
    return new GatewayError(
      429,
      ErrorType.quota,
      ErrorCode.quotaExceeded,
      `You have used today's ${limit} ${what} on the ${caller.plan.name} plan. The quota resets at 00:00 UTC (in ${formatReset(rejected.retryAfterMs)}).`,
      null,
      headers,
    );
  }
  const unit =
    rejected.name === 'tokens' ? `${caller.plan.tokensPerMinute} tokens` : `${caller.plan.requestsPerMinute} requests`;
  return new GatewayError(
    429,
    ErrorType.rateLimit,
    ErrorCode.rateLimitExceeded,
    `Rate limit reached: the ${caller.plan.name} plan allows ${unit} per minute. Retry after ${retryAfter} s.`,
    null,
    headers,
  );
}
