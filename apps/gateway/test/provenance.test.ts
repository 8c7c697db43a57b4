import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  digestJsonl,
  generateSigningKey,
  readChunks,
  signManifest,
  verifiersFromKeySet,
  verifyDataset,
  verifyImage,
  writeChunks,
} from '@synthwell/synthetic/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';
import { follow, get, offlineJob, submit } from './synthetic-fixtures.js';

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

  it('publishes its public keys without a key, enough to verify an image offline', async () => {
    const response = await fetch(`${t.url}/v1/provenance/keys`);
    expect(response.status).toBe(200);
    const keySet = await response.json();
    expect(keySet.keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        alg: 'EdDSA',
        use: 'sig',
        kid: expect.stringMatching(/^sw-/),
        x: expect.any(String),
      },
    ]);
    const { png } = await generate('a quiet harbour');
    expect(verifyImage(png, verifiersFromKeySet(keySet))).toMatchObject({
      valid: true,
      record: { kid: keySet.keys[0].kid },
    });
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

describe('signed manifests of synthetic-data exports', () => {
  let t: TestGateway;
  let key: string;
  let jobId: string;
  let jsonl: Buffer;
  let download: Response;

  beforeAll(async () => {
    t = await startTestGateway();
    key = (await t.account('free')).key;
    jobId = (await submit(t, key, offlineJob({ count: 5, seed: 11 }))).id;
    await follow(t, key, jobId);
    download = await get(t, key, `/v1/synthetic/jobs/${jobId}/records?format=jsonl`);
    jsonl = Buffer.from(await download.arrayBuffer());
  });
  afterAll(async () => {
    await t?.close();
  });

  const manifestOf = async (id: string, apiKey = key) => get(t, apiKey, `/v1/synthetic/jobs/${id}/manifest`);
  const verify = (body: unknown) =>
    fetch(`${t.url}/v1/provenance/datasets/verify`, {
      method: 'POST',
      headers: bearer(key),
      body: JSON.stringify(body),
    });

  it("links a finished job's download to a manifest of exactly the bytes served", async () => {
    expect(download.headers.get('link')).toBe(`</v1/synthetic/jobs/${jobId}/manifest>; rel="describedby"`);
    const response = await manifestOf(jobId);
    expect(response.status).toBe(200);
    const manifest = await response.json();
    const job = await (await get(t, key, `/v1/synthetic/jobs/${jobId}`)).json();
    expect(manifest).toMatchObject({
      v: 1,
      job_id: jobId,
      records: 5,
      jsonl_sha256: createHash('sha256').update(jsonl).digest('hex'),
    });
    // Signed as of the job's finish, so the manifest does not change from one request to the next.
    expect(Math.floor(Date.parse(manifest.created) / 1000)).toBe(job.finished_at);
    // The same export through Accept: application/x-ndjson, and the same manifest on every request.
    const viaAccept = await get(t, key, `/v1/synthetic/jobs/${jobId}/records`, { accept: 'application/x-ndjson' });
    expect(Buffer.from(await viaAccept.arrayBuffer()).equals(jsonl)).toBe(true);
    expect(await (await manifestOf(jobId)).json()).toEqual(manifest);
  });

  it('verifies offline from the published keys alone, and refuses an edited copy', async () => {
    const manifest = await (await manifestOf(jobId)).json();
    const verifiers = verifiersFromKeySet(await (await fetch(`${t.url}/v1/provenance/keys`)).json());
    expect(verifyDataset(manifest, jsonl, verifiers)).toMatchObject({ valid: true, reason: 'valid' });
    const lines = jsonl.toString('utf8').split('\n');
    expect(verifyDataset(manifest, lines.slice(1).join('\n'), verifiers).reason).toBe('digest_mismatch');
  });

  it('verifies a dataset online, sent whole or as its digest, with the reason when it is not valid', async () => {
    const manifest = await (await manifestOf(jobId)).json();
    const text = jsonl.toString('utf8');
    const sha256 = createHash('sha256').update(jsonl).digest('hex');
    expect(await (await verify({ manifest, jsonl: text })).json()).toEqual({ valid: true, reason: 'valid', manifest });
    expect(await (await verify({ manifest, jsonl_sha256: sha256 })).json()).toMatchObject({ valid: true });

    const tampered = text.replace('"generation_depth":1', '"generation_depth":0');
    expect(tampered).not.toBe(text);
    const reason = async (body: unknown) => (await (await verify(body)).json()).reason;
    expect(await reason({ manifest, jsonl: tampered })).toBe('digest_mismatch');
    expect(await reason({ manifest: { ...manifest, records: 6 }, jsonl: text })).toBe('bad_signature');
    expect(await reason({ manifest: { ...manifest, v: 2 }, jsonl: text })).toBe('malformed_manifest');
    const foreign = signManifest({ jobId, digest: digestJsonl(jsonl), created: new Date() }, generateSigningKey());
    expect(await reason({ manifest: foreign, jsonl: text })).toBe('unknown_key');
  });

  it('refuses a verify request without exactly one of jsonl and jsonl_sha256', async () => {
    const manifest = await (await manifestOf(jobId)).json();
    for (const body of [
      { manifest },
      { manifest, jsonl: '', jsonl_sha256: 'a'.repeat(64) },
      { manifest, jsonl_sha256: 'xyz' },
    ]) {
      const response = await verify(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.type).toBe('invalid_request_error');
    }
  });

  it('has no manifest while a job is unfinished: 409, and its download links to none', async () => {
    const job = await submit(t, key, offlineJob({ count: 2, seed: 12 }));
    await follow(t, key, job.id);
    // Put it back to running, as it would be mid-way, without racing a real worker.
    await t.db.syntheticJob.update({ where: { id: job.id }, data: { status: 'running', finishedAt: null } });
    const response = await manifestOf(job.id);
    expect(response.status).toBe(409);
    expect((await response.json()).error).toMatchObject({ type: 'conflict_error', code: 'job_not_finished' });
    const partial = await get(t, key, `/v1/synthetic/jobs/${job.id}/records?format=jsonl`);
    expect(partial.headers.get('link')).toBeNull();
    await partial.arrayBuffer();
  });

  it("answers another account's job like a missing one, and requires a key", async () => {
    const other = (await t.account('free')).key;
    expect((await manifestOf(jobId, other)).status).toBe(404);
    expect((await fetch(`${t.url}/v1/synthetic/jobs/${jobId}/manifest`)).status).toBe(401);
    const anonymous = await fetch(`${t.url}/v1/provenance/datasets/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ manifest: {}, jsonl: '' }),
    });
    expect(anonymous.status).toBe(401);
  });
});
