import type { ChatCompletion, ChatCompletionChunk } from '@synthwell/contracts';
import { UpstreamCall } from '../http/upstream-call.js';
import { type CallContext, type ChatRequest, type ProviderAdapter, ProviderError } from '../types.js';
import { toAnthropicRequest } from './request.js';
import { toChatCompletion } from './response.js';
import { AnthropicStreamMapper } from './stream.js';

export interface AnthropicOptions {
  apiKey: string;
  /** Without the version segment; default https://api.anthropic.com. */
  baseURL?: string;
  /** The `anthropic-version` header. */
  version?: string;
  /** Registry name; default 'anthropic'. */
  name?: string;
}

export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic's Messages API behind the OpenAI-shaped adapter interface. Chat only. */
export function createAnthropicProvider(options: AnthropicOptions): ProviderAdapter {
  const name = options.name ?? 'anthropic';
  const url = `${(options.baseURL ?? DEFAULT_ANTHROPIC_BASE_URL).replace(/\/+$/, '')}/v1/messages`;
  const headers = {
    'content-type': 'application/json',
    'x-api-key': options.apiKey,
    'anthropic-version': options.version ?? DEFAULT_ANTHROPIC_VERSION,
  };
  const streamHeaders = { ...headers, accept: 'text/event-stream' };

  async function chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
    const body = JSON.stringify(toAnthropicRequest(req, false));
    const call = new UpstreamCall(name, ctx, false);
    try {
      const response = await call.send(url, { method: 'POST', headers, body });
      return toChatCompletion(await call.json(response), name);
    } finally {
      call.dispose();
    }
  }

  async function* chatStream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatCompletionChunk> {
    const body = JSON.stringify(toAnthropicRequest(req, true));
    const call = new UpstreamCall(name, ctx, true);
    const mapper = new AnthropicStreamMapper(name);
    try {
      const response = await call.send(url, {
        method: 'POST',
        headers: streamHeaders,
        body,
      });
      for await (const event of call.events(response)) {
        yield* mapper.map(event);
        if (mapper.complete) return;
      }
      throw new ProviderError('connection', `the stream from ${name} ended before it was complete`);
    } finally {
      call.dispose();
    }
  }

  async function images(): Promise<never> {
    throw new ProviderError('unsupported', `${name} does not generate images`);
  }

  return { name, capabilities: { chat: true, stream: true, images: false, tools: true }, chat, chatStream, images };
}
