import { createApiKey } from '@synthwell/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';

/**
 * The security suite every /v1 route runs: no key, malformed, unknown, revoked, expired, and session
 * tokens valid, expired and forged. Each case asserts the status and the OpenAI error shape.
 */
const ROUTES: Array<{ method: 'GET' | 'POST'; path: string; body?: unknown }> = [
  { method: 'GET', path: '/v1/models' },
  { method: 'GET', path: '/v1/models/sw-ngram-mini' },
  { method: 'GET', path: '/v1/models?include=locked' },
  { method: 'GET', path: '/v1/images' },
  { method: 'GET', path: '/v1/usage' },
  {
    method: 'POST',
    path: '/v1/chat/completions',
    body: { model: 'sw-ngram-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
  },
  { method: 'POST', path: '/v1/images/generations', body: { prompt: 'a red fox', size: '256x256' } },
];

describe('authentication on every /v1 route', () => {
  let t: TestGateway;
  let keys: { valid: string; revoked: string; expired: string; userId: string };

  beforeAll(async () => {
    t = await startTestGateway();
    const account = await t.account('free');
    const revoked = await createApiKey(t.db, account.user.id, { revokedAt: new Date() });
    const expired = await createApiKey(t.db, account.user.id, { expiresAt: new Date(Date.now() - 1000) });
    keys = { valid: account.key, revoked: revoked.key, expired: expired.key, userId: account.user.id };
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (route: (typeof ROUTES)[number], headers: Record<string, string>) =>
    fetch(`${t.url}${route.path}`, {
      method: route.method,
      headers,
      body: route.body ? JSON.stringify(route.body) : undefined,
    });

  for (const route of ROUTES) {
    describe(`${route.method} ${route.path}`, () => {
      const cases: Array<[string, () => Record<string, string>, string]> = [
        ['no Authorization header', () => ({ 'content-type': 'application/json' }), 'missing_api_key'],
        [
          'a malformed header',
          () => ({ authorization: 'Token abc', 'content-type': 'application/json' }),
          'invalid_api_key',
        ],
        ['a malformed key', () => bearer('sk-sw-short'), 'invalid_api_key'],
        ['an unknown key', () => bearer(`sk-sw-${'A'.repeat(43)}`), 'invalid_api_key'],
        ['a revoked key', () => bearer(keys.revoked), 'revoked_api_key'],
        ['an expired key', () => bearer(keys.expired), 'expired_api_key'],
        [
          'an expired session token',
          () => bearer(t.sessionToken(keys.userId, { now: Date.now() - 3_600_000 })),
          'invalid_session_token',
        ],
        [
          'a forged session token',
          () => bearer(`${t.sessionToken(keys.userId).slice(0, -4)}AAAA`),
          'invalid_session_token',
        ],
      ];
      for (const [name, headers, code] of cases) {
        it(`answers 401 ${code} for ${name}`, async () => {
          const response = await call(route, headers());
          expect(response.status).toBe(401);
          expect(response.headers.get('x-request-id')).toMatch(/^req_/);
          const body = await response.json();
          expect(body).toEqual({
            error: { message: expect.any(String), type: 'authentication_error', param: null, code },
          });
        });
      }
      it('serves a valid key and a valid session token', async () => {
        for (const headers of [bearer(keys.valid), bearer(t.sessionToken(keys.userId))]) {
          const response = await call(route, headers);
          expect(response.status).toBe(200);
        }
      });
    });
  }

  it("stops accepting a revoked key, and a disabled or deleted account's session token, within the cache TTL", async () => {
    const fresh = await startTestGateway({ AUTH_CACHE_TTL_MS: '0' });
    try {
      const models = async (token: string) => fetch(`${fresh.url}/v1/models`, { headers: bearer(token) });
      const account = await fresh.account('free');
      expect((await models(account.key)).status).toBe(200);
      await fresh.db.apiKey.update({ where: { id: account.apiKey.id }, data: { revokedAt: new Date() } });
      const response = await models(account.key);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('revoked_api_key');

      const disabled = await fresh.account('free');
      const deleted = await fresh.account('free');
      const tokens = [fresh.sessionToken(disabled.user.id), fresh.sessionToken(deleted.user.id)];
      for (const token of tokens) expect((await models(token)).status).toBe(200);
      await fresh.db.user.update({ where: { id: disabled.user.id }, data: { disabledAt: new Date() } });
      await fresh.db.user.delete({ where: { id: deleted.user.id } });
      for (const token of tokens) {
        const refused = await models(token);
        expect(refused.status).toBe(401);
        expect((await refused.json()).error.code).toBe('invalid_session_token');
      }
    } finally {
      await fresh.close();
    }
  });
});
