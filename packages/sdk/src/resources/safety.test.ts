import type { SafetyFlagList, SafetyPlanPolicy, SafetyPolicyList } from '@synthwell/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Synthwell } from '../client.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { errorResponse, jsonResponse, type Reply, scriptedFetch } from '../testing/fake-fetch.js';

function client(...replies: Reply[]) {
  const { fetch, requests } = scriptedFetch(...replies);
  return {
    sdk: new Synthwell({ sessionToken: 'swt_admin', baseURL: 'https://gw.test/v1', fetch, maxRetries: 0 }),
    requests,
  };
}

const planPolicy = {
  plan: 'free',
  policy: {
    'sexual/minors': 'block',
    'violence/graphic': 'flag',
    'self-harm': 'block',
    hate: 'block',
    'real-person': 'block',
    'intellectual-property': 'block',
    'personal-data': 'redact',
  },
  overrides: { 'violence/graphic': 'flag' },
  updated_at: 1_780_000_000,
  updated_by: 'usr_admin',
} satisfies SafetyPlanPolicy;

describe('client.safety', () => {
  it('lists every plan’s policy', async () => {
    const list = { object: 'list', data: [planPolicy], fixed: { 'sexual/minors': 'block' } };
    const { sdk, requests } = client(jsonResponse(200, list));
    const answer = await sdk.safety.policies.list();
    expectTypeOf(answer).toEqualTypeOf<SafetyPolicyList>();
    expect(answer.fixed).toEqual({ 'sexual/minors': 'block' });
    expect(requests[0]).toMatchObject({ method: 'GET', url: 'https://gw.test/v1/safety/policies' });
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer swt_admin');
  });

  it('changes one plan with a PUT of only the categories that change, with no idempotency key', async () => {
    const { sdk, requests } = client(jsonResponse(200, planPolicy));
    const saved = await sdk.safety.policies.update('free plan/x', { 'violence/graphic': 'flag' });
    expectTypeOf(saved).toEqualTypeOf<SafetyPlanPolicy>();
    expect(saved.policy['violence/graphic']).toBe('flag');
    expect(requests[0]).toMatchObject({
      method: 'PUT',
      url: 'https://gw.test/v1/safety/policies/free%20plan%2Fx',
      body: { 'violence/graphic': 'flag' },
    });
    expect(requests[0]?.headers.get('idempotency-key')).toBeNull();
  });

  it('surfaces a refused change and a non-admin caller as typed errors', async () => {
    const { sdk } = client(
      errorResponse(400, { type: 'invalid_request_error', code: 'invalid_request_body', param: 'sexual/minors' }),
      errorResponse(404, { type: 'not_found_error', code: 'not_found' }),
    );
    const refused = sdk.safety.policies.update('free', { 'sexual/minors': 'allow' });
    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(sdk.safety.flags.list()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pages flags with filters in the query string', async () => {
    const page = { object: 'list', data: [], has_more: false, next_cursor: null } satisfies SafetyFlagList;
    const { sdk, requests } = client(jsonResponse(200, page));
    const answer = await sdk.safety.flags.list({
      category: 'violence/graphic',
      action: 'flag',
      plan: 'free',
      since: 1_780_000_000,
      limit: 20,
      cursor: 'flg_2',
    });
    expectTypeOf(answer).toEqualTypeOf<SafetyFlagList>();
    const url = new URL(requests[0]?.url ?? '');
    expect(url.pathname).toBe('/v1/safety/flags');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      category: 'violence/graphic',
      action: 'flag',
      plan: 'free',
      since: '1780000000',
      limit: '20',
      cursor: 'flg_2',
    });
  });
});
