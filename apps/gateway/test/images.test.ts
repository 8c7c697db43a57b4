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
