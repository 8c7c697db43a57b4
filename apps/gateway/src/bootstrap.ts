import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDb, type Db } from '@synthwell/db';
import { createProviderRegistry, type ProviderRegistry, parseProvidersFromEnv } from '@synthwell/providers';
import { createLogger, type Logger } from '@synthwell/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { GatewayModule } from './app.module.js';
import { CatalogService } from './catalog/catalog.service.js';
import type { GatewayConfig } from './config/env.js';
import { LOGGER } from './core/tokens.js';
import { OpenAIExceptionFilter } from './errors/openai-exception.filter.js';
import { MetricsService } from './observability/metrics.service.js';

export interface Gateway {
  app: NestFastifyApplication;
  db: Db;
  providers: ProviderRegistry;
  redis: Redis | null;
  /** Resolves when the offline models are trained or loaded. */
  modelsReady: Promise<void>;
}

/**
 * Request ids: `req_` + 12 random hex characters fixed per process + a base36 counter. Unique across
 * replicas and restarts for all practical purposes, and no random bytes drawn on the hot path.
 */
const REQUEST_ID_PREFIX = `req_${randomBytes(6).toString('hex')}`;
let requestCounter = 0;
function requestId(): string {
  requestCounter += 1;
  return `${REQUEST_ID_PREFIX}${requestCounter.toString(36).padStart(6, '0')}`;
}

/** Resolves true once the client is ready, false after `timeoutMs`. */
function connected(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Builds the gateway: database client, providers, the Nest app on Fastify, wired by `bootstrap`. */
export async function createGateway(config: GatewayConfig, options: { logger?: Logger } = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ name: 'gateway', level: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL, { poolSize: 20 });
  const providersConfig = parseProvidersFromEnv(config.rawEnv);
  const providers = createProviderRegistry({
    ...providersConfig,
    local: config.LOCAL_MODELS
      ? {
          cacheDir: config.MODEL_CACHE_DIR,
          ...(config.LOCAL_TRAINING_FILES ? { trainingFiles: config.LOCAL_TRAINING_FILES } : {}),
        }
      : false,
  });
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        commandTimeout: 500,
        lazyConnect: false,
      })
    : null;
  redis?.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  if (redis && !(await connected(redis, 5_000)))
    logger.error('Redis did not answer within 5 s: starting with per-replica limits');
  let modelsLoaded = false;
  const modelsReady = providers.ready().then(() => {
    modelsLoaded = true;
  });
  modelsReady.catch((error: unknown) => logger.error({ err: error }, 'offline models failed to load'));

  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: requestId,
    requestIdHeader: false,
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot({ config, logger, db, providers, redis, ready: () => modelsLoaded }),
    adapter,
    { logger: false, bufferLogs: false, abortOnError: false },
  );
  bootstrap(app);
  await app.get(CatalogService).start();
  return { app, db, providers, modelsReady, redis };
}

/**
 * All app wiring in one place; main.ts and the end-to-end tests both call it, so tests run the real app:
 * error shape, request ids, the overhead header, metrics, shutdown hooks.
 */
export function bootstrap(app: INestApplication): void {
  const logger = app.get<Logger>(LOGGER);
  const metrics = app.get(MetricsService);
  app.useGlobalFilters(new OpenAIExceptionFilter(logger));
  app.enableShutdownHooks();
  app.enableCors({ origin: true, exposedHeaders: ['x-request-id', 'x-synthwell-overhead-ms', 'retry-after'] });

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    request.startedAt = process.hrtime.bigint();
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    const elapsed = request.startedAt ? Number(process.hrtime.bigint() - request.startedAt) / 1e6 : 0;
    const overhead = Math.max(0, elapsed - (request.upstreamMs ?? 0));
    reply.header('x-synthwell-overhead-ms', overhead.toFixed(3));
    const route = request.routeOptions?.url ?? 'unknown';
    metrics.overhead.observe({ route }, overhead / 1000);
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    done(null, payload);
  });
}
