import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { maxHeaderSize } from 'node:http';
import fastifyCors from '@fastify/cors';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDb, type Db } from '@synthwell/db';
import { createProviderRegistry, type ProviderRegistry, parseProvidersFromEnv } from '@synthwell/providers';
import { createLogger, type Logger } from '@synthwell/server';
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import { Redis } from 'ioredis';
import { GatewayModule } from './app.module.js';
import { CatalogService } from './catalog/catalog.service.js';
import { CHAT_COMPLETIONS_PATH, ChatRoute } from './chat/chat.route.js';
import type { GatewayConfig } from './config/env.js';
import { InFlight } from './core/in-flight.js';
import { overheadMs } from './core/overhead.js';
import { GATEWAY_CONFIG, LOGGER } from './core/tokens.js';
import { clientErrorHandler, frameworkErrors, requestDeadlines } from './errors/client-errors.js';
import { OpenAIExceptionFilter } from './errors/openai-exception.filter.js';
import { FrontDoor } from './front-door/front-door.js';
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
export function requestId(): string {
  requestCounter += 1;
  return `${REQUEST_ID_PREFIX}${requestCounter.toString(36).padStart(6, '0')}`;
}

/**
 * The methods the API serves. DELETE for the web app's gallery (DELETE /v1/images/{id}), PUT for the
 * admin console's safety policies (PUT /v1/safety/policies/{plan}); @fastify/cors allows only GET,
 * HEAD, POST by default.
 */
const API_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];
const ALLOW = [...API_METHODS, 'OPTIONS'].join(', ');

/** Response headers a browser script may read. */
const EXPOSED_HEADERS = ['x-request-id', 'x-synthwell-overhead-ms', 'retry-after'];

/**
 * @fastify/cors answers every OPTIONS in the onRequest hook FastifyAdapter runs before any hook of
 * the gateway's, so its answers get the request id here, in a hook of the OPTIONS route only. `Allow`
 * tells a client that is not a browser (it sent no preflight headers) what the API serves.
 */
const optionsHeaders: onSendHookHandler = (request, reply, payload, done) => {
  reply.header('x-request-id', request.id);
  reply.header('allow', ALLOW);
  done(null, payload);
};

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
        // Commands issued in one turn of the event loop (the limit checks of concurrent requests) go to
        // Redis in one write and come back in one read.
        enableAutoPipelining: true,
        // A backstop only: the limiter applies its own, load-tolerant 500 ms deadline (redis-limiter.ts).
        commandTimeout: 2_000,
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
    frameworkErrors,
    clientErrorHandler,
    ...requestDeadlines(config),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.forRoot({ config, logger, db, providers, redis, ready: () => modelsLoaded }),
    adapter,
    // bodyParser off: Fastify's own JSON parser (built once) rather than Nest's, which builds a new
    // parser for every request. Same limits (bodyLimit above), same errors (toGatewayError).
    { logger: false, bufferLogs: false, abortOnError: false, bodyParser: false },
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

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  // Added before enableCors: @fastify/cors adds its `OPTIONS *` route when the app starts. A hook of
  // that route alone, so requests of any other method pay nothing for it.
  fastify.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS') route.onSend = [route.onSend ?? []].flat().concat(optionsHeaders);
  });
  // Registered on Fastify directly: through app.enableCors, Nest copies the CORS headers onto the raw
  // response as well on every request, for middleware the gateway does not use.
  void fastify.register(fastifyCors, {
    origin: true,
    methods: API_METHODS,
    exposedHeaders: EXPOSED_HEADERS,
    // An OPTIONS without Origin or Access-Control-Request-Method is not a preflight that failed but a
    // plain OPTIONS (RFC 9110, 9.3.7): 204 with `Allow` rather than a text/plain 400.
    strictPreflight: false,
  });
  const chat = app.get(ChatRoute);
  chat.register(fastify);
  installFrontDoor(fastify, chat, metrics, app.get<GatewayConfig>(GATEWAY_CONFIG), app.get(InFlight));
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    request.startedAt = process.hrtime.bigint();
    reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    const overhead = overheadMs(request);
    reply.header('x-synthwell-overhead-ms', overhead.toFixed(3));
    const route = request.routeOptions?.url ?? 'unknown';
    metrics.overhead.labels(route).observe(overhead / 1000);
    metrics.requests.labels(route, String(reply.statusCode)).inc();
    done(null, payload);
  });
}

/**
 * The front door (front-door/) answers plain chat completions on the socket and hands every other
 * connection to Fastify; it stops taking requests when the app starts closing.
 */
function installFrontDoor(
  fastify: FastifyInstance,
  chat: ChatRoute,
  metrics: MetricsService,
  config: GatewayConfig,
  inFlight: InFlight,
): void {
  const overhead = metrics.overhead.labels(CHAT_COMPLETIONS_PATH);
  const deadlines = requestDeadlines(config);
  const door = FrontDoor.install(fastify.server, {
    serve: (exchange, authorization, body) => chat.serve(exchange, authorization, body),
    failure: (exception, id) => chat.failure(exception, id),
    requestId,
    observe: (status, seconds) => {
      overhead.observe(seconds);
      metrics.requests.labels(CHAT_COMPLETIONS_PATH, String(status)).inc();
    },
    connection: (servedBy) => metrics.connections.labels(servedBy).inc(),
    // The same limits and deadlines Node's parser applies to the connections it serves.
    maxHeadBytes: maxHeaderSize,
    maxBodyBytes: config.BODY_LIMIT_BYTES,
    headersTimeoutMs: deadlines.http.headersTimeout as number,
    requestTimeoutMs: deadlines.requestTimeout,
    keepAliveTimeoutMs: fastify.server.keepAliveTimeout,
    exposedHeaders: EXPOSED_HEADERS.join(', '),
  });
  // The drain at shutdown (core/in-flight.ts) stops the front door taking requests before it waits.
  inFlight.onStop(() => door.close());
}
