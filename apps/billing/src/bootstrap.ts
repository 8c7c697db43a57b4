import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDb, type Db } from '@synthwell/db';
import { createLogger, type Logger } from '@synthwell/server';
import { BillingModule } from './app.module.js';
import type { BillingConfig } from './config/env.js';

export interface Billing {
  app: NestFastifyApplication;
  db: Db;
}

export async function createBilling(config: BillingConfig, options: { logger?: Logger } = {}): Promise<Billing> {
  const logger = options.logger ?? createLogger({ name: 'billing', level: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL, { poolSize: 10 });
  const adapter = new FastifyAdapter({ bodyLimit: 1024 * 1024, return503OnClosing: true });
  const app = await NestFactory.create<NestFastifyApplication>(BillingModule.forRoot({ config, logger, db }), adapter, {
    logger: false,
    rawBody: true,
  });
  bootstrap(app, config);
  return { app, db };
}

/** All app wiring in one place; main.ts and the tests both call it. */
export function bootstrap(app: INestApplication, config: BillingConfig): void {
  app.enableShutdownHooks();
  app.enableCors({ origin: [config.WEB_URL], credentials: true });
}
