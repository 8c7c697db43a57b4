import { ConfigError } from '@synthwell/server';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './env.js';

const base = {
  DATABASE_URL: 'postgresql://localhost/synthwell',
  SESSION_TOKEN_SECRETS: 'a'.repeat(32),
  IMAGE_URL_SECRET: 'b'.repeat(32),
};

describe('gateway configuration', () => {
  it('has working defaults for everything but the database and the secrets', () => {
    const config = loadGatewayConfig(base);
    expect(config).toMatchObject({
      GATEWAY_PORT: 4000,
      IMAGE_STORE: 'local',
      AUTH_CACHE_TTL_MS: 5000,
      publicUrl: 'http://localhost:4000',
    });
    expect(config.SESSION_TOKEN_SECRETS).toEqual(['a'.repeat(32)]);
  });

  it('names each missing or malformed variable', () => {
    expect(() => loadGatewayConfig({})).toThrow(/DATABASE_URL is required but not set/);
    expect(() => loadGatewayConfig({ ...base, SESSION_TOKEN_SECRETS: 'short' })).toThrow(
      /SESSION_TOKEN_SECRETS must be one or more comma-separated secrets/,
    );
    expect(() => loadGatewayConfig({ ...base, AUTH_CACHE_TTL_MS: '60000' })).toThrow(/AUTH_CACHE_TTL_MS/);
    expect(() => loadGatewayConfig({ ...base, REDIS_URL: 'http://nope' })).toThrow(
      /REDIS_URL must be a redis or rediss URL/,
    );
  });

  it('requires the S3 variables only when images go to S3', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ ...base, IMAGE_STORE: 's3', S3_BUCKET: 'images' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'S3_ENDPOINT is required when IMAGE_STORE=s3',
      'S3_ACCESS_KEY_ID is required when IMAGE_STORE=s3',
      'S3_SECRET_ACCESS_KEY is required when IMAGE_STORE=s3',
    ]);
  });
});
