import { Global, Module } from '@nestjs/common';
import { ModerationsController } from './moderations.controller.js';
import { SafetyService } from './safety.service.js';
import { SafetyAdminController } from './safety-admin.controller.js';

/** The content policy: global, so chat, images and synthetic data inject SafetyService without imports. */
@Global()
@Module({
  controllers: [ModerationsController, SafetyAdminController],
  providers: [SafetyService],
  exports: [SafetyService],
})
export class SafetyModule {}
