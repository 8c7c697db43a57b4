import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApiKey } from '@synthwell/db/testing';
import { decodeRgbPng } from '@synthwell/providers/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';

describe('/v1/images/generations', () => {
  let t: TestGateway;
  let key: string;
  beforeAll(async () => {
    t = await startTestGateway();
    key = (await t.account('premium')).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  const generate = (body: unknown) =>
    fetch(`${t.url}/v1/images/generations`, { method: 'POST', headers: bearer(key), body: JSON.stringify(body) });

  it('stores each image, links it with an expiring signature, and meters the count', async () => {
    const response = await generate({ prompt: 'a quiet harbour', n: 2, size: '256x256' });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data).toHaveLength(2);
    const url = new URL(body.data[0].url);
    expect(Number(url.searchParams.get('expires'))).toBeGreaterThan(Date.now() / 1000);
    const png = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(256);

    await t.flushUsage();
    const event = await t.db.usageEvent.findUniqueOrThrow({
      where: { requestId: response.headers.get('x-request-id') as string },
    });
    expect(event).toMatchObject({ feature: 'image', images: 2, model: 'sw-canvas', status: 200 });
    expect(await t.db.image.count({ where: { requestId: event.requestId } })).toBe(2);
  });

  it('refuses tampered and expired links', async () => {
    const body = await (await generate({ prompt: 'a fox', size: '256x256' })).json();
    const url = new URL(body.data[0].url);
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    const expired = new URL(url);
    expired.searchParams.set('expires', '1000');
    expect((await fetch(expired)).status).toBe(403);
    const other = new URL(url.toString().replace(/img_[0-9a-z]+/, 'img_00000000000000000000000000'));
    expect((await fetch(other)).status).toBe(403);
  });

  it('gives the same image for the same prompt and seed, a different one for another prompt', async () => {
    const one = await (
      await generate({ prompt: 'red circles', seed: 9, size: '256x256', response_format: 'b64_json' })
    ).json();
    const two = await (
      await generate({ prompt: 'red circles', seed: 9, size: '256x256', response_format: 'b64_json' })
    ).json();
    const three = await (
      await generate({ prompt: 'blue waves', seed: 9, size: '256x256', response_format: 'b64_json' })
    ).json();
    // Files differ (each carries its own signed provenance record); the pixels do not.
    const pixels = (response: { data: Array<{ b64_json: string }> }) =>
      decodeRgbPng(Buffer.from(response.data[0]?.b64_json ?? '', 'base64')).pixels;
    expect(Buffer.from(pixels(one)).equals(Buffer.from(pixels(two)))).toBe(true);
    expect(Buffer.from(pixels(three)).equals(Buffer.from(pixels(one)))).toBe(false);
  });

  it('honours Idempotency-Key: a replay returns the same images without generating or charging again', async () => {
    const account = await t.account('free');
    const send = (body: unknown, key: string) =>
      fetch(`${t.url}/v1/images/generations`, {
        method: 'POST',
        headers: { ...bearer(account.key), 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const body = { prompt: 'a paper boat', size: '256x256' };
    const first = await (await send(body, 'idem-1')).json();
    const again = await (await send(body, 'idem-1')).json();
    expect(again).toEqual(first);
    expect(await t.db.image.count({ where: { userId: account.user.id } })).toBe(1);
    const usage = await (await fetch(`${t.url}/v1/usage`, { headers: bearer(account.key) })).json();
    expect(usage.daily.images.used).toBe(1);
    const conflict = await send({ ...body, prompt: 'another boat' }, 'idem-1');
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error.code).toBe('idempotency_key_conflict');
  });

  it('validates size and n', async () => {
    const badSize = await generate({ prompt: 'x', size: '300x300' });
    expect(badSize.status).toBe(400);
    expect((await badSize.json()).error.param).toBe('size');
    const tooMany = await generate({ prompt: 'x', n: 50 });
    expect(tooMany.status).toBe(400);
    const empty = await generate({ prompt: '' });
    expect(empty.status).toBe(400);
  });
});

describe('GET /v1/images and DELETE /v1/images/{id}', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  const generate = async (key: string, prompt: string, n = 1): Promise<string[]> => {
    const response = await fetch(`${t.url}/v1/images/generations`, {
      method: 'POST',
      headers: bearer(key),
      body: JSON.stringify({ prompt, n, size: '256x256' }),
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    return body.data.map((image: { url: string }) => /img_[0-9a-z]+/.exec(image.url)?.[0]);
  };
  const list = (key: string, query = '') => fetch(`${t.url}/v1/images${query}`, { headers: bearer(key) });
  // No content-type: a DELETE has no body, and Fastify refuses an empty JSON one.
  const remove = (key: string, id: string) =>
    fetch(`${t.url}/v1/images/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
  const fileOf = async (id: string) => {
    const row = await t.db.image.findUniqueOrThrow({ where: { id } });
    return join(t.config.IMAGE_STORAGE_DIR, row.storageKey);
  };

  it("lists only the caller's images, newest first, with working signed links and no prompt", async () => {
    const mine = await t.account('premium');
    const theirs = await t.account('premium');
    const first = await generate(mine.key, 'a quiet harbour');
    const second = await generate(mine.key, 'a windmill', 2);
    await generate(theirs.key, 'somebody else');

    const response = await list(mine.key);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(body.data.map((image: { id: string }) => image.id)).toEqual([...second].sort().reverse().concat(first));
    const [newest] = body.data;
    expect(newest).toMatchObject({ object: 'image', model: 'sw-canvas', size: '256x256' });
    expect(newest.bytes).toBeGreaterThan(0);
    expect(newest.url_expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(JSON.stringify(body)).not.toContain('windmill');
    const png = Buffer.from(await (await fetch(newest.url)).arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.byteLength).toBe(newest.bytes);
  });

  it('pages with limit and cursor until every image has been seen once', async () => {
    const account = await t.account('premium');
    const ids = [...(await generate(account.key, 'one', 3)), ...(await generate(account.key, 'two', 2))];
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 5; pages++) {
      const body = await (await list(account.key, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...body.data.map((image: { id: string }) => image.id));
      if (!body.has_more) break;
      cursor = body.next_cursor;
    }
    expect(seen).toEqual([...ids].sort().reverse());
    const bad = await list(account.key, '?limit=0');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe('limit');
  });

  it('deletes the caller’s image and its file; the link and the listing forget it', async () => {
    const account = await t.account('free');
    const [id] = await generate(account.key, 'a paper boat');
    const { data } = await (await list(account.key)).json();
    const file = await fileOf(id as string);
    expect(existsSync(file)).toBe(true);

    const response = await remove(account.key, id as string);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id, object: 'image', deleted: true });
    expect(existsSync(file)).toBe(false);
    expect((await (await list(account.key)).json()).data).toEqual([]);
    expect((await fetch(data[0].url)).status).toBe(404);
    const again = await remove(account.key, id as string);
    expect(again.status).toBe(404);
    expect((await again.json()).error).toMatchObject({ type: 'not_found_error', code: 'not_found' });
  });

  it("answers 404 for another account's image and leaves it alone", async () => {
    const owner = await t.account('free');
    const other = await t.account('free');
    const [id] = await generate(owner.key, 'a lighthouse');
    const file = await fileOf(id as string);
    const response = await remove(other.key, id as string);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('not_found');
    expect(existsSync(file)).toBe(true);
    expect((await (await list(owner.key)).json()).data.map((image: { id: string }) => image.id)).toEqual([id]);
  });

  it('refuses requests without a valid key, and a revoked key', async () => {
    const account = await t.account('free');
    const [id] = await generate(account.key, 'a red kite');
    const revoked = await createApiKey(t.db, account.user.id, { revokedAt: new Date() });
    const refused: Record<string, string>[] = [{}, { authorization: `Bearer ${revoked.key}` }];
    for (const headers of refused) {
      const listed = await fetch(`${t.url}/v1/images`, { headers });
      expect(listed.status).toBe(401);
      const deleted = await fetch(`${t.url}/v1/images/${id}`, { method: 'DELETE', headers });
      expect(deleted.status).toBe(401);
      expect((await deleted.json()).error.type).toBe('authentication_error');
    }
    expect(await t.db.image.count({ where: { id } })).toBe(1);
  });

  it('lets a browser on another origin send DELETE (CORS preflight)', async () => {
    const response = await fetch(`${t.url}/v1/images/img_x`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://web.test',
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
  });
});
