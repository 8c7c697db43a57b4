import type { ChatCompletion, CompletionUsage, FinishReason, ToolCall } from '@synthwell/contracts';
import { isRecord, optionalNumber, optionalString } from '../guards.js';
import { ProviderError, type ProviderErrorKind } from '../types.js';

const STOP_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function toFinishReason(stopReason: unknown): FinishReason {
  return (typeof stopReason === 'string' ? STOP_REASONS[stopReason] : undefined) ?? 'stop';
}

/** Anthropic counts cached prompt tokens apart from `input_tokens`; OpenAI's prompt_tokens include them. */
export function promptTokens(usage: Record<string, unknown>): number {
  return (
    (optionalNumber(usage.input_tokens) ?? 0) +
    (optionalNumber(usage.cache_creation_input_tokens) ?? 0) +
    (optionalNumber(usage.cache_read_input_tokens) ?? 0)
  );
}

export function toUsage(prompt: number, completion: number): CompletionUsage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A Messages API response as an OpenAI chat completion: text blocks join, tool_use blocks become tool calls. */
export function toChatCompletion(json: unknown, provider: string): ChatCompletion {
  if (!isRecord(json) || !Array.isArray(json.content)) {
    throw new ProviderError('bad_response', `${provider} sent a message of an unexpected shape`);
  }
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of json.content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    if (block.type === 'tool_use' && typeof block.name === 'string') {
      toolCalls.push({
        id: optionalString(block.id) ?? '',
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const usage = isRecord(json.usage) ? json.usage : {};
  return {
    id: optionalString(json.id) ?? 'msg-upstream',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: optionalString(json.model) ?? '',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: toFinishReason(json.stop_reason),
      },
    ],
    usage: toUsage(promptTokens(usage), optionalNumber(usage.output_tokens) ?? 0),
  };
}

const ERROR_KINDS: Readonly<Record<string, ProviderErrorKind>> = {
  invalid_request_error: 'invalid_request',
  request_too_large: 'invalid_request',
  authentication_error: 'auth',
  permission_error: 'auth',
  rate_limit_error: 'rate_limited',
  overloaded_error: 'server_error',
  api_error: 'server_error',
  timeout_error: 'timeout',
};

/** An `error` event sent mid-stream (e.g. overloaded_error) as a ProviderError. */
export function streamError(data: unknown, provider: string): ProviderError {
  const error = isRecord(data) && isRecord(data.error) ? data.error : {};
  const type = optionalString(error.type) ?? 'api_error';
  const kind = ERROR_KINDS[type] ?? 'server_error';
  return new ProviderError(kind, `${provider} reported ${type} mid-stream`);
}
