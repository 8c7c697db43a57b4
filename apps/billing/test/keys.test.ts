import { hashApiKey } from '@synthwell/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ACTIVE_KEYS } from '../src/keys/keys.service.js';
import { startTestBilling, type TestBilling } from './harness.js';

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

describe('API keys', () => {
  let t: TestBilling;

  beforeAll(async () => {
    t = await startTestBilling();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows a new key once, stores only its hash, and lists it by prefix and name', async () => {
    const { client, userId } = await t.user();
    const created = await client.mutation<{ key: string; apiKey: KeyView }>('keys.create', { name: 'laptop' });
    expect(created.key).toMatch(/^sk-sw-[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    const stored = await t.db.apiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    expect(stored).toMatchObject({ userId, hash: hashApiKey(created.key) });
    expect(JSON.stringify(stored)).not.toContain(created.key);

    const listed = await client.query<KeyView[]>('keys.list');
    expect(listed).toEqual([
      {
        id: created.apiKey.id,
        name: 'laptop',
        prefix: created.apiKey.prefix,
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(new Date(listed[0]?.createdAt ?? '').getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('revokes a key: listed as revoked, refused by the gateway lookup', async () => {
    const { client } = await t.user();
    const { apiKey, key } = await client.mutation<{ key: string; apiKey: KeyView }>('keys.create', { name: 'ci' });
    const revoked = await client.mutation<KeyView>('keys.revoke', { id: apiKey.id });
    expect(revoked.revokedAt).not.toBeNull();
    // What the gateway's lookup reads (apps/gateway/src/auth/auth.service.ts).
    const row = await t.db.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(key) } });
    expect(row.revokedAt).not.toBeNull();
    // Revoking again keeps the first revocation time.
    expect((await client.mutation<KeyView>('keys.revoke', { id: apiKey.id })).revokedAt).toBe(revoked.revokedAt);
  });

  it(`allows ${MAX_ACTIVE_KEYS} active keys per account, even when created all at once`, async () => {
    const { client } = await t.user();
    const results = await Promise.allSettled(
      Array.from({ length: MAX_ACTIVE_KEYS + 3 }, (_, index) =>
        client.mutation<{ apiKey: KeyView }>('keys.create', { name: `k${index}` }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(MAX_ACTIVE_KEYS);
    const refused = await client.failure(client.mutation('keys.create', { name: 'one more' }));
    expect(refused).toMatchObject({
      status: 409,
      message: `An account can have at most ${MAX_ACTIVE_KEYS} active keys; revoke one first.`,
    });
    const [first] = await client.query<KeyView[]>('keys.list');
    await client.mutation('keys.revoke', { id: first?.id });
    await client.mutation('keys.create', { name: 'replacement' });
  });

  it('answers bad key input with clear errors', async () => {
    const { client } = await t.user();
    expect((await client.failure(client.mutation('keys.create', { name: '' }))).message).toBe(
      'name: Give the key a name.',
    );
    expect((await client.failure(client.mutation('keys.create', { name: 'x'.repeat(65) }))).message).toBe(
      'name: Key names are at most 64 characters.',
    );
    expect(await client.failure(client.mutation('keys.revoke', { id: 'key_unknown' }))).toMatchObject({
      status: 404,
      message: 'No such API key.',
    });
  });
});
