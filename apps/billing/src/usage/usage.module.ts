import { Module } from '@nestjs/common';
import { OverageReporter } from './overage.reporter.js';
import { UsageService } from './usage.service.js';

@Module({ providers: [UsageService, OverageReporter], exports: [UsageService, OverageReporter] })
export class UsageModule {}
