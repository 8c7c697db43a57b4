import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import {
  type SafetyFlagList,
  SafetyFlagListParams,
  type SafetyPlanPolicy,
  type SafetyPolicyList,
  SafetyPolicyUpdate,
} from '@synthwell/contracts';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { FlagStore } from './flag-store.js';
import { PolicySync } from './policy-sync.js';

const PLAN_SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Admins tune the content policy per plan (`default` applies to plans without their own) and review
 * flagged decisions. Changes are stored and reach every replica within a second (Redis) or
 * SAFETY_POLICY_RELOAD_MS; see docs/safety.md.
 */
@Controller('v1/safety')
@UseGuards(AuthGuard)
export class SafetyAdminController {
  constructor(
    private readonly policies: PolicySync,
    private readonly flags: FlagStore,
  ) {}

  @Get('policies')
  list(@CurrentCaller() caller: Caller): Promise<SafetyPolicyList> {
    requireAdmin(caller);
    return this.policies.list();
  }

  @Put('policies/:plan')
  update(
    @CurrentCaller() caller: Caller,
    @Param('plan') plan: string,
    @Body() body: unknown,
  ): Promise<SafetyPlanPolicy> {
    requireAdmin(caller);
    if (!PLAN_SLUG.test(plan)) throw GatewayError.badRequest('Unknown plan slug.', undefined, 'plan');
    return this.policies.update(plan, parseBody(SafetyPolicyUpdate, body), caller.userId);
  }

  @Get('flags')
  flagged(@CurrentCaller() caller: Caller, @Query() query: unknown): Promise<SafetyFlagList> {
    requireAdmin(caller);
    return this.flags.list(parseBody(SafetyFlagListParams, query));
  }
}

/** Non-admins get the same 404 as an unknown route, so the admin surface is not advertised. */
function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw GatewayError.notFound('Unknown route. See /v1/openapi.json for the API.');
}
