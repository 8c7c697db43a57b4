import { createHash, createHmac } from 'node:crypto';
import type { ImageStore } from './image-store.js';

export interface S3Options {
  /** e.g. https://s3.eu-west-1.amazonaws.com, or a MinIO/R2 endpoint. Objects are addressed path-style. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  now: Date;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it; `/` kept in paths. */
function encode(value: string, keepSlash: boolean): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, keepSlash ? '/' : '%2F');
}

/**
 * AWS Signature Version 4 for one request: returns the headers to send (the given ones plus
 * x-amz-date, x-amz-content-sha256 and Authorization). Written here so image storage needs no SDK.
 */
export function signV4(input: SignInput): Record<string, string> {
  const amzDate = input.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...input.headers,
    host: input.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': input.payloadHash,
  };
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lower = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value.trim().replace(/\s+/g, ' ')]),
  );
  const canonicalQuery = [...input.url.searchParams.entries()]
    .map(([key, value]) => `${encode(key, false)}=${encode(value, false)}`)
    .sort()
    .join('&');
  const canonicalRequest = [
    input.method,
    encode(decodeURIComponent(input.url.pathname), true),
    canonicalQuery,
    names.map((name) => `${name}:${lower[name]}\n`).join(''),
    names.join(';'),
    input.payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

/** Images in any S3-compatible object store (AWS S3, MinIO, R2, ...), path-style addressing. */
export class S3ImageStore implements ImageStore {
  constructor(
    private readonly options: S3Options,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private url(key: string): URL {
    return new URL(
      `${this.options.endpoint.replace(/\/$/, '')}/${this.options.bucket}/${key
        .split('/')
        .map((part) => encode(part, false))
        .join('/')}`,
    );
  }

  private sign(
    method: string,
    url: URL,
    payload: Uint8Array,
    headers: Record<string, string> = {},
  ): Record<string, string> {
    return signV4({
      method,
      url,
      headers,
      payloadHash: sha256(payload),
      region: this.options.region,
      service: 's3',
      accessKeyId: this.options.accessKeyId,
      secretAccessKey: this.options.secretAccessKey,
      now: new Date(),
    });
  }

  async put(key: string, png: Uint8Array): Promise<void> {
    const url = this.url(key);
    const headers = this.sign('PUT', url, png, { 'content-type': 'image/png' });
    delete headers.host;
    const response = await this.fetchImpl(url, { method: 'PUT', headers, body: Buffer.from(png) });
    if (!response.ok) throw new Error(`object store refused the image (${response.status})`);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const url = this.url(key);
    const headers = this.sign('GET', url, new Uint8Array());
    delete headers.host;
    const response = await this.fetchImpl(url, { headers });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`object store failed to return the image (${response.status})`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const url = this.url(key);
    const headers = this.sign('DELETE', url, new Uint8Array());
    delete headers.host;
    const response = await this.fetchImpl(url, { method: 'DELETE', headers });
    // S3 answers 204 whether or not the object existed; some compatible stores answer 404 for a missing one.
    if (!response.ok && response.status !== 404) {
      throw new Error(`object store failed to delete the image (${response.status})`);
    }
  }
}
