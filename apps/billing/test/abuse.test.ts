import { createHash } from 'node:crypto';
import { newId } from '@synthwell/db';
import { createApiKey } from '@synthwell/db/testing';
import { issueSessionToken } from '@synthwell/server';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_SECRET, type SignedInClient, startTestBilling, type TestBilling, type TestClient } from './harness.js';

/**
 * Hostile clients against the real billing service, beyond what security.test.ts covers (every
 * procedure and admin field refused to those who should not call it): forged and stale session
 * cookies, credentials billing does not take, other accounts' ids, malformed and oversized bodies on
 * tRPC, GraphQL and the Stripe webhook.
 */
describe('billing abuse', () => {
  let t: TestBilling;
  let owner: SignedInClient;
  let admin: SignedInClient;

  beforeAll(async () => {
    t = await startTestBilling();
    [owner, admin] = await Promise.all([t.user(), t.user()]);
    await t.db.user.update({ where: { id: admin.userId }, data: { role: 'admin' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A client carrying exactly this session cookie (and the owner's CSRF token, as a thief would). */
  function withCookie(value: string): TestClient {
    const client = t.client();
    client.cookies.set('sw_session', value);
    client.csrfToken = owner.client.csrfToken;
    return client;
  }

  /** Whether a client is signed out everywhere: no session, 401 on tRPC and on the admin API. */
  async function signedOut(client: TestClient) {
    return {
      session: await client.query('auth.session'),
      keys: (await client.failure(client.query('keys.list'))).status,
      mutation: (await client.failure(client.mutation('keys.create', { name: 'planted' }))).status,
      graphql: (await client.graphql('query { plans { id } }')).status,
    };
  }
  const SIGNED_OUT = { session: null, keys: 401, mutation: 401, graphql: 401 };

  describe('session cookies', () => {
    it('signs out every altered, truncated, extended or borrowed cookie value', async () => {
      const cookie = owner.client.cookies.get('sw_session') ?? '';
      const session = await t.db.session.findFirstOrThrow({ where: { userId: owner.userId } });
      const flip = (at: number) => `${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`;
      const gatewayToken = issueSessionToken({ sub: owner.userId, role: 'admin' }, [SESSION_SECRET]).token;
      const forged: Record<string, string> = {
        'first character changed': flip(0),
        'middle character changed': flip(Math.floor(cookie.length / 2)),
        'last character changed': flip(cookie.length - 1),
        'truncated by one character': cookie.slice(0, -1),
        'truncated to half': cookie.slice(0, cookie.length / 2),
        'extended by one character': `${cookie}A`,
        'upper-cased': cookie.toUpperCase(),
        'sent twice': `${cookie}${cookie}`,
        'padded past 100 characters': cookie.padEnd(101, 'A'),
        'bad percent-encoding': '%E0%A4%A',
        'the SHA-256 stored in the database': createHash('sha256').update(cookie).digest('hex'),
        'the session id': session.id,
        'the user id': owner.userId,
        // A genuine gateway token (even claiming admin) is not a billing session.
        'a signed gateway session token': gatewayToken,
      };
      const sessionsBefore = await t.db.session.count();
      for (const [how, value] of Object.entries(forged)) {
        expect({ how, ...(await signedOut(withCookie(value))) }).toEqual({ how, ...SIGNED_OUT });
      }
      // Of two session cookies the first counts: a forged one planted first signs the browser out.
      const sessionWith = async (header: string) => {
        const response = await fetch(`${t.url}/trpc/auth.session`, { headers: { cookie: header } });
        return ((await response.json()) as { result: { data: { user: { id: string } } | null } }).result.data;
      };
      expect(await sessionWith(`sw_session=${flip(0)}; sw_session=${cookie}`)).toBeNull();
      expect(await sessionWith(`sw_session=${cookie}; sw_session=${flip(0)}`)).toMatchObject({
        user: { id: owner.userId },
      });

      expect(await t.db.session.count()).toBe(sessionsBefore);
      expect(await t.db.apiKey.count({ where: { userId: owner.userId } })).toBe(0);
      expect(await owner.client.query('auth.session')).toMatchObject({ user: { id: owner.userId } });
    });

    it('signs out a cookie whose session expired, was revoked, or whose account was disabled', async () => {
      const expired = await t.user();
      const revoked = await t.user();
      const disabled = await t.user();
      await t.db.session.updateMany({
        where: { userId: expired.userId },
        data: { expiresAt: new Date(Date.now() - 1) },
      });
      await t.db.session.updateMany({ where: { userId: revoked.userId }, data: { revokedAt: new Date() } });
      await t.db.user.update({ where: { id: disabled.userId }, data: { disabledAt: new Date() } });
      for (const [how, { client }] of Object.entries({ expired, revoked, disabled })) {
        expect({ how, ...(await signedOut(client)) }).toEqual({ how, ...SIGNED_OUT });
      }
      expect(await t.db.apiKey.count({ where: { name: 'planted' } })).toBe(0);
    });

    it('takes no other credential: API keys and gateway tokens in any header are ignored', async () => {
      const { key } = await createApiKey(t.db, admin.userId);
      const adminToken = issueSessionToken({ sub: admin.userId, role: 'admin' }, [SESSION_SECRET]).token;
      const credentials: Array<Record<string, string>> = [
        { authorization: `Bearer ${key}` },
        { authorization: `Bearer ${adminToken}` },
        { 'x-api-key': key },
        { authorization: `Basic ${Buffer.from(`${admin.email}:${admin.password}`).toString('base64')}` },
      ];
      for (const headers of credentials) {
        const keys = await fetch(`${t.url}/trpc/keys.list`, { headers });
        const graphql = await fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ users { id email } }' }),
        });
        expect({ header: Object.keys(headers)[0], keys: keys.status, graphql: graphql.status }).toEqual({
          header: Object.keys(headers)[0],
          keys: 401,
          graphql: 401,
        });
      }
    });
  });

  it("answers another account's ids exactly as ids that do not exist, and leaves its data as it was", async () => {
    const victim = await t.user();
    const conversation = await victim.client.mutation<{ id: string }>('conversations.create', {
      title: 'Mine',
      model: 'sw-ngram-mini',
      messages: [{ role: 'user', content: 'private' }],
    });
    const { apiKey } = await createApiKey(t.db, victim.userId, { name: 'victim key' });
    const snapshot = async () => ({
      conversation: await t.db.conversation.findUnique({ where: { id: conversation.id }, include: { messages: true } }),
      keys: await t.db.apiKey.findMany({ where: { userId: victim.userId }, orderBy: { id: 'asc' } }),
    });
    const before = await snapshot();

    const attempts: Array<[string, 'query' | 'mutation', (id: string) => unknown, string]> = [
      ['conversations.get', 'query', (id) => ({ id }), conversation.id],
      ['conversations.rename', 'mutation', (id) => ({ id, title: 'Taken' }), conversation.id],
      [
        'conversations.append',
        'mutation',
        (id) => ({ id, messages: [{ role: 'user', content: 'x' }] }),
        conversation.id,
      ],
      ['conversations.delete', 'mutation', (id) => ({ id }), conversation.id],
      ['keys.revoke', 'mutation', (id) => ({ id }), apiKey.id],
    ];
    for (const [path, type, input, theirs] of attempts) {
      const call = (id: string) =>
        owner.client.failure(
          type === 'query' ? owner.client.query(path, input(id)) : owner.client.mutation(path, input(id)),
        );
      const unknownId = `${theirs.split('_')[0]}_${newId('usr').split('_')[1]}`;
      const [onTheirs, onNothing] = [await call(theirs), await call(unknownId)];
      expect({ path, status: onTheirs.status, message: onTheirs.message }).toEqual({
        path,
        status: 404,
        message: onNothing.message,
      });
      expect(onNothing.status).toBe(404);
    }
    expect(await snapshot()).toEqual(before);
    expect(await victim.client.query('keys.list')).toEqual([
      expect.objectContaining({ id: apiKey.id, revokedAt: null }),
    ]);
  });

  describe('malformed requests to tRPC', () => {
    /** A raw request to a procedure, as the signed-in owner (cookie and CSRF token) unless anonymous. */
    async function send(path: string, body: string | undefined, contentType?: string, anonymous = false) {
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      if (!anonymous) {
        headers.cookie = `sw_session=${owner.client.cookies.get('sw_session')}`;
        headers['x-csrf-token'] = owner.client.csrfToken ?? '';
      }
      const response = await fetch(`${t.url}/trpc/${path}`, { method: 'POST', headers, body });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: (await response.json()) as { error: { message: string; code: number; data: Record<string, unknown> } },
      };
    }

    /**
     * tRPC's documented error: `{ error: { message, code, data: { code, httpStatus, path? } } }` as JSON,
     * with no stack (`path` is missing when the request was refused before its procedure was found).
     */
    function expectTrpcError(answer: Awaited<ReturnType<typeof send>>, status: number, code: string, path: string) {
      expect(answer.status).toBe(status);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(Object.keys(answer.body)).toEqual(['error']);
      expect(answer.body.error).toMatchObject({ message: expect.any(String), code: expect.any(Number) });
      const { path: named, ...data } = answer.body.error.data;
      expect(data).toMatchObject({ code, httpStatus: status });
      expect(data).not.toHaveProperty('stack');
      expect([undefined, path]).toContain(named);
    }

    const bodies: Array<[string, string | undefined, string | undefined, number, string]> = [
      ['JSON cut short', '{"name":', 'application/json', 400, 'BAD_REQUEST'],
      ['no body', undefined, 'application/json', 400, 'BAD_REQUEST'],
      ['a JSON array', '[{"name":"x"}]', 'application/json', 400, 'BAD_REQUEST'],
      ['JSON null', 'null', 'application/json', 400, 'BAD_REQUEST'],
      [
        '100,000 levels of nesting',
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
        'application/json',
        400,
        'BAD_REQUEST',
      ],
      [
        'two megabytes',
        JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
        'application/json',
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['text/plain', '{"name":"sneaky"}', 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['a form', 'name=sneaky', 'application/x-www-form-urlencoded', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['XML', '<name>sneaky</name>', 'application/xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['bytes', 'sneaky', 'application/octet-stream', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];

    it('answers each with a 4xx in tRPC’s error shape and writes nothing', async () => {
      const keysBefore = await t.db.apiKey.count();
      const usersBefore = await t.db.user.count();
      for (const [what, body, contentType, status, code] of bodies) {
        const key = await send('keys.create', body, contentType);
        expect({ what, status: key.status, code: key.body.error?.data?.code }).toEqual({ what, status, code });
        expectTrpcError(key, status, code, 'keys.create');
        const signUp = await send('auth.signUp', body, contentType, true);
        expectTrpcError(signUp, status, code, 'auth.signUp');
      }
      expect(await t.db.apiKey.count()).toBe(keysBefore);
      expect(await t.db.user.count()).toBe(usersBefore);
    });

    it('names the field on bad input without echoing a stack, and ignores smuggled fields', async () => {
      const tooLong = await send('keys.create', JSON.stringify({ name: 'x'.repeat(100_000) }), 'application/json');
      expectTrpcError(tooLong, 400, 'BAD_REQUEST', 'keys.create');
      expect(tooLong.body.error.message).toMatch(/^name: /);
      expect(tooLong.body.error.message.length).toBeLessThan(200);

      const email = `smuggler-${Date.now()}@test.synthwell.local`;
      const smuggled = await send(
        'auth.signUp',
        `{"email":"${email}","password":"a long enough password","role":"admin","__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}`,
        'application/json',
        true,
      );
      expect(smuggled.status).toBe(200);
      expect(await t.db.user.findUniqueOrThrow({ where: { email } })).toMatchObject({ role: 'user' });
    });
  });

  describe('malformed requests to the admin GraphQL API', () => {
    async function send(body: string | undefined, contentType: string | undefined, method = 'POST', query = '') {
      const headers: Record<string, string> = {
        cookie: `sw_session=${admin.client.cookies.get('sw_session')}`,
        'x-csrf-token': admin.client.csrfToken ?? '',
        ...(contentType ? { 'content-type': contentType } : {}),
      };
      const response = await fetch(`${t.url}/graphql${query}`, { method, headers, body });
      return {
        status: response.status,
        body: (await response.json()) as {
          data: unknown;
          errors: Array<{ message: string; extensions?: { code: string } }>;
        },
      };
    }

    it('answers each with its 4xx and a GraphQL error that says what is wrong, never a 500, and writes nothing', async () => {
      await admin.client.query('auth.session');
      const plansBefore = await t.db.plan.count();
      const auditBefore = await t.db.auditLog.count();
      const cases: Array<[string, Promise<Awaited<ReturnType<typeof send>>>, number, string]> = [
        ['JSON cut short', send('{"query":', 'application/json'), 400, 'BAD_REQUEST'],
        ['no query', send('{}', 'application/json'), 400, 'BAD_REQUEST'],
        [
          'two megabytes',
          send(JSON.stringify({ query: `{ plans { id } } # ${'x'.repeat(2 * 1024 * 1024)}` }), 'application/json'),
          413,
          'PAYLOAD_TOO_LARGE',
        ],
        ['XML', send('<query/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
        [
          'a mutation sent with GET',
          send(
            undefined,
            undefined,
            'GET',
            `?query=${encodeURIComponent('mutation { archivePlan(id: "pln_free") { id } }')}`,
          ),
          405,
          'METHOD_NOT_ALLOWED',
        ],
      ];
      for (const [what, answer, status, code] of cases) {
        const { status: got, body } = await answer;
        expect({ what, status: got, data: body.data, code: body.errors[0]?.extensions?.code }).toEqual({
          what,
          status,
          data: null,
          code,
        });
        expect(body.errors[0]?.message).toEqual(expect.stringMatching(/\S/));
      }
      // A document that does not parse still answers with the GraphQL error saying where.
      const syntax = await send(JSON.stringify({ query: '{ plans { ' }), 'application/json');
      expect(syntax.status).toBe(400);
      expect(syntax.body.errors[0]?.message).toMatch(/^Syntax Error/);
      expect(await t.db.plan.count()).toBe(plansBefore);
      expect(await t.db.auditLog.count()).toBe(auditBefore);
      expect(await t.db.plan.findUniqueOrThrow({ where: { id: 'pln_free' } })).toMatchObject({ archivedAt: null });
    });
  });

  describe('the Stripe webhook', () => {
    /** An allow-listed event that billing would record if it accepted it. */
    const event = JSON.stringify({
      id: 'evt_abuse_1',
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: 'sub_abuse_1', object: 'subscription' } },
    });
    const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
      Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: options.secret ?? t.config.webhookSecret,
        ...(options.timestamp ? { timestamp: options.timestamp } : {}),
      });

    async function deliver(body: string, signature: string | undefined, contentType = 'application/json') {
      const response = await fetch(`${t.url}/stripe/webhook`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(signature ? { 'stripe-signature': signature } : {}) },
        body,
      });
      return { status: response.status, body: (await response.json()) as { statusCode: number; message: string } };
    }

    it('refuses anything not signed over the exact bytes with the endpoint secret, recording no event', async () => {
      const stale = Math.floor(Date.now() / 1000) - 6 * 60;
      const signature = sign(event);
      const [timestamp, v1] = signature.split(',');
      const malformed = '{"id":"evt_abuse_2","type":"customer.subscription.updated",';
      const cases: Record<string, Promise<Awaited<ReturnType<typeof deliver>>>> = {
        'body changed after signing': deliver(event.replace('sub_abuse_1', 'sub_abuse_2'), signature),
        'whitespace added after signing': deliver(`${event} `, signature),
        'signed for another payload': deliver(event, sign('{"id":"evt_other"}')),
        'signed with another secret': deliver(event, sign(event, { secret: 'whsec_someone_else' })),
        'signed over 5 minutes ago': deliver(event, sign(event, { timestamp: stale })),
        'signature moved to a new timestamp': deliver(event, `t=${Math.floor(Date.now() / 1000) + 1},${v1}`),
        'only a v0 signature': deliver(event, `${timestamp},v0=${v1?.slice(3)}`),
        'no signature': deliver(event, undefined),
        'signed, but not JSON': deliver(malformed, sign(malformed)),
        'signed, but sent as text/plain': deliver(event, signature, 'text/plain'),
      };
      for (const [how, answer] of Object.entries(cases)) {
        const { status, body } = await answer;
        expect({ how, status, shape: body.statusCode, message: typeof body.message }).toEqual({
          how,
          status: 400,
          shape: 400,
          message: 'string',
        });
      }
      const huge = await deliver(
        JSON.stringify({ ...JSON.parse(event), padding: 'x'.repeat(2 * 1024 * 1024) }),
        signature,
      );
      expect({ status: huge.status, shape: huge.body.statusCode }).toEqual({ status: 413, shape: 413 });
      expect(await t.db.stripeEvent.count()).toBe(0);
      expect(await t.db.subscription.count({ where: { stripeSubscriptionId: { startsWith: 'sub_abuse' } } })).toBe(0);
    });
  });
});
