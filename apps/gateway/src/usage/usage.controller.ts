import { Controller, Get, UseGuards } from '@nestjs/common';
import type { UsageSummary } from '@synthwell/contracts';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../core/caller.js';
import { utcDay } from '../policy/limiter/gcra.js';
import type { LimitState } from '../policy/limiter/types.js';
import { PolicyService } from '../policy/policy.service.js';

function counter(state: LimitState): { limit: number; used: number; remaining: number } {
  return { limit: state.limit, used: state.limit - state.remaining, remaining: state.remaining };
}

/** The caller's plan, today's use of each quota and this minute's, read live from the limiter. */
@Controller('v1/usage')
@UseGuards(AuthGuard)
export class UsageController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  async retrieve(@CurrentCaller() caller: Caller): Promise<UsageSummary> {
    const now = Date.now();
    const standing = await this.policy.standing(caller, now);
    return {
      object: 'usage',
      plan: { id: caller.plan.id, slug: caller.plan.slug, name: caller.plan.name, model_tiers: caller.plan.modelTiers },
      day: utcDay(now),
      resets_at: new Date(now + standing.daily.chat.resetMs).toISOString(),
      daily: {
        chat_requests: counter(standing.daily.chat),
        images: counter(standing.daily.image),
        synthetic_records: counter(standing.daily.synthetic),
      },
      minute: { requests: counter(standing.requests), tokens: counter(standing.tokens) },
    };
  }
}
