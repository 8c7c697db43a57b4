import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '@synthwell/db';
import { createAccount, createTestDatabase, type TestAccount, type TestDatabase } from '@synthwell/db/testing';
import { issueSessionToken } from '@synthwell/server';
import { createGateway, type Gateway } from '../src/bootstrap.js';
import { type GatewayConfig, loadGatewayConfig } from '../src/config/env.js';
import { UsageLedger } from '../src/metering/usage-ledger.js';

export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';

/** A shared model cache so the offline models train once per machine, not once per test file. */
const MODEL_CACHE_DIR = join(tmpdir(), 'synthwell-test-models');
/** A small slice of the corpus keeps training fast; the models are still real n-gram models. */
export const TEST_TRAINING_FILES = '40';

export interface TestGateway {
  gateway: Gateway;
  config: GatewayConfig;
  database: TestDatabase;
  db: Db;
  /** http://127.0.0.1:<port> of the listening gateway. */
  url: string;
  account(plan?: 'free' | 'premium'): Promise<TestAccount>;
  sessionToken(userId: string, options?: { ttlSeconds?: number; now?: number }): string;
  /** Writes buffered usage records now. */
  flushUsage(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real gateway (createGateway + bootstrap, as main.ts runs it) on a fresh database, listening on a
 * free port so real HTTP clients — fetch, the openai SDK — can talk to it.
 */
export async function startTestGateway(overrides: Record<string, string> = {}): Promise<TestGateway> {
  const database = await createTestDatabase();
  const imageDir = await mkdtemp(join(tmpdir(), 'synthwell-images-'));
  const config = loadGatewayConfig({
    DATABASE_URL: database.url,
    GATEWAY_PORT: '0',
    LOG_LEVEL: 'silent',
    SESSION_TOKEN_SECRETS: SESSION_SECRET,
    IMAGE_URL_SECRET: 'test-image-secret-0123456789abcdefgh',
    IMAGE_STORAGE_DIR: imageDir,
    USAGE_JOURNAL_DIR: join(imageDir, 'journal'),
    PROVENANCE_KEY_DIR: join(imageDir, 'keys'),
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
  const ledger = gateway.app.get(UsageLedger);
  return {
    gateway,
    config,
    database,
    db: database.db,
    url,
    account: (plan = 'free') => createAccount(database.db, { plan }),
    sessionToken: (userId, options) =>
      issueSessionToken({ sub: userId, role: 'user' }, [SESSION_SECRET], options).token,
    flushUsage: () => ledger.flush(),
    async close() {
      await gateway.app.close();
      await gateway.db.$disconnect();
      await database.close();
      await rm(imageDir, { recursive: true, force: true });
    },
  };
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
