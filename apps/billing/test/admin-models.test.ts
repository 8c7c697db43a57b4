import { INVALIDATION_CHANNEL } from '@synthwell/server';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedInClient, startTestBilling, type TestBilling } from './harness.js';

const REDIS_URL = process.env.REDIS_URL;

const MODEL_FIELDS = 'id kind tier displayName enabled routes { id provider upstreamModel order weight enabled }';

interface Route {
  id: string;
  provider: string;
  upstreamModel: string;
  order: number;
  weight: number;
  enabled: boolean;
}
interface AdminModel {
  id: string;
  kind: string;
  tier: string;
  enabled: boolean;
  routes: Route[];
}

describe('admin GraphQL: the model catalog and its routes', () => {
  let t: TestBilling;
  let admin: SignedInClient;
  let subscriber: Redis | null = null;
  const published: unknown[] = [];

  beforeAll(async () => {
    t = await startTestBilling(REDIS_URL ? { REDIS_URL } : {});
    admin = await t.admin();
    if (REDIS_URL) {
      subscriber = new Redis(REDIS_URL);
      subscriber.on('message', (_channel: string, message: string) => published.push(JSON.parse(message)));
      await subscriber.subscribe(INVALIDATION_CHANNEL);
    }
  });
  afterAll(async () => {
    subscriber?.disconnect();
    await t?.close();
  });

  const models = async (): Promise<AdminModel[]> => {
    const { body } = await admin.client.graphql(`query { models { ${MODEL_FIELDS} } }`);
    expect(body.errors).toBeUndefined();
    return body.data?.models as AdminModel[];
  };
  const setEnabled = (id: string, enabled: boolean) =>
    admin.client.graphql(
      `mutation($id: ID!, $enabled: Boolean!) { setModelEnabled(id: $id, enabled: $enabled) { ${MODEL_FIELDS} } }`,
      {
        id,
        enabled,
      },
    );
  const updateRoute = (id: string, input: Record<string, unknown>) =>
    admin.client.graphql(
      `mutation($id: ID!, $input: UpdateModelRouteInput!) { updateModelRoute(id: $id, input: $input) { ${MODEL_FIELDS} } }`,
      { id, input },
    );
  /** Publishing happens before the mutation answers; a PING on the subscriber drains what is in flight. */
  const publishedSinceLastCheck = async (): Promise<unknown[]> => {
    if (!subscriber) return [];
    await subscriber.ping();
    return published.splice(0);
  };

  it('lists every model with its routes, by kind, tier and id', async () => {
    const list = await models();
    expect(list.map((model) => model.id)).toEqual(['sw-ngram-mini', 'sw-ngram-pro', 'sw-canvas', 'sw-canvas-pro']);
    expect(list[0]).toMatchObject({ kind: 'chat', tier: 'standard', enabled: true });
    expect(list[0]?.routes[0]).toMatchObject({ provider: 'local', enabled: true });
  });

  it('disables and re-enables a model: audited, and every gateway told to reload its catalog', async () => {
    await publishedSinceLastCheck();
    const disabled = await setEnabled('sw-canvas-pro', false);
    expect(disabled.body.errors).toBeUndefined();
    expect(disabled.body.data?.setModelEnabled).toMatchObject({ id: 'sw-canvas-pro', enabled: false });
    expect((await t.db.model.findUniqueOrThrow({ where: { id: 'sw-canvas-pro' } })).enabled).toBe(false);
    if (REDIS_URL) expect(await publishedSinceLastCheck()).toEqual([{ all: true }]);

    // Asking for what is already so changes nothing and logs nothing.
    await setEnabled('sw-canvas-pro', false);
    if (REDIS_URL) expect(await publishedSinceLastCheck()).toEqual([]);

    await setEnabled('sw-canvas-pro', true);
    const log = await admin.client.graphql(
      `query { auditLog(target: "model:sw-canvas-pro") { actorId action before after } }`,
    );
    expect(log.body.data?.auditLog).toEqual([
      { actorId: admin.userId, action: 'model.enable', before: '{"enabled":false}', after: '{"enabled":true}' },
      { actorId: admin.userId, action: 'model.disable', before: '{"enabled":true}', after: '{"enabled":false}' },
    ]);
  });

  it("edits a route's order, weight and enabled flag, keeping at least one route of an enabled model", async () => {
    const model = (await models()).find((entry) => entry.id === 'sw-ngram-pro') as AdminModel;
    const route = model.routes[0] as Route;
    await publishedSinceLastCheck();
    const edited = await updateRoute(route.id, { order: 3, weight: 7 });
    expect(edited.body.errors).toBeUndefined();
    const updated = edited.body.data?.updateModelRoute as AdminModel;
    expect(updated.routes[0]).toMatchObject({
      id: route.id,
      order: 3,
      weight: 7,
      enabled: true,
    });
    if (REDIS_URL) expect(await publishedSinceLastCheck()).toEqual([{ all: true }]);
    const log = await admin.client.graphql(
      `query { auditLog(target: "model:sw-ngram-pro", limit: 1) { action before after } }`,
    );
    const [entry] = (log.body.data?.auditLog ?? []) as { action: string; before: string; after: string }[];
    expect(entry?.action).toBe('model.update_route');
    expect(JSON.parse(entry?.before ?? '')).toEqual({
      routeId: route.id,
      order: route.order,
      weight: route.weight,
      enabled: true,
    });
    expect(JSON.parse(entry?.after ?? '')).toEqual({ routeId: route.id, order: 3, weight: 7, enabled: true });

    // The seeded model has one route: switching it off would leave an enabled model nothing to run on.
    expect(model.routes).toHaveLength(1);
    const last = await updateRoute(route.id, { enabled: false });
    expect(last.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
    expect(last.body.errors?.[0]?.message).toContain('last enabled route');
    expect((await t.db.modelRoute.findUniqueOrThrow({ where: { id: route.id } })).enabled).toBe(true);
    const badWeight = await updateRoute(route.id, { weight: 0 });
    expect(badWeight.body.errors?.[0]?.message).toContain('Weight must be at least 1.');
    const nothing = await updateRoute(route.id, {});
    expect(nothing.body.errors?.[0]?.message).toBe('Nothing to change.');
  });

  it('answers unknown ids with NOT_FOUND', async () => {
    const model = await setEnabled('sw-nope', false);
    expect(model.status).toBe(404);
    expect(model.body.errors?.[0]).toMatchObject({
      message: 'No model with id "sw-nope".',
      extensions: { code: 'NOT_FOUND' },
    });
    const route = await updateRoute('rte_nope', { order: 1 });
    expect(route.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses users who are not admins, signed out callers, and mutations without the CSRF header', async () => {
    const user = await t.user();
    const asUser = await user.client.graphql(`query { models { id } }`);
    expect(asUser.status).toBe(403);
    expect(asUser.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const userMutation = await user.client.graphql(
      `mutation { setModelEnabled(id: "sw-ngram-mini", enabled: false) { id } }`,
    );
    expect(userMutation.status).toBe(403);
    const anonymous = await t.client().graphql(`query { models { id } }`);
    expect(anonymous.status).toBe(401);
    const noCsrf = await admin.client.graphql(
      `mutation { setModelEnabled(id: "sw-ngram-mini", enabled: false) { id } }`,
      {},
      { csrf: false },
    );
    expect(noCsrf.status).toBe(403);
    expect((await t.db.model.findUniqueOrThrow({ where: { id: 'sw-ngram-mini' } })).enabled).toBe(true);
  });
});
