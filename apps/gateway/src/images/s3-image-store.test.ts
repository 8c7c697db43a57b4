import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { S3ImageStore, signV4 } from './s3-image-store.js';

describe('SigV4', () => {
  it("matches AWS's published example for GET Object", () => {
    // From the S3 documentation's "Example: GET Object" (Signature Version 4, header-based auth).
    const headers = signV4({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { range: 'bytes=0-9' },
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      region: 'us-east-1',
      service: 's3',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      now: new Date('2013-05-24T00:00:00Z'),
    });
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });
});

describe('S3ImageStore', () => {
  it('puts, gets and deletes objects path-style with signed requests, and reports a missing one as null', async () => {
    const objects = new Map<string, Buffer>();
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization?.split(' ')[0]}`);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (!req.headers.authorization?.includes('Credential=key-id/')) return res.writeHead(403).end();
        if (req.method === 'PUT') {
          objects.set(req.url ?? '', Buffer.concat(chunks));
          return res.writeHead(200).end();
        }
        if (req.method === 'DELETE') {
          objects.delete(req.url ?? '');
          return res.writeHead(204).end();
        }
        const body = objects.get(req.url ?? '');
        if (!body) return res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'image/png' }).end(body);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const store = new S3ImageStore({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        bucket: 'images',
        region: 'auto',
        accessKeyId: 'key-id',
        secretAccessKey: 'secret',
      });
      await store.put('usr_1/img_1.png', new Uint8Array([1, 2, 3]));
      expect(await store.get('usr_1/img_1.png')).toEqual(new Uint8Array([1, 2, 3]));
      expect(await store.get('usr_1/missing.png')).toBeNull();
      expect(seen[0]).toBe('PUT /images/usr_1/img_1.png AWS4-HMAC-SHA256');
      await store.delete('usr_1/img_1.png');
      expect(seen.at(-1)).toBe('DELETE /images/usr_1/img_1.png AWS4-HMAC-SHA256');
      expect(await store.get('usr_1/img_1.png')).toBeNull();
    } finally {
      server.close();
    }
  });
});
