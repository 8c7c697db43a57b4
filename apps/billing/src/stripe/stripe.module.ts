import { Module } from '@nestjs/common';
import type Stripe from 'stripe';
import { STRIPE } from '../core/tokens.js';
import { CheckoutService } from './checkout.service.js';
import { CONVERGE_CLOCK, SubscriptionConverger } from './converge.service.js';
import { StripeCatalog } from './stripe-catalog.service.js';
import { SdkStripeReader, STRIPE_READER } from './stripe-reader.js';
import { StripeWebhookController } from './webhook.controller.js';
import { StripeWebhookService } from './webhook.service.js';

@Module({
  controllers: [StripeWebhookController],
  providers: [
    StripeCatalog,
    CheckoutService,
    SubscriptionConverger,
    StripeWebhookService,
    { provide: STRIPE_READER, useFactory: (stripe: Stripe) => new SdkStripeReader(stripe), inject: [STRIPE] },
    { provide: CONVERGE_CLOCK, useValue: () => new Date() },
  ],
  exports: [StripeCatalog, CheckoutService, SubscriptionConverger],
})
export class StripeModule {}
