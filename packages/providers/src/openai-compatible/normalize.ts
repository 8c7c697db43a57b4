import type {
  ChatCompletion,
  ChatCompletionChunk,
  CompletionUsage,
  FinishReason,
  ToolCall,
} from '@synthwell/contracts';
import { isRecord, optionalNumber, optionalString } from '../guards.js';
import { ProviderError } from '../types.js';

/**
 * Reads OpenAI-shaped JSON from any compatible upstream into the contract's types: unknown fields
 * are dropped, unknown finish reasons become 'stop', and a missing usage becomes zeros (which tells
 * the gateway to count tokens itself). A body of the wrong shape is a `bad_response`.
 */

const FINISH_REASONS: ReadonlySet<string> = new Set([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'function_call',
]);

type ChunkToolCall = NonNullable<ChatCompletionChunk['choices'][number]['delta']['tool_calls']>[number];

export function toChatCompletion(json: unknown, provider: string): ChatCompletion {
  if (!isRecord(json) || !Array.isArray(json.choices)) throw shapeError(provider, 'chat completion');
  const choices = json.choices.map((choice, position): ChatCompletion['choices'][number] => {
    if (!isRecord(choice) || !isRecord(choice.message)) throw shapeError(provider, 'chat completion');
    const message = choice.message;
    const content = message.content;
    if (content !== null && content !== undefined && typeof content !== 'string') {
      throw shapeError(provider, 'chat completion');
    }
    const toolCalls = Array.isArray(message.tool_calls)
      ? message.tool_calls.map((call) => toToolCall(call, provider))
      : [];
    return {
      index: optionalNumber(choice.index) ?? position,
      message: {
        role: 'assistant',
        content: content ?? null,
        ...(typeof message.refusal === 'string' ? { refusal: message.refusal } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finish_reason: toFinishReason(choice.finish_reason),
    };
  });
  return {
    id: optionalString(json.id) ?? 'chatcmpl-upstream',
    object: 'chat.completion',
    created: optionalNumber(json.created) ?? Math.floor(Date.now() / 1000),
    model: optionalString(json.model) ?? '',
    ...(typeof json.system_fingerprint === 'string' ? { system_fingerprint: json.system_fingerprint } : {}),
    choices,
    usage: toUsage(json.usage) ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  };
}

export function toChunk(json: unknown, provider: string): ChatCompletionChunk {
  if (!isRecord(json) || !Array.isArray(json.choices)) throw shapeError(provider, 'stream chunk');
  const choices = json.choices.map((choice, position): ChatCompletionChunk['choices'][number] => {
    if (!isRecord(choice)) throw shapeError(provider, 'stream chunk');
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const toolCalls = Array.isArray(delta.tool_calls)
      ? delta.tool_calls.map((call) => toChunkToolCall(call, provider))
      : [];
    return {
      index: optionalNumber(choice.index) ?? position,
      delta: {
        ...(delta.role === 'assistant' ? { role: 'assistant' as const } : {}),
        ...(typeof delta.content === 'string' ? { content: delta.content } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finish_reason: toFinishReason(choice.finish_reason),
    };
  });
  const usage = toUsage(json.usage);
  return {
    id: optionalString(json.id) ?? 'chatcmpl-upstream',
    object: 'chat.completion.chunk',
    created: optionalNumber(json.created) ?? Math.floor(Date.now() / 1000),
    model: optionalString(json.model) ?? '',
    choices,
    ...(usage ? { usage } : {}),
  };
}

export function toFinishReason(value: unknown): FinishReason | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' && FINISH_REASONS.has(value) ? (value as FinishReason) : 'stop';
}

function toUsage(value: unknown): CompletionUsage | null {
  if (!isRecord(value)) return null;
  const prompt = optionalNumber(value.prompt_tokens);
  const completion = optionalNumber(value.completion_tokens);
  if (prompt === undefined || completion === undefined) return null;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: optionalNumber(value.total_tokens) ?? prompt + completion,
  };
}

function toToolCall(value: unknown, provider: string): ToolCall {
  if (!isRecord(value) || !isRecord(value.function) || typeof value.function.name !== 'string') {
    throw shapeError(provider, 'tool call');
  }
  const args = value.function.arguments;
  return {
    id: optionalString(value.id) ?? '',
    type: 'function',
    function: { name: value.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
  };
}

function toChunkToolCall(value: unknown, provider: string): ChunkToolCall {
  if (!isRecord(value)) throw shapeError(provider, 'tool call delta');
  const fn = isRecord(value.function) ? value.function : undefined;
  return {
    index: optionalNumber(value.index) ?? 0,
    ...(typeof value.id === 'string' ? { id: value.id } : {}),
    ...(value.type === 'function' ? { type: 'function' as const } : {}),
    ...(fn
      ? {
          function: {
            ...(typeof fn.name === 'string' ? { name: fn.name } : {}),
            ...(typeof fn.arguments === 'string' ? { arguments: fn.arguments } : {}),
          },
        }
      : {}),
  };
}

function shapeError(provider: string, what: string): ProviderError {
  return new ProviderError('bad_response', `${provider} sent a ${what} of an unexpected shape`);
}
