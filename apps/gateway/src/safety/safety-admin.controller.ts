import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { type SafetyPolicy, SafetyPolicyUpdate } from '@synthwell/contracts';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { GatewayError } from '../errors/gateway-error.js';
import { type FlaggedItem, SafetyService } from './safety.service.js';

const PLAN_SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Admins tune the content policy per plan (`default` applies to plans without their own) and review
 * flagged decisions. Changes apply to the next request on this replica; see docs/safety.md.
 */
@Controller('v1/safety')
@UseGuards(AuthGuard)
export class SafetyAdminController {
  constructor(private readonly safety: SafetyService) {}

  @Get('policies')
  list(@CurrentCaller() caller: Caller): { data: Array<{ plan: string; policy: SafetyPolicy }> } {
    requireAdmin(caller);
    return { data: this.safety.policies.plans().map((plan) => ({ plan, policy: this.safety.policies.for(plan) })) };
  }

  @Put('policies/:plan')
  update(
    @CurrentCaller() caller: Caller,
    @Param('plan') plan: string,
    @Body() body: unknown,
  ): { plan: string; policy: SafetyPolicy } {
    requireAdmin(caller);
    if (!PLAN_SLUG.test(plan)) throw GatewayError.badRequest('Unknown plan slug.', undefined, 'plan');
    const change = parseBody(SafetyPolicyUpdate, body);
    return { plan, policy: this.safety.updatePolicy(plan, change) };
  }

  @Get('flags')
  flags(@CurrentCaller() caller: Caller): { data: FlaggedItem[] } {
    requireAdmin(caller);
    return { data: this.safety.recentFlags() };
  }
}

/** Non-admins get the same 404 as an unknown route, so the admin surface is not advertised. */
function requireAdmin(caller: Caller): void {
  if (caller.role !== 'admin') throw GatewayError.notFound('Unknown route. See /v1/openapi.json for the API.');
}
