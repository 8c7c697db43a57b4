import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, env, loadConfig } from './config.js';

const schema = z.object({
  PORT: env.port(4000),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  SESSION_SECRET: env.secret(32),
  VERBOSE: env.boolean(false),
});

describe('loadConfig', () => {
  it('applies defaults and coerces types', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgresql://localhost/x', SESSION_SECRET: 'x'.repeat(32) });
    expect(config).toEqual({
      PORT: 4000,
      DATABASE_URL: 'postgresql://localhost/x',
      SESSION_SECRET: 'x'.repeat(32),
      VERBOSE: false,
    });
  });

  it('names every missing or malformed variable in one error, and never echoes secrets', () => {
    let error: unknown;
    try {
      loadConfig(schema, {
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SESSION_SECRET: 'short-secret-value',
        VERBOSE: 'yes',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT must be a port number (got "eighty")');
    expect(message).toContain('DATABASE_URL must be a postgres or postgresql URL (got "mysql://x")');
    expect(message).toContain('SESSION_SECRET must be at least 32 characters (got "<redacted>")');
    expect(message).toContain('VERBOSE must be true or false');
    expect(message).not.toContain('short-secret-value');
  });

  it('treats empty strings as unset', () => {
    expect(() => loadConfig(schema, { DATABASE_URL: '', SESSION_SECRET: 'x'.repeat(32) })).toThrow(
      /DATABASE_URL is required but not set/,
    );
  });

  it('rejects out-of-range ports', () => {
    expect(() =>
      loadConfig(schema, { PORT: '70000', DATABASE_URL: 'postgres://h/d', SESSION_SECRET: 'x'.repeat(32) }),
    ).toThrow(/PORT must be between 0 and 65535/);
  });
});
