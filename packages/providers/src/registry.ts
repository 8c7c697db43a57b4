import { createAnthropicProvider } from './anthropic/adapter.js';
import type { ProvidersConfig } from './config.js';
import { createLocalProvider } from './local/adapter.js';
import { createOpenAICompatibleProvider } from './openai-compatible/adapter.js';
import type { ProviderAdapter } from './types.js';

export interface ProviderRegistry {
  /** The adapter registered under `name`; throws for an unknown name. */
  get(name: string): ProviderAdapter;
  has(name: string): boolean;
  names(): string[];
  /** Resolves when every provider that needs preparing (the local models) is ready. */
  ready(): Promise<void>;
}

/** The one place providers are registered: the built-in local models, OpenAI-compatible upstreams, Anthropic. */
export function createProviderRegistry(config: ProvidersConfig): ProviderRegistry {
  const adapters = new Map<string, ProviderAdapter>();
  const preparations: Array<() => Promise<void>> = [];
  const register = (adapter: ProviderAdapter) => {
    if (adapters.has(adapter.name)) throw new Error(`provider "${adapter.name}" is configured twice`);
    adapters.set(adapter.name, adapter);
  };

  if (config.local !== false) {
    const local = createLocalProvider(config.local ?? {});
    register(local);
    preparations.push(() => local.ready());
  }
  for (const upstream of config.openaiCompatible ?? []) register(createOpenAICompatibleProvider(upstream));
  if (config.anthropic) register(createAnthropicProvider(config.anthropic));

  return {
    get(name) {
      const adapter = adapters.get(name);
      if (!adapter)
        throw new Error(`unknown provider "${name}"; registered: ${[...adapters.keys()].join(', ') || 'none'}`);
      return adapter;
    },
    has: (name) => adapters.has(name),
    names: () => [...adapters.keys()],
    ready: async () => {
      await Promise.all(preparations.map((prepare) => prepare()));
    },
  };
}
