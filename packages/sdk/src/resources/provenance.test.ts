import type { DatasetManifest, DatasetVerification, ProvenanceKeys } from '@synthwell/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Synthwell } from '../client.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { errorResponse, jsonResponse, type Reply, scriptedFetch } from '../testing/fake-fetch.js';
import type { DatasetVerifyParams } from './provenance.js';

function client(...replies: Reply[]) {
  const { fetch, requests } = scriptedFetch(...replies);
  return {
    sdk: new Synthwell({ apiKey: 'sk-sw-test', baseURL: 'https://gw.test/v1', fetch, maxRetries: 0 }),
    requests,
  };
}

const manifest = {
  v: 1,
  job_id: 'job_01',
  records: 2,
  jsonl_sha256: 'a'.repeat(64),
  created: '2026-11-26T10:00:00.000Z',
  kid: 'sw-2026',
  sig: 'c2lnbmF0dXJl',
} satisfies DatasetManifest;

const jsonl = '{"id":"job_01:0"}\n{"id":"job_01:1"}\n';

describe('client.synthetic.jobs.manifest', () => {
  it("gets a finished job's signed manifest", async () => {
    const { sdk, requests } = client(jsonResponse(200, manifest));
    const answer = await sdk.synthetic.jobs.manifest('job_01/x');
    expectTypeOf(answer).toEqualTypeOf<DatasetManifest>();
    expect(answer).toEqual(manifest);
    expect(requests[0]).toMatchObject({ method: 'GET', url: 'https://gw.test/v1/synthetic/jobs/job_01%2Fx/manifest' });
  });

  it('surfaces an unfinished job and another account’s job as typed errors', async () => {
    const { sdk } = client(
      errorResponse(409, { type: 'invalid_request_error', code: 'job_not_finished' }),
      errorResponse(404, { type: 'not_found_error', code: 'not_found' }),
    );
    const running = sdk.synthetic.jobs.manifest('job_running');
    await expect(running).rejects.toBeInstanceOf(ConflictError);
    await expect(running).rejects.toMatchObject({ status: 409, code: 'job_not_finished', requestId: 'req_test' });
    await expect(sdk.synthetic.jobs.manifest('job_theirs')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('client.provenance', () => {
  it('verifies a download against its manifest, sent as text or as its SHA-256', async () => {
    const verdict = { valid: true, reason: 'valid', manifest } satisfies DatasetVerification;
    const { sdk, requests } = client(jsonResponse(200, verdict), jsonResponse(200, verdict));
    const answer = await sdk.provenance.datasets.verify({ manifest, jsonl });
    expectTypeOf(answer).toEqualTypeOf<DatasetVerification>();
    expect(answer).toEqual(verdict);
    await sdk.provenance.datasets.verify({ manifest, jsonl_sha256: 'b'.repeat(64) });
    expect(requests.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      { method: 'POST', url: 'https://gw.test/v1/provenance/datasets/verify', body: { manifest, jsonl } },
      {
        method: 'POST',
        url: 'https://gw.test/v1/provenance/datasets/verify',
        body: { manifest, jsonl_sha256: 'b'.repeat(64) },
      },
    ]);
  });

  it('returns a dataset that does not verify as a verdict, and a request the gateway refuses as an error', async () => {
    const tampered = { valid: false, reason: 'digest_mismatch', manifest } satisfies DatasetVerification;
    const { sdk } = client(
      jsonResponse(200, tampered),
      errorResponse(400, { type: 'invalid_request_error', code: 'invalid_request_body', param: 'jsonl_sha256' }),
    );
    const answer = await sdk.provenance.datasets.verify({ manifest, jsonl: jsonl.slice(1) });
    expect(answer).toMatchObject({ valid: false, reason: 'digest_mismatch' });
    const malformed = sdk.provenance.datasets.verify({ manifest, jsonl_sha256: 'xyz' });
    await expect(malformed).rejects.toBeInstanceOf(BadRequestError);
  });

  it('takes exactly one of jsonl and jsonl_sha256', () => {
    expectTypeOf<{ manifest: DatasetManifest; jsonl: string }>().toExtend<DatasetVerifyParams>();
    expectTypeOf<{ manifest: DatasetManifest; jsonl_sha256: string }>().toExtend<DatasetVerifyParams>();
    expectTypeOf<{ manifest: DatasetManifest }>().not.toExtend<DatasetVerifyParams>();
    expectTypeOf<{
      manifest: DatasetManifest;
      jsonl: string;
      jsonl_sha256: string;
    }>().not.toExtend<DatasetVerifyParams>();
  });

  it('gets the public verification keys as a JWK Set', async () => {
    const keySet = {
      keys: [{ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: 'sw-2026', x: 'A'.repeat(43) }],
    } satisfies ProvenanceKeys;
    const { sdk, requests } = client(jsonResponse(200, keySet));
    const answer = await sdk.provenance.keys();
    expectTypeOf(answer).toEqualTypeOf<ProvenanceKeys>();
    expect(answer.keys[0]?.kid).toBe('sw-2026');
    expect(requests[0]).toMatchObject({ method: 'GET', url: 'https://gw.test/v1/provenance/keys' });
  });
});
