import { Module } from '@nestjs/common';
import { StripeModule } from '../stripe/stripe.module.js';
import { PlansService } from './plans.service.js';
import { SubscriptionsService } from './subscriptions.service.js';

@Module({
  imports: [StripeModule],
  providers: [PlansService, SubscriptionsService],
  exports: [PlansService, SubscriptionsService],
})
export class PlansModule {}
