import { type ChatMessage, type ContentPart, messageText } from '@synthwell/contracts';
import { type ChatRequest, ProviderError } from '../types.js';

/** Anthropic requires `max_tokens`; this is what a request that sets none gets. */
export const DEFAULT_MAX_TOKENS = 1024;

type TextBlock = { type: 'text'; text: string };
type ImageBlock = {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
};
type ToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };
type ToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string };
export type AnthropicBlock = TextBlock | ImageBlock | ToolUseBlock | ToolResultBlock;

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  tools?: Array<{ name: string; description?: string; input_schema: Record<string, unknown> }>;
  tool_choice?: { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string };
  metadata?: { user_id: string };
  stream?: boolean;
}

/**
 * Maps an OpenAI-style chat request to the Messages API: system and developer messages become
 * `system`, tool results become user turns, consecutive turns of one role merge, temperature is
 * clamped to Anthropic's 0..1. Options Anthropic cannot honour (n > 1, JSON modes) are refused
 * rather than silently dropped.
 */
export function toAnthropicRequest(req: ChatRequest, stream: boolean): AnthropicRequest {
  if ((req.n ?? 1) > 1)
    throw new ProviderError('unsupported', 'anthropic returns one choice per request (n must be 1)');
  if (req.response_format && req.response_format.type !== 'text') {
    throw new ProviderError('unsupported', `anthropic does not support response_format ${req.response_format.type}`);
  }
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const message of req.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = messageText(message.content);
      if (text) system.push(text);
      continue;
    }
    const turn = toTurn(message);
    const previous = messages.at(-1);
    if (previous && previous.role === turn.role) previous.content.push(...turn.content);
    else if (turn.content.length > 0) messages.push(turn);
  }
  if (messages.length === 0) {
    throw new ProviderError('invalid_request', 'anthropic needs at least one user or assistant message');
  }

  const stop = typeof req.stop === 'string' ? [req.stop] : (req.stop ?? []);
  return {
    model: req.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
    ...(stop.length > 0 ? { stop_sequences: stop } : {}),
    ...(req.temperature != null ? { temperature: Math.min(1, req.temperature) } : {}),
    ...(req.top_p != null ? { top_p: req.top_p } : {}),
    ...toolFields(req),
    ...(req.user ? { metadata: { user_id: req.user } } : {}),
    ...(stream ? { stream: true } : {}),
  };
}

function toTurn(message: Exclude<ChatMessage, { role: 'system' | 'developer' }>): AnthropicMessage {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: toBlocks(message.content) };
    case 'tool':
      return {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: message.tool_call_id, content: messageText(message.content) }],
      };
    case 'assistant': {
      const content = toBlocks(message.content ?? '');
      for (const call of message.tool_calls ?? []) {
        content.push({
          type: 'tool_use',
          id: call.id,
          name: call.function.name,
          input: parseArguments(call.function.arguments),
        });
      }
      return { role: 'assistant', content };
    }
  }
}

function toBlocks(content: string | ContentPart[] | null): AnthropicBlock[] {
  if (content === null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const blocks: AnthropicBlock[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text) blocks.push({ type: 'text', text: part.text });
      continue;
    }
    const dataUrl = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(part.image_url.url);
    blocks.push({
      type: 'image',
      source: dataUrl
        ? { type: 'base64', media_type: dataUrl[1] ?? 'image/png', data: dataUrl[2] ?? '' }
        : { type: 'url', url: part.image_url.url },
    });
  }
  return blocks;
}

function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError('invalid_request', 'a tool call in the conversation has arguments that are not valid JSON');
  }
}

function toolFields(req: ChatRequest): Pick<AnthropicRequest, 'tools' | 'tool_choice'> {
  if (!req.tools || req.tools.length === 0) return {};
  const tools = req.tools.map(({ function: fn }) => ({
    name: fn.name,
    ...(fn.description ? { description: fn.description } : {}),
    input_schema: fn.parameters ?? { type: 'object', properties: {} },
  }));
  const choice = req.tool_choice;
  if (choice === undefined) return { tools };
  if (typeof choice === 'object') return { tools, tool_choice: { type: 'tool', name: choice.function.name } };
  return { tools, tool_choice: { type: choice === 'required' ? 'any' : choice } };
}
