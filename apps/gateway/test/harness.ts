import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '@synthwell/db';
import { createAccount, createTestDatabase, type TestAccount, type TestDatabase } from '@synthwell/db/testing';
import { issueSessionToken } from '@synthwell/server';
import { expect } from 'vitest';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { type GatewayConfig, loadGatewayConfig } from '../src/config/env.js';
import { UsageLedger } from '../src/metering/usage-ledger.js';

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';

/** A shared model cache so the offline models train once per machine, not once per test file. */
const MODEL_CACHE_DIR = join(tmpdir(), 'synthwell-test-models');
/** A small slice of the corpus keeps training fast; the models are still real n-gram models. */
export const TEST_TRAINING_FILES = '40';

/** A gateway as main.ts starts it, listening on a free loopback port, with its own temporary storage. */
export interface ListeningGateway {
  gateway: Gateway;
  config: GatewayConfig;
  /** http://127.0.0.1:<port> of the listening gateway. */
  url: string;
  /** Closes the gateway and removes its storage; the database is the caller's. */
  close(): Promise<void>;
}

export interface TestGateway extends ListeningGateway {
  database: TestDatabase;
  db: Db;
  account(plan?: 'free' | 'premium'): Promise<TestAccount>;
  sessionToken(userId: string, options?: { ttlSeconds?: number; now?: number }): string;
  /** Writes buffered usage records now. */
  flushUsage(): Promise<void>;
  /** Closes the gateway and drops its database. */
  close(): Promise<void>;
}

/**
 * The real gateway (createGateway + bootstrap, as main.ts runs it) on the database at `databaseUrl`,
 * listening on a free port so real HTTP clients — fetch, the openai SDK — can talk to it. Several may
 * share one database, as replicas do.
 */
export async function listenGateway(
  databaseUrl: string,
  overrides: Record<string, string> = {},
): Promise<ListeningGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'synthwell-images-'));
  const config = loadGatewayConfig({
    DATABASE_URL: databaseUrl,
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
    SESSION_TOKEN_SECRETS: SESSION_SECRET,
    IMAGE_URL_SECRET: 'test-image-secret-0123456789abcdefgh',
    IMAGE_STORAGE_DIR: dir,
    USAGE_JOURNAL_DIR: join(dir, 'journal'),
    PROVENANCE_KEY_DIR: join(dir, 'keys'),
    MODEL_CACHE_DIR,
    LOCAL_TRAINING_FILES: TEST_TRAINING_FILES,
    ...overrides,
  });
  const gateway = await createGateway(config);
  await gateway.modelsReady;
  await gateway.app.listen(0, '127.0.0.1');
  const address = gateway.app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  (config as { publicUrl: string }).publicUrl = url;
  return {
    gateway,
    config,
    url,
    async close() {
      await gateway.app.close();
      await gateway.db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A listening gateway (see listenGateway) on a fresh database of its own. */
export async function startTestGateway(overrides: Record<string, string> = {}): Promise<TestGateway> {
  const database = await createTestDatabase();
  const started = await listenGateway(database.url, overrides);
  const ledger = started.gateway.app.get(UsageLedger);
  return {
    ...started,
    database,
    db: database.db,
    account: (plan = 'free') => createAccount(database.db, { plan }),
    sessionToken: (userId, options) =>
      issueSessionToken({ sub: userId, role: 'user' }, [SESSION_SECRET], options).token,
    flushUsage: () => ledger.flush(),
    async close() {
      await started.close();
      await database.close();
    },
  };
}

/** Shared limits, idempotency and the BullMQ queue (a queue of its own, named `<prefix>-…`) when the run has Redis. */
export function withRedisIfSet(queuePrefix: string): Record<string, string> {
  const url = process.env.REDIS_URL;
  return url ? { REDIS_URL: url, SYNTHETIC_QUEUE: `${queuePrefix}-${randomUUID()}` } : {};
}

/** Asserts OpenAI's error shape exactly: these four fields, strings, `param` and `code` possibly null. */
export function expectErrorBody(body: unknown): void {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  expect(body).toEqual({
    error: {
      message: expect.any(String),
      type: expect.any(String),
      param: error?.param === null ? null : expect.any(String),
      code: error?.code === null ? null : expect.any(String),
    },
  });
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

/** Reads a whole SSE response into its `data:` payloads (and named events), as a client would. */
export async function readSse(
  response: Response,
): Promise<{ events: Array<{ event?: string; data: string }>; comments: number }> {
  const text = await response.text();
  const events: Array<{ event?: string; data: string }> = [];
  let comments = 0;
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments++;
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) events.push({ ...(event ? { event } : {}), data: data.join('\n') });
  }
  return { events, comments };
}

/** The text of a streamed chat completion: every chunk's delta content, before the closing `[DONE]`. */
export function streamedText(events: Array<{ data: string }>): string {
  return events
    .slice(0, -1)
    .map((event) => JSON.parse(event.data).choices[0]?.delta?.content ?? '')
    .join('');
}

/** Resolves once `check` holds, or fails after `timeoutMs`: a deadline, not a sleep. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
