import type { ChatCompletion, ChatCompletionChunk } from '@synthwell/contracts';
import { isRecord } from '../guards.js';
import { UpstreamCall } from '../http/upstream-call.js';
import {
  type CallContext,
  type ChatRequest,
  type GeneratedImage,
  type ImageRequest,
  type ProviderAdapter,
  type ProviderCapabilities,
  ProviderError,
} from '../types.js';
import { toChatCompletion, toChunk } from './normalize.js';
import { GENERIC_PRESET, presetFor } from './presets.js';

export interface OpenAICompatibleOptions {
  /** Registry name; a preset's name (openai, groq, ollama...) brings that preset's defaults. */
  name: string;
  /** Up to and including the version segment, e.g. https://api.openai.com/v1. */
  baseURL: string;
  apiKey?: string;
  headers?: Record<string, string>;
  capabilities?: Partial<ProviderCapabilities>;
  streamUsage?: boolean;
}

/** Image models that always answer with base64 and reject a `response_format`. */
const ALWAYS_BASE64_IMAGE_MODELS = /^gpt-image-/;

/**
 * An upstream that speaks OpenAI's chat completions and image generation API: OpenAI itself, xAI,
 * Groq, Together, DeepSeek, vLLM, Ollama, llama.cpp's server... Tools and other parameters are
 * passed through; responses are normalised to the contract's types.
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleOptions): ProviderAdapter {
  const preset = presetFor(options.name) ?? GENERIC_PRESET;
  const name = options.name;
  const baseURL = options.baseURL.replace(/\/+$/, '');
  const capabilities: ProviderCapabilities = { ...preset.capabilities, ...options.capabilities };
  const streamUsage = options.streamUsage ?? preset.streamUsage;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...options.headers,
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  };
  const streamHeaders = { ...headers, accept: 'text/event-stream' };

  function assertSupported(req: ChatRequest): void {
    if (!capabilities.tools && req.tools && req.tools.length > 0) {
      throw new ProviderError('unsupported', `${name} does not support tools`);
    }
  }

  async function chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
    assertSupported(req);
    const call = new UpstreamCall(name, ctx, false);
    try {
      // JSON.stringify leaves out keys whose value is undefined: one copy of the request, not two.
      const response = await call.send(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...req, stream: false, stream_options: undefined }),
      });
      return toChatCompletion(await call.json(response), name);
    } finally {
      call.dispose();
    }
  }

  async function* chatStream(req: ChatRequest, ctx: CallContext): AsyncGenerator<ChatCompletionChunk> {
    assertSupported(req);
    const call = new UpstreamCall(name, ctx, true);
    try {
      const body = {
        ...req,
        stream: true,
        ...(streamUsage ? { stream_options: { ...req.stream_options, include_usage: true } } : {}),
      };
      const response = await call.send(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: streamHeaders,
        body: JSON.stringify(body),
      });
      let finished = false;
      for await (const event of call.events(response)) {
        if (event.data === '[DONE]') return;
        const chunk = toChunk(parseEventData(event.data, name), name);
        if (chunk.choices.some((choice) => choice.finish_reason !== null)) finished = true;
        yield chunk;
      }
      // Some servers omit [DONE]; a stream that ended without any finish reason was cut short.
      if (!finished) throw new ProviderError('connection', `the stream from ${name} ended before it was complete`);
    } finally {
      call.dispose();
    }
  }

  async function images(req: ImageRequest, ctx: CallContext): Promise<GeneratedImage[]> {
    if (!capabilities.images) throw new ProviderError('unsupported', `${name} does not generate images`);
    const call = new UpstreamCall(name, ctx, false);
    try {
      const response = await call.send(`${baseURL}/images/generations`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model: req.model,
          prompt: req.prompt,
          n: req.n,
          size: req.size,
          ...(ALWAYS_BASE64_IMAGE_MODELS.test(req.model) ? {} : { response_format: 'b64_json' }),
        }),
      });
      return toImages(await call.json(response), name);
    } finally {
      call.dispose();
    }
  }

  return { name, capabilities, chat, chatStream, images };
}

/** A stream event's JSON; an `error` object sent mid-stream (as OpenAI does) becomes a server_error. */
function parseEventData(data: string, provider: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    throw new ProviderError('bad_response', `${provider} sent a stream event that is not valid JSON`, { cause: error });
  }
  if (isRecord(json) && isRecord(json.error)) {
    throw new ProviderError('server_error', `${provider} reported an error mid-stream`);
  }
  return json;
}

function toImages(json: unknown, provider: string): GeneratedImage[] {
  if (!isRecord(json) || !Array.isArray(json.data)) {
    throw new ProviderError('bad_response', `${provider} sent an image response of an unexpected shape`);
  }
  return json.data.map((item) => {
    if (!isRecord(item) || typeof item.b64_json !== 'string') {
      throw new ProviderError('bad_response', `${provider} sent an image without base64 data`);
    }
    return {
      png: new Uint8Array(Buffer.from(item.b64_json, 'base64')),
      ...(typeof item.revised_prompt === 'string' ? { revisedPrompt: item.revised_prompt } : {}),
    };
  });
}
