import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  SyntheticEvaluateParams,
  type SyntheticEvaluation,
  SyntheticLabParams,
  type SyntheticLabResult,
} from '@synthwell/contracts';
import type { FastifyReply } from 'fastify';
import { AuthGuard, CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../core/caller.js';
import { parseBody } from '../core/validation.js';
import { PolicyService } from '../policy/policy.service.js';
import { EvaluationService } from './evaluation.service.js';
import { LabService } from './lab.service.js';

/** Measuring datasets and the collapse lab: CPU work in the gateway, so each call counts against requests per minute. */
@Controller('v1/synthetic')
@UseGuards(AuthGuard)
export class AnalysisController {
  constructor(
    private readonly evaluation: EvaluationService,
    private readonly lab: LabService,
    private readonly policy: PolicyService,
  ) {}

  @Post('evaluate')
  @HttpCode(200)
  async evaluate(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SyntheticEvaluation> {
    const params = parseBody(SyntheticEvaluateParams, body);
    await this.policy.admit(caller, { feature: 'synthetic', tokens: 0, units: 0 }, reply);
    return this.evaluation.evaluate(params);
  }

  @Post('lab')
  @HttpCode(200)
  async run(
    @CurrentCaller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SyntheticLabResult> {
    const params = parseBody(SyntheticLabParams, body);
    await this.policy.admit(caller, { feature: 'synthetic', tokens: 0, units: 0 }, reply);
    return this.lab.run(params);
  }
}
