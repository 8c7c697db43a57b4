import { spawnSync } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '@synthwell/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Billing, createBilling } from '../src/bootstrap.js';
import { loadBillingConfig } from '../src/config/env.js';

describe('billing health', () => {
  let database: TestDatabase;
  let billing: Billing;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadBillingConfig({
      DATABASE_URL: database.url,
      SESSION_TOKEN_SECRETS: 's'.repeat(32),
      LOG_LEVEL: 'silent',
      STRIPE_STANDIN_PORT: '0',
    });
    billing = await createBilling(config);
    await billing.app.init();
    await billing.app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await billing?.app.close();
    await database?.close();
  });

  it('answers /healthz and, with the database reachable, /readyz', async () => {
    const fastify = billing.app.getHttpAdapter().getInstance();
    expect((await fastify.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await fastify.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: true } });
  });

  it('reports 503 on /readyz when the database is unreachable', async () => {
    const config = loadBillingConfig({
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      SESSION_TOKEN_SECRETS: 's'.repeat(32),
      LOG_LEVEL: 'silent',
      STRIPE_STANDIN_PORT: '0',
    });
    const broken = await createBilling(config);
    try {
      await broken.app.init();
      const response = await broken.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', checks: { database: false } });
    } finally {
      await broken.app.close();
    }
  });
});

describe('billing configuration', () => {
  it('stops with a message naming each missing or malformed variable', () => {
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, BILLING_PORT: 'http', STRIPE_SECRET_KEY: 'pk_live_nope' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('DATABASE_URL is required but not set');
    expect(run.stderr).toContain('SESSION_TOKEN_SECRETS is required but not set');
    expect(run.stderr).toContain('BILLING_PORT must be a port number (got "http")');
    expect(run.stderr).toContain('STRIPE_SECRET_KEY must start with sk_ (got "<redacted>")');
  });
});
