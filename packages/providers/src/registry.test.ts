import { describe, expect, it } from 'vitest';
import { createProviderRegistry } from './registry.js';

describe('createProviderRegistry', () => {
  it('registers the local provider by default, and the configured upstreams', () => {
    const registry = createProviderRegistry({
      local: { trainingFiles: 5 },
      openaiCompatible: [{ name: 'groq', baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k' }],
      anthropic: { apiKey: 'k' },
    });
    expect(registry.names()).toEqual(['local', 'groq', 'anthropic']);
    expect(registry.get('groq').capabilities).toEqual({ chat: true, stream: true, images: false, tools: true });
    expect(registry.get('local').capabilities.tools).toBe(false);
    expect(registry.has('openai')).toBe(false);
    expect(() => registry.get('openai')).toThrow(/unknown provider "openai"; registered: local, groq, anthropic/);
  });

  it('leaves the local provider out when disabled, and then is ready at once', async () => {
    const registry = createProviderRegistry({ local: false });
    expect(registry.names()).toEqual([]);
    await expect(registry.ready()).resolves.toBeUndefined();
  });

  it('refuses two providers with one name', () => {
    expect(() =>
      createProviderRegistry({
        local: false,
        openaiCompatible: [
          { name: 'vllm', baseURL: 'http://a/v1' },
          { name: 'vllm', baseURL: 'http://b/v1' },
        ],
      }),
    ).toThrow(/configured twice/);
  });
});
