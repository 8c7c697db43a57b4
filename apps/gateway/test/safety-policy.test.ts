import { newId } from '@synthwell/db';
import { createAccount, createApiKey, createTestDatabase, createUser, type TestDatabase } from '@synthwell/db/testing';
import { type FakeUpstream, startFakeOpenAI } from '@synthwell/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagStore } from '../src/safety/flag-store.js';
import { bearer, eventually, type ListeningGateway, listenGateway } from './harness.js';

/**
 * Admins' content policies are stored, shared and durable: two gateways on one database (and one
 * Redis, when REDIS_URL is set), a change made on one enforced by the other, kept across a restart.
 */

const redisUrl = process.env.REDIS_URL;
const VIOLENT = 'The knight swung and the decapitated guard fell as his entrails spilled over the stones.';
const RAW_WORDS = ['knight', 'decapitated', 'entrails', 'stones'];

type Replica = ListeningGateway;

function startReplica(database: TestDatabase, upstream: FakeUpstream, env: Record<string, string>): Promise<Replica> {
  return listenGateway(database.url, {
    LOCAL_MODELS: 'false',
    SYNTHWELL_PROVIDER_FAKE_BASE_URL: upstream.baseURL,
    ...env,
  });
}

/** One database with a fake chat model, an admin, a free and a premium user, and two gateways. */
function cluster(env: Record<string, string>) {
  const state = {
    database: undefined as unknown as TestDatabase,
    upstream: undefined as unknown as FakeUpstream,
    replicas: [] as Replica[],
    admin: '',
    adminId: '',
    free: '',
    premium: '',
    freeUserId: '',
    start: (extra: Record<string, string> = {}) => startReplica(state.database, state.upstream, { ...env, ...extra }),
  };
  beforeAll(async () => {
    state.database = await createTestDatabase();
    state.upstream = await startFakeOpenAI({ reply: 'A calm answer.' });
    await state.database.db.model.create({
      data: {
        id: 'fake-chat',
        kind: 'chat',
        tier: 'standard',
        displayName: 'Fake',
        routes: { create: { id: newId('rte'), provider: 'fake', upstreamModel: 'fake-model' } },
      },
    });
    const { user } = await createUser(state.database.db, { role: 'admin' });
    state.adminId = user.id;
    state.admin = (await createApiKey(state.database.db, user.id)).key;
    const free = await createAccount(state.database.db, { plan: 'free' });
    state.free = free.key;
    state.freeUserId = free.user.id;
    state.premium = (await createAccount(state.database.db, { plan: 'premium' })).key;
    state.replicas.push(await state.start(), await state.start());
  }, 60_000);
  afterAll(async () => {
    for (const replica of state.replicas) await replica.close();
    await state.upstream?.close();
    await state.database?.close();
  });
  return state;
}

const chat = (replica: Replica, key: string, content = VIOLENT) =>
  fetch(`${replica.url}/v1/chat/completions`, {
    method: 'POST',
    headers: bearer(key),
    body: JSON.stringify({ model: 'fake-chat', messages: [{ role: 'user', content }], max_tokens: 8 }),
  });
const setPolicy = (replica: Replica, key: string, plan: string, change: unknown) =>
  fetch(`${replica.url}/v1/safety/policies/${plan}`, {
    method: 'PUT',
    headers: bearer(key),
    body: JSON.stringify(change),
  });
const getJson = async (replica: Replica, key: string, path: string) => {
  const response = await fetch(`${replica.url}${path}`, { headers: bearer(key) });
  return { status: response.status, body: await response.json() };
};

describe('content policies without Redis: periodic reload', () => {
  const c = cluster({ SAFETY_POLICY_RELOAD_MS: '200' });
  const [a, b] = [() => c.replicas[0] as Replica, () => c.replicas[1] as Replica];

  it('enforces on replica B a change made on replica A, and on A at once', async () => {
    expect((await chat(b(), c.free)).status).toBe(400);
    const saved = await setPolicy(a(), c.admin, 'free', { 'violence/graphic': 'flag' });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({
      plan: 'free',
      policy: { 'violence/graphic': 'flag', hate: 'block' },
      overrides: { 'violence/graphic': 'flag' },
      updated_by: c.adminId,
    });
    expect((await chat(a(), c.free)).status).toBe(200);
    await eventually('replica B to apply the change', async () => (await chat(b(), c.free)).status === 200);
    // Other plans keep their own policy.
    expect((await chat(b(), c.premium)).status).toBe(400);
  });

  it('records the change in the audit log, in the same transaction as the row', async () => {
    const entries = await c.database.db.auditLog.findMany({ where: { target: 'safety_policy:free' } });
    expect(entries).toEqual([
      expect.objectContaining({
        actorId: c.adminId,
        action: 'safety_policy.update',
        before: {},
        after: { 'violence/graphic': 'flag' },
      }),
    ]);
  });

  it('keeps the change across a restart', async () => {
    await b().close();
    c.replicas[1] = await c.start();
    expect((await chat(b(), c.free)).status).toBe(200);
    const { body } = await getJson(b(), c.admin, '/v1/safety/policies');
    expect(body.fixed).toEqual({ 'sexual/minors': 'block' });
    expect(body.data.map((entry: { plan: string }) => entry.plan)).toEqual(['default', 'free', 'premium']);
    expect(body.data[1]).toMatchObject({ plan: 'free', overrides: { 'violence/graphic': 'flag' } });
  });

  it('refuses to relax sexual content involving minors (400) and stores nothing', async () => {
    const response = await setPolicy(a(), c.admin, 'premium', { 'sexual/minors': 'allow', hate: 'flag' });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'invalid_request_body', param: 'sexual/minors' });
    expect(await c.database.db.safetyPolicy.findUnique({ where: { plan: 'premium' } })).toBeNull();
    expect((await getJson(a(), c.admin, '/v1/safety/policies')).body.data[2].policy.hate).toBe('block');
  });

  it('lets browsers send the admin console’s PUT across origins', async () => {
    const preflight = await fetch(`${a().url}/v1/safety/policies/free`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('answers unknown plans and malformed changes, and hides every admin route from users', async () => {
    expect((await setPolicy(a(), c.admin, 'platinum', { hate: 'flag' })).status).toBe(404);
    expect((await setPolicy(a(), c.admin, 'free', { hate: 'warn' })).status).toBe(400);
    expect((await setPolicy(a(), c.admin, 'free', { gore: 'flag' })).status).toBe(400);
    expect((await setPolicy(a(), c.free, 'free', { hate: 'allow' })).status).toBe(404);
    expect((await getJson(a(), c.free, '/v1/safety/policies')).status).toBe(404);
    expect((await getJson(a(), c.free, '/v1/safety/flags')).status).toBe(404);
  });

  it('stores flagged and blocked decisions without their text, from every replica', async () => {
    const flagged = await chat(a(), c.free);
    expect(flagged.status).toBe(200);
    const requestId = flagged.headers.get('x-request-id');
    expect((await chat(b(), c.premium)).status).toBe(400);
    await a().gateway.app.get(FlagStore).flush();

    const row = await c.database.db.safetyFlag.findFirst({ where: { requestId: requestId as string } });
    expect(row).toMatchObject({
      userId: c.freeUserId,
      plan: 'free',
      surface: 'prompt',
      category: 'violence/graphic',
      action: 'flag',
      model: 'fake-chat',
    });
    expect(row?.id).toMatch(/^flg_/);
    const everything = await c.database.db.$queryRaw<Array<{ json: string }>>`
      SELECT row_to_json(f)::text AS json FROM safety_flags f`;
    expect(everything.length).toBeGreaterThan(2);
    for (const { json } of everything) for (const word of RAW_WORDS) expect(json.toLowerCase()).not.toContain(word);

    // Read from replica B: A's flags are in the table, B's own queue is written before the query.
    const blocked = await getJson(b(), c.admin, '/v1/safety/flags?action=block&category=violence/graphic');
    expect(blocked.body.data.length).toBeGreaterThan(0);
    expect(blocked.body.data.every((item: { action: string; plan: string }) => item.action === 'block')).toBe(true);
    const free = await getJson(b(), c.admin, '/v1/safety/flags?plan=free');
    expect(free.body.data[0]).toMatchObject({ object: 'safety.flag', request_id: requestId, action: 'flag' });
    expect(JSON.stringify(free.body).toLowerCase()).not.toContain('decapitated');
  });

  it('pages flags newest first with a cursor, and filters by time', async () => {
    for (let i = 0; i < 3; i++) expect((await chat(a(), c.free)).status).toBe(200);
    const all = (await getJson(a(), c.admin, '/v1/safety/flags?plan=free&limit=200')).body.data as Array<{
      id: string;
    }>;
    const first = (await getJson(a(), c.admin, '/v1/safety/flags?plan=free&limit=2')).body;
    expect(first).toMatchObject({ has_more: true, next_cursor: first.data[1].id });
    const second = (await getJson(a(), c.admin, `/v1/safety/flags?plan=free&limit=2&cursor=${first.next_cursor}`)).body;
    expect([...first.data, ...second.data].map((item: { id: string }) => item.id)).toEqual(
      all.slice(0, 4).map((item) => item.id),
    );
    expect(all.map((item) => item.id)).toEqual([...all.map((item) => item.id)].sort().reverse());
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await getJson(a(), c.admin, `/v1/safety/flags?since=${future}`)).body).toMatchObject({
      data: [],
      has_more: false,
      next_cursor: null,
    });
    expect((await getJson(a(), c.admin, '/v1/safety/flags?limit=0')).status).toBe(400);
    expect((await getJson(a(), c.admin, '/v1/safety/flags?action=warn')).status).toBe(400);
  });

  it('deletes flags older than the retention period', async () => {
    const old = new Date(Date.now() - 91 * 24 * 3600 * 1000);
    await c.database.db.safetyFlag.create({
      data: {
        id: newId('flg'),
        requestId: 'req_old',
        userId: c.freeUserId,
        plan: 'free',
        surface: 'prompt',
        category: 'hate',
        action: 'flag',
        score: 0.9,
        createdAt: old,
      },
    });
    const before = await c.database.db.safetyFlag.count();
    expect(await a().gateway.app.get(FlagStore).prune()).toBe(1);
    expect(await c.database.db.safetyFlag.count()).toBe(before - 1);
    expect(await c.database.db.safetyFlag.findFirst({ where: { requestId: 'req_old' } })).toBeNull();
  });
});

describe.runIf(redisUrl)('content policies with Redis: every replica at once', () => {
  // A reload interval far longer than the test: only the Redis message can explain B's change.
  const c = cluster({ REDIS_URL: redisUrl as string, SAFETY_POLICY_RELOAD_MS: '600000' });

  it('enforces on replica B a change made on replica A through the invalidation channel', async () => {
    const [a, b] = c.replicas as [Replica, Replica];
    expect((await chat(b, c.premium)).status).toBe(400);
    expect((await setPolicy(a, c.admin, 'default', { 'violence/graphic': 'allow' })).status).toBe(200);
    await eventually('replica B to apply the change', async () => (await chat(b, c.premium)).status === 200, 5_000);
    expect((await chat(b, c.free)).status).toBe(200);
    // `allow` means no decision at all: nothing is flagged.
    await b.gateway.app.get(FlagStore).flush();
    expect(await c.database.db.safetyFlag.count({ where: { category: 'violence/graphic', action: 'allow' } })).toBe(0);
  });
});
