import 'reflect-metadata';
import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDb, pingDb } from '@synthwell/db';
import { createProviderRegistry, parseProvidersFromEnv } from '@synthwell/providers';
import { ConfigError, createLogger, type Logger, type ReadinessCheck } from '@synthwell/server';
import { Redis } from 'ioredis';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import { type CoreDependencies, CoreModule } from '../core/core.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { SyntheticModule } from './synthetic.module.js';

/** The gateway's core services and the synthetic-data module, without HTTP. */
@Module({})
class SyntheticWorkerModule {
  static forRoot(deps: CoreDependencies): DynamicModule {
    return { module: SyntheticWorkerModule, imports: [CoreModule.forRoot(deps), SafetyModule, SyntheticModule] };
  }
}

/**
 * A process that only runs synthetic-data jobs from the BullMQ queue: the same database, providers,
 * catalog, router, limiter and usage ledger as the gateway, so a job runs identically wherever it runs.
 * Scale workers with SYNTHETIC_WORKERS (jobs per process) and the number of processes.
 */
export interface SyntheticWorker {
  context: INestApplicationContext;
  /** What its /readyz checks: the database and Redis answer. */
  readiness: ReadinessCheck[];
  /** Hands running jobs back to the queue, then closes the connections. */
  close(): Promise<void>;
}

export async function createSyntheticWorker(
  config: GatewayConfig,
  options: { logger?: Logger } = {},
): Promise<SyntheticWorker> {
  const problems = [
    ...(config.REDIS_URL ? [] : ['REDIS_URL: required; without it the gateway runs synthetic jobs itself']),
    ...(config.SYNTHETIC_WORKERS >= 1 ? [] : ['SYNTHETIC_WORKERS: must be at least 1 in a worker process']),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  const logger = options.logger ?? createLogger({ name: 'synthetic-worker', level: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL, { poolSize: config.SYNTHETIC_WORKERS + 4 });
  const providers = createProviderRegistry({
    ...parseProvidersFromEnv(config.rawEnv),
    local: config.LOCAL_MODELS
      ? {
          cacheDir: config.MODEL_CACHE_DIR,
          ...(config.LOCAL_TRAINING_FILES ? { trainingFiles: config.LOCAL_TRAINING_FILES } : {}),
        }
      : false,
  });
  const redis = new Redis(config.REDIS_URL as string, { maxRetriesPerRequest: 1, commandTimeout: 500 });
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  const context = await NestFactory.createApplicationContext(
    SyntheticWorkerModule.forRoot({ config, logger, db, providers, redis }),
    { logger: false },
  );
  await context.get(CatalogService).start();
  await providers.ready();
  await context.init();
  return {
    context,
    readiness: [
      { name: 'database', check: () => pingDb(db) },
      { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
    ],
    async close() {
      await context.close();
      await db.$disconnect();
    },
  };
}
