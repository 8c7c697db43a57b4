import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ModerationCreateParams, type ModerationResponse } from '@synthwell/contracts';
import type { FastifyRequest } from 'fastify';
import { AuthGuard } from '../auth/auth.guard.js';
import { parseBody } from '../core/validation.js';
import { SafetyService } from './safety.service.js';

/** The model name /v1/moderations reports: the built-in offline classifiers. */
export const MODERATION_MODEL = 'sw-moderation-rules';

@Controller('v1/moderations')
@UseGuards(AuthGuard)
export class ModerationsController {
  constructor(private readonly safety: SafetyService) {}

  @Post()
  @HttpCode(200)
  async create(@Body() body: unknown, @Req() request: FastifyRequest): Promise<ModerationResponse> {
    const params = parseBody(ModerationCreateParams, body);
    const inputs = typeof params.input === 'string' ? [params.input] : params.input;
    return {
      id: `modr-${request.id}`,
      model: MODERATION_MODEL,
      results: await this.safety.moderate(inputs, request.id),
    };
  }
}
