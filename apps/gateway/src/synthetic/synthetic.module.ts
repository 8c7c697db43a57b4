import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Db } from '@synthwell/db';
import type { Logger } from '@synthwell/server';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../config/env.js';
import { DB, GATEWAY_CONFIG, LOGGER, REDIS } from '../core/tokens.js';
import { ProvenanceModule } from '../provenance/provenance.module.js';
import { AnalysisController } from './analysis.controller.js';
import { EvaluationService } from './evaluation.service.js';
import type { JobEvents } from './events/job-events.js';
import { MemoryJobEvents } from './events/memory-job-events.js';
import { RedisJobEvents } from './events/redis-job-events.js';
import { HumanReference } from './human-reference.js';
import { JobRunner } from './job-runner.js';
import { JobStore } from './job-store.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { LabService } from './lab.service.js';
import { ProgressStream } from './progress-stream.js';
import { BullmqQueue } from './queue/bullmq-queue.js';
import { InProcessQueue } from './queue/in-process-queue.js';
import type { JobQueue } from './queue/job-queue.js';
import { RecordQuota } from './record-quota.js';
import { RecordsService } from './records.service.js';
import { JOB_EVENTS, JOB_QUEUE } from './tokens.js';

/** Starts this process's job workers once the app is up, and stops them before it goes down. */
@Injectable()
export class SyntheticWorkers implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(JOB_EVENTS) private readonly events: JobEvents,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    await this.events.close();
  }
}

/**
 * The synthetic-data API and its job workers. Without REDIS_URL: the in-process queue and events (one
 * gateway process). With it: BullMQ and Redis pub/sub, so replicas and `worker.main.js` processes share jobs.
 */
@Module({
  // Exports are signed: worker processes, which load this module without the app's, need provenance too.
  imports: [ProvenanceModule],
  controllers: [JobsController, AnalysisController],
  providers: [
    JobStore,
    JobsService,
    ProgressStream,
    RecordsService,
    RecordQuota,
    HumanReference,
    JobRunner,
    EvaluationService,
    LabService,
    SyntheticWorkers,
    {
      provide: JOB_EVENTS,
      useFactory: (redis: Redis | null, logger: Logger): JobEvents =>
        redis ? new RedisJobEvents(redis, logger) : new MemoryJobEvents(),
      inject: [REDIS, LOGGER],
    },
    {
      provide: JOB_QUEUE,
      useFactory: (config: GatewayConfig, db: Db, runner: JobRunner, logger: Logger): JobQueue => {
        if (config.REDIS_URL) {
          return new BullmqQueue(
            db,
            runner,
            {
              redisUrl: config.REDIS_URL,
              name: config.SYNTHETIC_QUEUE,
              workers: config.SYNTHETIC_WORKERS,
              lockMs: config.SYNTHETIC_LOCK_MS,
            },
            logger,
          );
        }
        if (config.SYNTHETIC_WORKERS === 0)
          logger.warn('SYNTHETIC_WORKERS=0 without REDIS_URL: synthetic jobs will wait forever');
        return new InProcessQueue(db, runner, config.SYNTHETIC_WORKERS, logger);
      },
      inject: [GATEWAY_CONFIG, DB, JobRunner, LOGGER],
    },
  ],
})
export class SyntheticModule {}
