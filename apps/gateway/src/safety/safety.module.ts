import { Global, Module } from '@nestjs/common';
import { FlagStore } from './flag-store.js';
import { ModerationsController } from './moderations.controller.js';
import { PolicySync } from './policy-sync.js';
import { SafetyService } from './safety.service.js';
import { SafetyAdminController } from './safety-admin.controller.js';
import { UpstreamModeration } from './upstream-moderation.service.js';

/** The content policy: global, so chat, images and synthetic data inject SafetyService without imports. */
@Global()
@Module({
  controllers: [ModerationsController, SafetyAdminController],
  providers: [SafetyService, PolicySync, FlagStore, UpstreamModeration],
  exports: [SafetyService],
})
export class SafetyModule {}
