import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDb, type Db } from '@synthwell/db';
import { createLogger, type Logger } from '@synthwell/server';
import { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { BillingModule } from './app.module.js';
import type { BillingConfig } from './config/env.js';
import { StripeStandin } from './stripe/standin/server.js';
import { createStripeClient } from './stripe/stripe.client.js';
import { mountTrpc } from './trpc/mount.js';

export interface Billing {
  app: NestFastifyApplication;
  db: Db;
  stripe: Stripe;
  /** The in-process Stripe stand-in; null with a real STRIPE_SECRET_KEY. */
  standin: StripeStandin | null;
}

/**
 * Builds billing: database, Redis (optional), the Stripe client — and, without a real key, the Stripe
 * stand-in it talks to — and the Nest app on Fastify, wired by `bootstrap`.
 */
export async function createBilling(config: BillingConfig, options: { logger?: Logger } = {}): Promise<Billing> {
  const logger = options.logger ?? createLogger({ name: 'billing', level: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL, { poolSize: 10 });
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1_000, lazyConnect: true })
    : null;
  redis?.on('error', (error: Error) => logger.debug({ err: error }, 'redis connection error'));
  redis
    ?.connect()
    .catch(() => logger.warn('Redis is unreachable: gateways will see changes within their 5 s cache TTL'));

  let standin: StripeStandin | null = null;
  if (config.stripeMode === 'standin') {
    standin = await StripeStandin.start({
      port: config.STRIPE_STANDIN_PORT,
      webhookUrl: `${config.publicUrl}/stripe/webhook`,
      webhookSecret: config.webhookSecret,
      onWebhookFailure: (eventId, type, error) =>
        logger.warn({ eventId, type, error }, 'stand-in gave up delivering a webhook'),
    });
    logger.info({ url: standin.url }, 'no STRIPE_SECRET_KEY: using the local Stripe stand-in');
  }
  const stripe = createStripeClient(config, standin?.port);

  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024, return503OnClosing: true });
  const app = await NestFactory.create<NestFastifyApplication>(
    BillingModule.forRoot({ config, logger, db, redis, stripe, standin }),
    adapter,
    { logger: false, rawBody: true },
  );
  bootstrap(app, config);
  return { app, db, stripe, standin };
}

/** All app wiring in one place; main.ts and the tests both call it: CORS, shutdown hooks, tRPC at /trpc. */
export function bootstrap(app: INestApplication, config: BillingConfig): void {
  app.enableShutdownHooks();
  app.enableCors({
    origin: [config.WEB_URL],
    credentials: true,
    allowedHeaders: ['content-type', 'x-csrf-token', 'trpc-accept'],
  });
  mountTrpc(app, config);
}
