import type { ChatCompletion } from '@synthwell/contracts';
import type { ChatRequest, ProviderAdapter, ProviderCapabilities, ProviderRegistry } from '@synthwell/providers';
import { createLogger } from '@synthwell/server';
import type { JsonSchema } from '@synthwell/synthetic';
import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import type { UsageLedger } from '../metering/usage-ledger.js';
import { MetricsService } from '../observability/metrics.service.js';
import { RouterService } from '../router/router.service.js';
import { routedChat, UpstreamBackoff } from './routed-chat.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['city'],
  properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
};

/** An adapter that answers every chat call with `{"city":"Lyon"}` and keeps the requests it was sent. */
function recordingAdapter(name: string, capabilities: Partial<ProviderCapabilities>) {
  const requests: ChatRequest[] = [];
  const adapter: ProviderAdapter = {
    name,
    capabilities: { chat: true, stream: true, images: false, tools: false, ...capabilities },
    async chat(req): Promise<ChatCompletion> {
      requests.push(req);
      return {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: req.model,
        choices: [{ index: 0, message: { role: 'assistant', content: '{"city":"Lyon"}' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      };
    },
    chatStream: () => {
      throw new Error('not used');
    },
    images: () => {
      throw new Error('not used');
    },
  };
  return { adapter, requests };
}

/** The engine's chat function for a model served by `adapter` alone, through the real router. */
function chatThrough(adapter: ProviderAdapter) {
  const registry: ProviderRegistry = {
    get: () => adapter,
    has: () => true,
    names: () => [adapter.name],
    ready: async () => {},
  };
  const config = {
    UPSTREAM_MAX_RETRIES: 0,
    UPSTREAM_CONNECT_TIMEOUT_MS: 1_000,
    UPSTREAM_FIRST_BYTE_TIMEOUT_MS: 1_000,
    UPSTREAM_TOTAL_TIMEOUT_MS: 1_000,
  } as GatewayConfig;
  const router = new RouterService(
    registry,
    config,
    createLogger({ name: 'test', level: 'silent' }),
    new MetricsService(),
  );
  const model = {
    id: 'm',
    kind: 'chat',
    tier: 'standard',
    routes: [{ id: 'route_1', provider: adapter.name, upstreamModel: 'upstream-m', order: 0, weight: 1 }],
  } as unknown as CatalogModel;
  return routedChat({
    router,
    ledger: { record: () => {} } as unknown as UsageLedger,
    config,
    model,
    owner: { userId: 'usr_1', apiKeyId: null },
    jobId: 'job_1',
    backoff: new UpstreamBackoff(),
    signal: new AbortController().signal,
  });
}

const messages = [{ role: 'user', content: 'Write one city record as JSON.' }] as const;

describe('routedChat with a JSON Schema', () => {
  it('asks a route that honours structured output for JSON that validates against the schema', async () => {
    const { adapter, requests } = recordingAdapter('structured', { jsonSchema: true });
    const chat = chatThrough(adapter);
    expect(await chat(messages, { jsonSchema: schema, seed: 3 })).toBe('{"city":"Lyon"}');
    await chat(messages, { seed: 4 });
    expect(requests[0]).toMatchObject({
      model: 'upstream-m',
      seed: 3,
      response_format: { type: 'json_schema', json_schema: { name: 'record', schema } },
    });
    expect(requests[1]).not.toHaveProperty('response_format');
  });

  it('sends the plain request to a route without structured output', async () => {
    const { adapter, requests } = recordingAdapter('plain', {});
    await chatThrough(adapter)(messages, { jsonSchema: schema });
    expect(requests).toHaveLength(1);
    expect(requests[0]).not.toHaveProperty('response_format');
    expect(requests[0]?.messages).toEqual(messages);
  });
});
