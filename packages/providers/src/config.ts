import type { LocalProviderOptions } from './local/adapter.js';
import { presetFor } from './openai-compatible/presets.js';

export interface OpenAICompatibleConfig {
  /** Registry name; a preset's name (openai, xai, groq, together, deepseek, ollama, vllm, llamacpp) brings its defaults. */
  name: string;
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface AnthropicConfig {
  baseURL?: string;
  apiKey: string;
  version?: string;
}

export interface ProvidersConfig {
  /** The built-in offline models; on unless `false`. */
  local?: LocalProviderOptions | false;
  openaiCompatible?: OpenAICompatibleConfig[];
  anthropic?: AnthropicConfig;
}

/** A malformed provider variable; `variable` names it, the message says what is wrong (never its value). */
export class ProviderConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ProviderConfigError';
  }
}

const PREFIX = 'SYNTHWELL_PROVIDER_';
const SETTING = /^SYNTHWELL_PROVIDER_([A-Z0-9]+(?:_[A-Z0-9]+)*?)_(BASE_URL|API_KEY|HEADERS|VERSION)$/;

/**
 * Reads upstream providers from environment variables:
 *
 *   SYNTHWELL_PROVIDER_<NAME>_BASE_URL   e.g. SYNTHWELL_PROVIDER_VLLM_BASE_URL=http://gpu-1:8000/v1
 *   SYNTHWELL_PROVIDER_<NAME>_API_KEY    a preset's base URL is used when only the key is set
 *   SYNTHWELL_PROVIDER_<NAME>_HEADERS    extra request headers as a JSON object of strings
 *   SYNTHWELL_PROVIDER_ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY), _BASE_URL (or ANTHROPIC_BASE_URL), _VERSION
 *
 * <NAME> becomes the registry name in lower case with '_' as '-' (MY_VLLM → my-vllm); every name
 * but ANTHROPIC is an OpenAI-compatible upstream. Empty values count as unset. The built-in `local`
 * provider is not configured here. Throws a ProviderConfigError naming the first bad variable.
 */
export function parseProvidersFromEnv(env: Record<string, string | undefined>): ProvidersConfig {
  const settings = new Map<string, Map<string, { variable: string; value: string }>>();
  for (const [variable, raw] of Object.entries(env)) {
    if (!variable.startsWith(PREFIX)) continue;
    const value = raw?.trim();
    if (!value) continue;
    const match = SETTING.exec(variable);
    if (!match) {
      throw new ProviderConfigError(
        variable,
        `expected ${PREFIX}<NAME>_BASE_URL, _API_KEY, _HEADERS or (for Anthropic) _VERSION, with NAME in A-Z, 0-9 and _`,
      );
    }
    const [, name, field] = match as unknown as [string, string, string];
    if (name === 'LOCAL') {
      throw new ProviderConfigError(variable, 'the built-in local provider is configured by the gateway, not here');
    }
    if (field === 'VERSION' && name !== 'ANTHROPIC') {
      throw new ProviderConfigError(variable, '_VERSION applies to the Anthropic provider only');
    }
    if (!settings.has(name)) settings.set(name, new Map());
    settings.get(name)!.set(field, { variable, value });
  }

  const config: ProvidersConfig = {};
  const anthropic = readAnthropic(settings.get('ANTHROPIC') ?? new Map(), env);
  if (anthropic) config.anthropic = anthropic;
  const compatible = [...settings.keys()]
    .filter((name) => name !== 'ANTHROPIC')
    .sort()
    .map((name) => readOpenAICompatible(name, settings.get(name)!));
  if (compatible.length > 0) config.openaiCompatible = compatible;
  return config;
}

type Settings = Map<string, { variable: string; value: string }>;

function readOpenAICompatible(envName: string, settings: Settings): OpenAICompatibleConfig {
  const name = envName.toLowerCase().replaceAll('_', '-');
  const preset = presetFor(name);
  const baseURL = settings.get('BASE_URL');
  const apiKey = settings.get('API_KEY');
  if (!baseURL && !preset) {
    throw new ProviderConfigError(`${PREFIX}${envName}_BASE_URL`, `is required: "${name}" is not a known preset`);
  }
  if (!apiKey && preset?.requiresApiKey) {
    throw new ProviderConfigError(`${PREFIX}${envName}_API_KEY`, `is required for ${name}`);
  }
  const headers = settings.get('HEADERS');
  return {
    name,
    baseURL: baseURL ? checkUrl(baseURL.variable, baseURL.value) : preset!.baseURL,
    ...(apiKey ? { apiKey: checkKey(apiKey.variable, apiKey.value) } : {}),
    ...(headers ? { headers: checkHeaders(headers.variable, headers.value) } : {}),
  };
}

function readAnthropic(settings: Settings, env: Record<string, string | undefined>): AnthropicConfig | null {
  const fallback = (variable: string) => {
    const value = env[variable]?.trim();
    return value ? { variable, value } : undefined;
  };
  const apiKey = settings.get('API_KEY') ?? fallback('ANTHROPIC_API_KEY');
  const baseURL = settings.get('BASE_URL') ?? fallback('ANTHROPIC_BASE_URL');
  const version = settings.get('VERSION');
  if (!apiKey) {
    if (baseURL || version) {
      throw new ProviderConfigError(
        `${PREFIX}ANTHROPIC_API_KEY`,
        'is required when other Anthropic settings are given',
      );
    }
    return null;
  }
  return {
    apiKey: checkKey(apiKey.variable, apiKey.value),
    ...(baseURL ? { baseURL: checkUrl(baseURL.variable, baseURL.value) } : {}),
    ...(version ? { version: version.value } : {}),
  };
}

function checkUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderConfigError(variable, 'is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderConfigError(variable, `must be an http or https URL, not ${url.protocol}`);
  }
  if (url.search || url.hash) throw new ProviderConfigError(variable, 'must not have a query string or fragment');
  return value.replace(/\/+$/, '');
}

function checkKey(variable: string, value: string): string {
  if (/\s/.test(value)) throw new ProviderConfigError(variable, 'contains whitespace (a copy-paste error?)');
  return value;
}

function checkHeaders(variable: string, value: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ProviderConfigError(variable, 'is not valid JSON (expected an object of header names to strings)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProviderConfigError(variable, 'must be a JSON object of header names to strings');
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(parsed)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || typeof headerValue !== 'string') {
      throw new ProviderConfigError(variable, `header "${name}" must be a valid name with a string value`);
    }
    headers[name.toLowerCase()] = headerValue;
  }
  return headers;
}
