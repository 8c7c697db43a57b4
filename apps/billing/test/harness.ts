import type { Db } from '@synthwell/db';
import { createTestDatabase, createUser, type TestDatabase } from '@synthwell/db/testing';
import { type Billing, createBilling } from '../src/bootstrap.js';
import { type BillingConfig, loadBillingConfig } from '../src/config/env.js';
import type { StripeStandin } from '../src/stripe/standin/server.js';

export const SESSION_SECRET = 'billing-test-session-secret-0123456789';
export const WEB_URL = 'http://web.test';

export interface TestBilling {
  billing: Billing;
  config: BillingConfig;
  database: TestDatabase;
  db: Db;
  standin: StripeStandin;
  /** http://127.0.0.1:<port> of the listening billing service. */
  url: string;
  /** A browser-like client with its own cookie jar. */
  client(): TestClient;
  /** A signed-up user with a signed-in client. */
  user(options?: { email?: string }): Promise<SignedInClient>;
  /** An admin (created in the database, as the seed does) with a signed-in client. */
  admin(): Promise<SignedInClient>;
  close(): Promise<void>;
}

export interface SignedInClient {
  client: TestClient;
  userId: string;
  email: string;
  password: string;
}

/**
 * The real billing service (createBilling + bootstrap, as main.ts runs it) on a fresh database with
 * the in-process Stripe stand-in, listening on a free port so webhooks arrive over real HTTP.
 */
export async function startTestBilling(overrides: Record<string, string> = {}): Promise<TestBilling> {
  const database = await createTestDatabase();
  const config = loadBillingConfig({
    DATABASE_URL: database.url,
    BILLING_PORT: '0',
    STRIPE_STANDIN_PORT: '0',
    // BILLING_TEST_LOG_LEVEL=debug shows the service's logs while debugging a test.
    LOG_LEVEL: process.env.BILLING_TEST_LOG_LEVEL ?? 'silent',
    SESSION_TOKEN_SECRETS: SESSION_SECRET,
    WEB_URL,
    OVERAGE_REPORT_INTERVAL_MS: '0',
    ...overrides,
  });
  const billing = await createBilling(config);
  await billing.app.listen(0, '127.0.0.1');
  const address = billing.app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const standin = billing.standin;
  if (!standin) throw new Error('tests expect the Stripe stand-in');
  standin.webhookUrl = `${url}/stripe/webhook`;

  let counter = 0;
  const signUp = async (email: string): Promise<SignedInClient> => {
    const client = new TestClient(url);
    const password = `correct horse ${counter++} battery`;
    const session = await client.mutation<{ user: { id: string } }>('auth.signUp', { email, password });
    return { client, userId: session.user.id, email, password };
  };
  return {
    billing,
    config,
    database,
    db: database.db,
    standin,
    url,
    client: () => new TestClient(url),
    user: (options = {}) => signUp(options.email ?? `user-${Date.now()}-${counter++}@test.synthwell.local`),
    async admin() {
      const password = `admin password ${counter++}`;
      const { user } = await createUser(database.db, { role: 'admin', password });
      const client = new TestClient(url);
      await client.mutation('auth.signIn', { email: user.email, password });
      return { client, userId: user.id, email: user.email, password };
    },
    async close() {
      await billing.app.close();
      await billing.db.$disconnect();
      await database.close();
    },
  };
}

export interface TrpcFailure {
  status: number;
  code: string;
  message: string;
  data: Record<string, unknown>;
}

/** A failed call: the HTTP status and tRPC's error code and message. */
export class TrpcCallError extends Error {
  constructor(readonly failure: TrpcFailure) {
    super(`${failure.status} ${failure.code}: ${failure.message}`);
  }
}

/**
 * Talks to billing the way the web app's tRPC client does (GET for queries, POST for mutations, no
 * batching), keeping cookies like a browser and sending the CSRF token it was given unless told not to.
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(readonly baseUrl: string) {}

  async query<T = unknown>(path: string, input?: unknown): Promise<T> {
    const search = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.trpc<T>(await this.fetch(`/trpc/${path}${search}`, { method: 'GET' }));
  }

  async mutation<T = unknown>(path: string, input?: unknown, options: { csrf?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.csrf !== false && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await this.fetch(`/trpc/${path}`, {
      method: 'POST',
      headers,
      body: input === undefined ? undefined : JSON.stringify(input),
    });
    return this.trpc<T>(response);
  }

  /** Resolves with the failure a call is expected to end in. */
  async failure(call: Promise<unknown>): Promise<TrpcFailure> {
    try {
      await call;
    } catch (error) {
      if (error instanceof TrpcCallError) return error.failure;
      throw error;
    }
    throw new Error('expected the call to fail');
  }

  async graphql(
    query: string,
    variables: Record<string, unknown> = {},
    options: { csrf?: boolean } = {},
  ): Promise<{
    status: number;
    body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
  }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.csrf !== false && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    const response = await this.fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as never };
  }

  /** fetch with this client's cookies; follows no redirects. Absolute URLs go elsewhere (the stand-in). */
  async fetch(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && url.startsWith(this.baseUrl)) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (url.startsWith(this.baseUrl)) this.storeCookies(response);
    return response;
  }

  private storeCookies(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expires = attributes.find((attribute) => attribute.trim().toLowerCase().startsWith('expires='));
      const expired = expires && new Date(expires.split('=')[1] ?? '').getTime() <= Date.now();
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async trpc<T>(response: Response): Promise<T> {
    const body = (await response.json()) as {
      result?: { data: T };
      error?: { message: string; data: { code: string } & Record<string, unknown> };
    };
    if (body.error) {
      throw new TrpcCallError({
        status: response.status,
        code: body.error.data.code,
        message: body.error.message,
        data: body.error.data,
      });
    }
    const data = (body.result as { data: T }).data;
    const token = (data as { csrfToken?: unknown } | null)?.csrfToken;
    if (typeof token === 'string') this.csrfToken = token;
    return data;
  }
}
