import { createApiKey } from '@synthwell/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/trpc/router.js';
import { type SignedInClient, startTestBilling, type TestBilling, type TestClient } from './harness.js';

type Access = 'public' | 'user' | 'admin';

interface ProcedureCase {
  access: Access;
  /** A valid input for the signed-in owner; `others` points it at the other user's resource. */
  input?: (ids: Resources) => unknown;
  /** Whether the input names a resource, so another user's id must answer 404. */
  owned?: boolean;
}

interface Resources {
  keyId: string;
  conversationId: string;
}

/** Every procedure of the router; the first test fails when one is added without a row here. */
const PROCEDURES: Record<string, ProcedureCase> = {
  'auth.signUp': { access: 'public' },
  'auth.signIn': { access: 'public' },
  'auth.session': { access: 'public' },
  'auth.signOut': { access: 'user' },
  'auth.changePassword': {
    access: 'user',
    input: () => ({ currentPassword: 'whatever', newPassword: 'a new long password' }),
  },
  'auth.sessionToken': { access: 'user' },
  'keys.list': { access: 'user' },
  'keys.create': { access: 'user', input: () => ({ name: 'ci' }) },
  'keys.revoke': { access: 'user', input: (ids) => ({ id: ids.keyId }), owned: true },
  'plans.list': { access: 'public' },
  'subscription.current': { access: 'user' },
  'subscription.checkout': { access: 'user', input: () => ({ planId: 'pln_premium' }) },
  'subscription.portal': { access: 'user' },
  'invoices.list': { access: 'user', input: () => ({ limit: 5 }) },
  'usage.daily': { access: 'user', input: () => ({ days: 7 }) },
  'conversations.list': { access: 'user', input: () => ({}) },
  'conversations.get': { access: 'user', input: (ids) => ({ id: ids.conversationId }), owned: true },
  'conversations.create': { access: 'user', input: () => ({ title: 'Hi', model: 'sw-ngram-mini' }) },
  'conversations.append': {
    access: 'user',
    input: (ids) => ({ id: ids.conversationId, messages: [{ role: 'user', content: 'mine now' }] }),
    owned: true,
  },
  'conversations.rename': { access: 'user', input: (ids) => ({ id: ids.conversationId, title: 'Taken' }), owned: true },
  'conversations.delete': { access: 'user', input: (ids) => ({ id: ids.conversationId }), owned: true },
  'admin.reportOverage': { access: 'admin' },
};

/** At run time the router keeps its procedures flat, by dotted path. */
const flat = appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' } }>;
const procedures = Object.entries(flat).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  ...(PROCEDURES[path] as ProcedureCase),
}));

function call(
  client: TestClient,
  procedure: (typeof procedures)[number],
  input: unknown,
  options: { csrf?: boolean } = {},
) {
  return procedure.type === 'query'
    ? client.query(procedure.path, input)
    : client.mutation(procedure.path, input, options);
}

/** Root fields of the admin schema with a minimal valid operation for each. */
const GRAPHQL: Record<string, { operation: string; mutation?: boolean }> = {
  plans: { operation: 'query { plans { id } }' },
  plan: { operation: 'query { plan(id: "pln_free") { id } }' },
  users: { operation: 'query { users { id } }' },
  user: { operation: 'query { user(id: "usr_x") { id } }' },
  subscriptions: { operation: 'query { subscriptions { id } }' },
  usage: { operation: 'query { usage(from: "2026-01-01", to: "2026-01-02") { requests } }' },
  auditLog: { operation: 'query { auditLog { id } }' },
  models: { operation: 'query { models { id routes { id } } }' },
  model: { operation: 'query { model(id: "sw-ngram-mini") { id } }' },
  createPlan: {
    mutation: true,
    operation: `mutation { createPlan(input: { slug: "sneaky", name: "Sneaky", priceCents: 0, currency: "usd", interval: month,
      requestsPerMinute: 1, tokensPerMinute: 1, chatRequestsPerDay: 1, imagesPerDay: 1, syntheticRecordsPerDay: 1,
      concurrentSyntheticJobs: 1, modelTiers: [premium] }) { id } }`,
  },
  updatePlan: { mutation: true, operation: 'mutation { updatePlan(id: "pln_free", input: { name: "Pwned" }) { id } }' },
  archivePlan: { mutation: true, operation: 'mutation { archivePlan(id: "pln_premium") { id } }' },
  setUserRole: { mutation: true, operation: 'mutation { setUserRole(userId: "SELF", role: admin) { id } }' },
  compPlan: { mutation: true, operation: 'mutation { compPlan(userId: "SELF", planId: "pln_premium") { id } }' },
  reportOverage: { mutation: true, operation: 'mutation { reportOverage { events } }' },
  setModelEnabled: {
    mutation: true,
    operation: 'mutation { setModelEnabled(id: "sw-ngram-mini", enabled: false) { id } }',
  },
  updateModelRoute: {
    mutation: true,
    operation: 'mutation { updateModelRoute(id: "rte_x", input: { weight: 9 }) { id } }',
  },
};

describe('security: every procedure and field, for everyone who should not', () => {
  let t: TestBilling;
  let owner: SignedInClient;
  let intruder: SignedInClient;
  let admin: SignedInClient;
  let resources: Resources;

  beforeAll(async () => {
    t = await startTestBilling();
    [owner, intruder, admin] = await Promise.all([t.user(), t.user(), t.admin()]);
    const { apiKey } = await createApiKey(t.db, owner.userId, { name: 'owner key' });
    const conversation = await owner.client.mutation<{ id: string }>('conversations.create', {
      title: 'Private',
      model: 'sw-ngram-mini',
      messages: [{ role: 'user', content: 'secret plans' }],
    });
    resources = { keyId: apiKey.id, conversationId: conversation.id };
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has a case for every tRPC procedure and every GraphQL root field', async () => {
    expect(Object.keys(flat).sort()).toEqual(Object.keys(PROCEDURES).sort());
    const schema = await admin.client.graphql(
      '{ __schema { queryType { fields { name } } mutationType { fields { name } } } }',
    );
    const data = schema.body.data as {
      __schema: { queryType: { fields: { name: string }[] }; mutationType: { fields: { name: string }[] } };
    };
    const fields = [...data.__schema.queryType.fields, ...data.__schema.mutationType.fields].map((field) => field.name);
    expect(fields.sort()).toEqual(Object.keys(GRAPHQL).sort());
  });

  it('answers 401 to anonymous callers of every signed-in procedure', async () => {
    const anonymous = t.client();
    for (const procedure of procedures.filter((candidate) => candidate.access !== 'public')) {
      const failure = await anonymous.failure(call(anonymous, procedure, procedure.input?.(resources)));
      expect({ path: procedure.path, status: failure.status, code: failure.code }).toEqual({
        path: procedure.path,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('refuses every cookie-authenticated mutation without the CSRF header, changing nothing', async () => {
    for (const procedure of procedures.filter(
      (candidate) => candidate.access !== 'public' && candidate.type === 'mutation',
    )) {
      const client = procedure.access === 'admin' ? admin.client : owner.client;
      const failure = await client.failure(call(client, procedure, procedure.input?.(resources), { csrf: false }));
      expect({ path: procedure.path, status: failure.status, message: failure.message }).toEqual({
        path: procedure.path,
        status: 403,
        message: 'Missing or invalid CSRF token: send the x-csrf-token header.',
      });
    }
    // A wrong token is no better than none.
    const forged = t.client();
    forged.cookies.set('sw_session', owner.client.cookies.get('sw_session') ?? '');
    forged.csrfToken = intruder.client.csrfToken;
    expect((await forged.failure(forged.mutation('keys.create', { name: 'forged' }))).status).toBe(403);
    expect(await owner.client.query('auth.session')).not.toBeNull();
    expect(await t.db.apiKey.count({ where: { userId: owner.userId, name: { in: ['ci', 'forged'] } } })).toBe(0);
    expect(await t.db.conversation.findUnique({ where: { id: resources.conversationId } })).toMatchObject({
      title: 'Private',
    });
  });

  it("answers 404 for another user's keys and conversations, and never shows them", async () => {
    for (const procedure of procedures.filter((candidate) => candidate.owned)) {
      const failure = await intruder.client.failure(call(intruder.client, procedure, procedure.input?.(resources)));
      expect({ path: procedure.path, status: failure.status }).toEqual({ path: procedure.path, status: 404 });
    }
    expect(await intruder.client.query('keys.list')).toEqual([]);
    expect(await intruder.client.query('conversations.list', {})).toEqual({ items: [], nextCursor: null });
    const conversation = await owner.client.query<{ title: string; messages: unknown[] }>('conversations.get', {
      id: resources.conversationId,
    });
    expect(conversation).toMatchObject({ title: 'Private', messages: [{ content: 'secret plans' }] });
    expect(await t.db.apiKey.findUnique({ where: { id: resources.keyId } })).toMatchObject({ revokedAt: null });
  });

  it('answers 403 to non-admins on admin procedures', async () => {
    for (const procedure of procedures.filter((candidate) => candidate.access === 'admin')) {
      const failure = await owner.client.failure(call(owner.client, procedure, procedure.input?.(resources)));
      expect({ path: procedure.path, status: failure.status }).toEqual({ path: procedure.path, status: 403 });
    }
  });

  it('refuses every admin GraphQL field to anonymous callers (401) and non-admins (403), introspection included', async () => {
    const anonymous = t.client();
    const operations = [
      ...Object.entries(GRAPHQL),
      ['__schema', { operation: '{ __schema { types { name } } }' }] as const,
    ];
    for (const [field, { operation }] of operations) {
      const query = operation.replaceAll('SELF', owner.userId);
      const asAnonymous = await anonymous.graphql(query);
      expect({
        field,
        status: asAnonymous.status,
        data: asAnonymous.body.data,
        code: asAnonymous.body.errors?.[0]?.extensions?.code,
      }).toEqual({
        field,
        status: 401,
        data: null,
        code: 'UNAUTHORIZED',
      });
      const asUser = await owner.client.graphql(query);
      expect({
        field,
        status: asUser.status,
        data: asUser.body.data,
        code: asUser.body.errors?.[0]?.extensions?.code,
      }).toEqual({
        field,
        status: 403,
        data: null,
        code: 'FORBIDDEN',
      });
    }
    expect(await t.db.user.findUniqueOrThrow({ where: { id: owner.userId } })).toMatchObject({
      role: 'user',
      compPlanId: null,
    });
  });

  it('refuses admin GraphQL mutations without the CSRF header, changing nothing', async () => {
    for (const [field, { operation }] of Object.entries(GRAPHQL).filter(([, entry]) => entry.mutation)) {
      const response = await admin.client.graphql(operation.replaceAll('SELF', owner.userId), {}, { csrf: false });
      expect({ field, status: response.status, code: response.body.errors?.[0]?.extensions?.code }).toEqual({
        field,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(await t.db.plan.findUnique({ where: { slug: 'sneaky' } })).toBeNull();
    expect(await t.db.plan.findUniqueOrThrow({ where: { id: 'pln_free' } })).toMatchObject({ name: 'Free' });
    expect(await t.db.plan.findUniqueOrThrow({ where: { id: 'pln_premium' } })).toMatchObject({ archivedAt: null });
    expect(await t.db.model.findUniqueOrThrow({ where: { id: 'sw-ngram-mini' } })).toMatchObject({ enabled: true });
    expect(await t.db.auditLog.count()).toBe(0);
    // Queries need no CSRF token: they change nothing.
    expect((await admin.client.graphql('query { plans { id } }', {}, { csrf: false })).status).toBe(200);
  });

  it('rejects a session cookie that was never issued', async () => {
    const forged = t.client();
    forged.cookies.set('sw_session', 'made-up-session-secret');
    expect((await forged.failure(forged.query('keys.list'))).status).toBe(401);
    expect((await forged.graphql('query { plans { id } }')).status).toBe(401);
  });
});
