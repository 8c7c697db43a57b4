import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';

describe('provenance of generated images', () => {
  let t: TestGateway;
  let keyDir: string;
  let account: Awaited<ReturnType<TestGateway['account']>>;

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'synthwell-provenance-'));
    t = await startTestGateway({ PROVENANCE_KEY_DIR: keyDir });
    account = await t.account('premium');
  });
  afterAll(async () => {
    await t?.close();
    await rm(keyDir, { recursive: true, force: true });
  });

  const verify = (body: BodyInit, contentType: string | null) =>
    fetch(`${t.url}/v1/provenance/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.key}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });

  async function generate(prompt: string): Promise<{ png: Buffer; requestId: string; url: string }> {
    const b64 = await fetch(`${t.url}/v1/images/generations`, {
      method: 'POST',
      headers: bearer(account.key),
      body: JSON.stringify({ prompt, size: '256x256', response_format: 'b64_json' }),
    });
    const body = await b64.json();
    const linked = await fetch(`${t.url}/v1/images/generations`, {
      method: 'POST',
      headers: bearer(account.key),
      body: JSON.stringify({ prompt, size: '256x256' }),
    });
    return {
      png: Buffer.from(body.data[0].b64_json, 'base64'),
      requestId: b64.headers.get('x-request-id') as string,
      url: (await linked.json()).data[0].url,
    };
  }

  it('signs every generated image: a fresh one verifies, with its record', async () => {
    const { png, requestId } = await generate('a lighthouse in a storm');
    const response = await verify(JSON.stringify({ b64: png.toString('base64') }), 'application/json');
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result).toMatchObject({ valid: true, reason: 'valid' });
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(result.record).toMatchObject({
      generator: 'sw-canvas',
      request_id: requestId,
      account_sha256: sha256(`synthwell-account:${account.user.id}`),
      prompt_sha256: sha256('a lighthouse in a storm'),
      width: 256,
      height: 256,
    });
    expect(JSON.stringify(result)).not.toContain(account.user.id);
  });

  it('stores the signed image: the downloaded file verifies too, as raw image/png and as a multipart upload', async () => {
    const { url } = await generate('a paper boat');
    const png = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect((await (await verify(png, 'image/png')).json()).valid).toBe(true);
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'boat.png');
    expect((await (await verify(form, null)).json()).valid).toBe(true);
  });

  it('answers valid: false with the reason for an altered image or one that is not a PNG', async () => {
    const { png } = await generate('red circles');
    // Flip one byte of compressed pixel data and fix the chunk CRC: a well-formed PNG with other pixels.
    const { readChunks, writeChunks } = await import('../src/provenance/png.js');
    const chunks = readChunks(png).map((chunk) => ({ ...chunk, data: Uint8Array.from(chunk.data) }));
    const idat = chunks.find((chunk) => chunk.type === 'IDAT');
    if (!idat) throw new Error('no IDAT');
    const { deflateSync, inflateSync } = await import('node:zlib');
    const raw = inflateSync(idat.data);
    raw[10] = (raw[10]! + 1) & 0xff;
    idat.data = deflateSync(raw);
    const altered = await (await verify(Buffer.from(writeChunks(chunks)), 'image/png')).json();
    expect(altered).toMatchObject({ valid: false, reason: 'pixels_modified' });
    expect(altered.record.generator).toBe('sw-canvas');
    const junk = await (
      await verify(JSON.stringify({ b64: Buffer.from('hello').toString('base64') }), 'application/json')
    ).json();
    expect(junk).toEqual({ valid: false, reason: 'not_png', record: null });
  });

  it('requires a key and a body it can read', async () => {
    const anonymous = await fetch(`${t.url}/v1/provenance/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"b64":"x"}',
    });
    expect(anonymous.status).toBe(401);
    expect((await verify(JSON.stringify({}), 'application/json')).status).toBe(400);
  });
});
