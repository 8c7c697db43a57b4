import { z } from 'zod';

const MAX_MESSAGES = 2_048;
const MAX_TEXT = 1_000_000;

export const TextPart = z.object({ type: z.literal('text'), text: z.string().max(MAX_TEXT) });
export const ImageUrlPart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string().max(20_000_000), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
export const ContentPart = z.discriminatedUnion('type', [TextPart, ImageUrlPart]);
export type ContentPart = z.infer<typeof ContentPart>;

const Content = z.union([z.string().max(MAX_TEXT), z.array(ContentPart).max(256)]);

export const ToolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const ChatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: Content, name: z.string().max(256).optional() }),
  z.object({ role: z.literal('developer'), content: Content, name: z.string().max(256).optional() }),
  z.object({ role: z.literal('user'), content: Content, name: z.string().max(256).optional() }),
  z.object({
    role: z.literal('assistant'),
    content: Content.nullable().optional(),
    name: z.string().max(256).optional(),
    tool_calls: z.array(ToolCall).optional(),
    refusal: z.string().nullable().optional(),
  }),
  z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string() }),
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

export const Tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().max(64),
    description: z.string().max(4_096).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
]);

export const ResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

/**
 * The request body of `POST /v1/chat/completions`. Unknown fields are rejected so a typo such as
 * `max_token` is an error rather than silently ignored.
 */
export const ChatCompletionCreateParams = z.strictObject({
  model: z.string().min(1).max(256),
  messages: z.array(ChatMessage).min(1, 'messages must contain at least one message').max(MAX_MESSAGES),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  max_tokens: z.number().int().positive().max(1_000_000).nullable().optional(),
  max_completion_tokens: z.number().int().positive().max(1_000_000).nullable().optional(),
  stop: z
    .union([z.string().max(256), z.array(z.string().max(256)).max(4)])
    .nullable()
    .optional(),
  n: z.number().int().min(1).max(8).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().max(256).optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  response_format: ResponseFormat.optional(),
  tools: z.array(Tool).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullable().optional(),
  service_tier: z.string().nullable().optional(),
});
export type ChatCompletionCreateParams = z.infer<typeof ChatCompletionCreateParams>;

export const FinishReason = z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);
export type FinishReason = z.infer<typeof FinishReason>;

export const CompletionUsage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});
export type CompletionUsage = z.infer<typeof CompletionUsage>;

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.string().nullable().optional(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.string().nullable().optional(),
        tool_calls: z.array(ToolCall).optional(),
      }),
      finish_reason: FinishReason.nullable(),
      logprobs: z.null().optional(),
    }),
  ),
  usage: CompletionUsage,
});
export type ChatCompletion = z.infer<typeof ChatCompletion>;

export const ChatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.string().nullable().optional(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().nullable().optional(),
        tool_calls: z
          .array(
            z.object({
              index: z.number().int(),
              id: z.string().optional(),
              type: z.literal('function').optional(),
              function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
            }),
          )
          .optional(),
      }),
      finish_reason: FinishReason.nullable(),
      logprobs: z.null().optional(),
    }),
  ),
  usage: CompletionUsage.nullable().optional(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunk>;

/** The text of a message's content, whether given as a string or as parts. */
export function messageText(content: string | ContentPart[] | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
