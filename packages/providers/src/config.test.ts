import { describe, expect, it } from 'vitest';
import { ProviderConfigError, parseProvidersFromEnv } from './config.js';

function configError(env: Record<string, string>): ProviderConfigError {
  try {
    parseProvidersFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderConfigError);
    return error as ProviderConfigError;
  }
  throw new Error('expected a ProviderConfigError');
}

describe('parseProvidersFromEnv', () => {
  it('configures nothing from an empty environment', () => {
    expect(parseProvidersFromEnv({ PATH: '/usr/bin', SYNTHWELL_PROVIDER_GROQ_API_KEY: '' })).toEqual({});
  });

  it('reads OpenAI-compatible upstreams, with preset base URLs when only a key is given', () => {
    const config = parseProvidersFromEnv({
      SYNTHWELL_PROVIDER_OPENAI_API_KEY: 'sk-1',
      SYNTHWELL_PROVIDER_MY_VLLM_BASE_URL: 'http://gpu-1:8000/v1/',
      SYNTHWELL_PROVIDER_MY_VLLM_HEADERS: '{"X-Team":"research"}',
    });
    expect(config.openaiCompatible).toEqual([
      { name: 'my-vllm', baseURL: 'http://gpu-1:8000/v1', headers: { 'x-team': 'research' } },
      { name: 'openai', baseURL: 'https://api.openai.com/v1', apiKey: 'sk-1' },
    ]);
  });

  it('reads Anthropic from its own variables or the usual ANTHROPIC_API_KEY', () => {
    expect(parseProvidersFromEnv({ ANTHROPIC_API_KEY: 'ak-1' })).toEqual({ anthropic: { apiKey: 'ak-1' } });
    expect(
      parseProvidersFromEnv({
        ANTHROPIC_API_KEY: 'ak-1',
        SYNTHWELL_PROVIDER_ANTHROPIC_API_KEY: 'ak-2',
        SYNTHWELL_PROVIDER_ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
        SYNTHWELL_PROVIDER_ANTHROPIC_VERSION: '2023-06-01',
      }),
    ).toEqual({ anthropic: { apiKey: 'ak-2', baseURL: 'http://127.0.0.1:9999', version: '2023-06-01' } });
  });

  it('names the variable that is wrong, without echoing secrets', () => {
    expect(configError({ SYNTHWELL_PROVIDER_FOO_BASEURL: 'http://x' }).variable).toBe('SYNTHWELL_PROVIDER_FOO_BASEURL');
    expect(configError({ SYNTHWELL_PROVIDER_CUSTOM_API_KEY: 'k' }).variable).toBe('SYNTHWELL_PROVIDER_CUSTOM_BASE_URL');
    expect(configError({ SYNTHWELL_PROVIDER_GROQ_HEADERS: '{"a":1}' }).variable).toBe(
      'SYNTHWELL_PROVIDER_GROQ_API_KEY',
    );
    expect(configError({ SYNTHWELL_PROVIDER_X_BASE_URL: 'not a url' }).message).toMatch(/not a valid URL/);
    expect(configError({ SYNTHWELL_PROVIDER_X_BASE_URL: 'ftp://host/v1' }).message).toMatch(/http or https/);
    expect(
      configError({ SYNTHWELL_PROVIDER_X_BASE_URL: 'http://h', SYNTHWELL_PROVIDER_X_HEADERS: '[1]' }).message,
    ).toMatch(/JSON object/);
    expect(configError({ SYNTHWELL_PROVIDER_LOCAL_BASE_URL: 'http://h' }).message).toMatch(/built-in/);
    expect(configError({ SYNTHWELL_PROVIDER_ANTHROPIC_BASE_URL: 'http://h' }).variable).toBe(
      'SYNTHWELL_PROVIDER_ANTHROPIC_API_KEY',
    );
    const key = configError({ SYNTHWELL_PROVIDER_OPENAI_API_KEY: 'sk-secret value' });
    expect(key.message).toMatch(/whitespace/);
    expect(key.message).not.toContain('sk-secret');
  });
});
