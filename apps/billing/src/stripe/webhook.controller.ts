import { BadRequestException, Controller, Headers, HttpCode, Post, type RawBodyRequest, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { StripeWebhookService } from './webhook.service.js';

@Controller('stripe')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhookService) {}

  /** 400 for a bad signature or stale timestamp (Stripe retries nothing it cannot sign); 200 otherwise. */
  @Post('webhook')
  @HttpCode(200)
  async receive(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<{ received: true; ignored?: string }> {
    const result = await this.webhooks.handle(request.rawBody, signature);
    if (result.status === 'invalid_signature') throw new BadRequestException(result.message);
    return result.status === 'ignored' ? { received: true, ignored: result.reason } : { received: true };
  }
}
