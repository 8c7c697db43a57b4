import type { ProviderCapabilities } from '../types.js';

/** What differs between OpenAI-compatible upstreams: data, not code. */
export interface OpenAICompatiblePreset {
  baseURL: string;
  requiresApiKey: boolean;
  capabilities: ProviderCapabilities;
  /** Whether the upstream accepts `stream_options.include_usage` (a final usage chunk). */
  streamUsage: boolean;
}

const FULL: ProviderCapabilities = { chat: true, stream: true, images: true, tools: true };
const CHAT_ONLY: ProviderCapabilities = { chat: true, stream: true, images: false, tools: true };
/**
 * Structured outputs (`response_format` json_schema) are honoured by OpenAI and xAI for their current
 * models, and by the self-hosted servers that constrain decoding with the schema: Ollama (0.5+),
 * vLLM and llama.cpp's server. Groq and Together honour it only for some models, DeepSeek not at all.
 */
const STRUCTURED = { jsonSchema: true } as const;

/** Presets by registry name. A configured provider with another name gets GENERIC_PRESET. */
export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<string, OpenAICompatiblePreset>> = {
  openai: {
    baseURL: 'https://api.openai.com/v1',
    requiresApiKey: true,
    capabilities: { ...FULL, ...STRUCTURED },
    streamUsage: true,
  },
  xai: {
    baseURL: 'https://api.x.ai/v1',
    requiresApiKey: true,
    capabilities: { ...FULL, ...STRUCTURED },
    streamUsage: true,
  },
  groq: { baseURL: 'https://api.groq.com/openai/v1', requiresApiKey: true, capabilities: CHAT_ONLY, streamUsage: true },
  together: { baseURL: 'https://api.together.xyz/v1', requiresApiKey: true, capabilities: FULL, streamUsage: true },
  deepseek: {
    baseURL: 'https://api.deepseek.com/v1',
    requiresApiKey: true,
    capabilities: CHAT_ONLY,
    streamUsage: true,
  },
  ollama: {
    baseURL: 'http://127.0.0.1:11434/v1',
    requiresApiKey: false,
    capabilities: { ...CHAT_ONLY, ...STRUCTURED },
    streamUsage: true,
  },
  vllm: {
    baseURL: 'http://127.0.0.1:8000/v1',
    requiresApiKey: false,
    capabilities: { ...CHAT_ONLY, ...STRUCTURED },
    streamUsage: true,
  },
  llamacpp: {
    baseURL: 'http://127.0.0.1:8080/v1',
    requiresApiKey: false,
    capabilities: { ...CHAT_ONLY, ...STRUCTURED },
    streamUsage: true,
  },
};

export const GENERIC_PRESET: Omit<OpenAICompatiblePreset, 'baseURL'> = {
  requiresApiKey: false,
  capabilities: FULL,
  streamUsage: true,
};

export function presetFor(name: string): OpenAICompatiblePreset | undefined {
  return Object.hasOwn(OPENAI_COMPATIBLE_PRESETS, name) ? OPENAI_COMPATIBLE_PRESETS[name] : undefined;
}
