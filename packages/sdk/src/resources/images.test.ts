import type { ImageList } from '@synthwell/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Synthwell } from '../client.js';
import { NotFoundError } from '../errors.js';
import { errorResponse, jsonResponse, type Reply, scriptedFetch } from '../testing/fake-fetch.js';

function client(...replies: Reply[]) {
  const { fetch, requests } = scriptedFetch(...replies);
  return { sdk: new Synthwell({ apiKey: 'sk-sw-test', baseURL: 'https://gw.test/v1', fetch }), requests };
}

const page: ImageList = {
  object: 'list',
  data: [
    {
      id: 'img_b',
      object: 'image',
      created: 1_700_000_000,
      model: 'sw-canvas',
      size: '256x256',
      bytes: 1234,
      url: 'https://gw.test/v1/images/files/img_b.png?expires=1&sig=s',
      url_expires_at: 1_700_003_600,
    },
  ],
  has_more: true,
  next_cursor: 'img_b',
};

describe('client.images.list', () => {
  it('asks for a page with limit and cursor and returns it as sent', async () => {
    const { sdk, requests } = client(jsonResponse(200, page), jsonResponse(200, { ...page, data: [] }));
    const first = await sdk.images.list({ limit: 1 });
    expectTypeOf(first).toEqualTypeOf<ImageList>();
    expect(first).toEqual(page);
    await sdk.images.list({ cursor: first.next_cursor ?? undefined });
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET https://gw.test/v1/images?limit=1',
      'GET https://gw.test/v1/images?cursor=img_b',
    ]);
    expect(requests[0]?.headers.get('idempotency-key')).toBeNull();
  });

  it('lists without parameters', async () => {
    const { sdk, requests } = client(jsonResponse(200, page));
    await sdk.images.list();
    expect(requests[0]?.url).toBe('https://gw.test/v1/images');
  });
});

describe('client.images.delete', () => {
  it('sends DELETE for the id, with no body, and returns the deletion', async () => {
    const deleted = { id: 'img_a/b', object: 'image', deleted: true };
    const { sdk, requests } = client(jsonResponse(200, deleted));
    expect(await sdk.images.delete('img_a/b')).toEqual(deleted);
    expect(requests[0]?.method).toBe('DELETE');
    expect(requests[0]?.url).toBe('https://gw.test/v1/images/img_a%2Fb');
    expect(requests[0]?.body).toBeUndefined();
    expect(requests[0]?.headers.get('content-type')).toBeNull();
    expect(requests[0]?.headers.get('authorization')).toBe('Bearer sk-sw-test');
  });

  it("maps an image that is not the caller's (404) to NotFoundError, without retrying", async () => {
    const { sdk, requests } = client(errorResponse(404, { type: 'not_found_error', code: 'not_found', param: 'id' }));
    const error = await sdk.images.delete('img_theirs').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('not_found');
    expect(requests).toHaveLength(1);
  });
});
