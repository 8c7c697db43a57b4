import type { ChatCompletionChunk } from '@synthwell/contracts';
import { isRecord, optionalNumber, optionalString } from '../guards.js';
import type { SseEvent } from '../sse.js';
import { ProviderError } from '../types.js';
import { promptTokens, streamError, toFinishReason, toUsage } from './response.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

/**
 * Turns the Messages API's stream events into OpenAI chunks, one event at a time:
 * message_start opens the assistant turn, content_block_* carry text and tool calls,
 * message_delta carries the stop reason and output usage, message_stop closes the stream with a
 * usage chunk, and an `error` event throws.
 */
export class AnthropicStreamMapper {
  private id = 'msg-upstream';
  private model = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private inputTokens = 0;
  private outputTokens = 0;
  /** Content block index → index of the tool call it carries. */
  private readonly toolCallIndex = new Map<number, number>();
  private stopped = false;

  constructor(private readonly provider: string) {}

  /** Whether message_stop arrived; a stream that ends before it was cut short. */
  get complete(): boolean {
    return this.stopped;
  }

  map(event: SseEvent): ChatCompletionChunk[] {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      throw new ProviderError('bad_response', `${this.provider} sent a stream event that is not valid JSON`, {
        cause: error,
      });
    }
    if (!isRecord(data))
      throw new ProviderError('bad_response', `${this.provider} sent a stream event of an unexpected shape`);
    switch (data.type ?? event.event) {
      case 'message_start':
        return this.onMessageStart(data);
      case 'content_block_start':
        return this.onBlockStart(data);
      case 'content_block_delta':
        return this.onBlockDelta(data);
      case 'message_delta':
        return this.onMessageDelta(data);
      case 'message_stop':
        this.stopped = true;
        return [this.chunk([], toUsage(this.inputTokens, this.outputTokens))];
      case 'error':
        throw streamError(data, this.provider);
      default:
        // ping, content_block_stop and event types newer than this mapper carry nothing to forward.
        return [];
    }
  }

  private onMessageStart(data: Record<string, unknown>): ChatCompletionChunk[] {
    const message = isRecord(data.message) ? data.message : {};
    this.id = optionalString(message.id) ?? this.id;
    this.model = optionalString(message.model) ?? this.model;
    if (isRecord(message.usage)) {
      this.inputTokens = promptTokens(message.usage);
      this.outputTokens = optionalNumber(message.usage.output_tokens) ?? 0;
    }
    return [this.delta({ role: 'assistant', content: '' })];
  }

  private onBlockStart(data: Record<string, unknown>): ChatCompletionChunk[] {
    const block = isRecord(data.content_block) ? data.content_block : {};
    const blockIndex = optionalNumber(data.index) ?? 0;
    if (block.type === 'tool_use') {
      const index = this.toolCallIndex.size;
      this.toolCallIndex.set(blockIndex, index);
      return [
        this.delta({
          tool_calls: [
            {
              index,
              id: optionalString(block.id) ?? '',
              type: 'function',
              function: { name: optionalString(block.name) ?? '', arguments: '' },
            },
          ],
        }),
      ];
    }
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return [this.delta({ content: block.text })];
    }
    return [];
  }

  private onBlockDelta(data: Record<string, unknown>): ChatCompletionChunk[] {
    const delta = isRecord(data.delta) ? data.delta : {};
    if (delta.type === 'text_delta' && typeof delta.text === 'string') return [this.delta({ content: delta.text })];
    if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
      const index = this.toolCallIndex.get(optionalNumber(data.index) ?? 0);
      if (index === undefined) return [];
      return [this.delta({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] })];
    }
    return [];
  }

  private onMessageDelta(data: Record<string, unknown>): ChatCompletionChunk[] {
    if (isRecord(data.usage)) {
      this.outputTokens = optionalNumber(data.usage.output_tokens) ?? this.outputTokens;
      if (data.usage.input_tokens !== undefined) this.inputTokens = promptTokens(data.usage);
    }
    const delta = isRecord(data.delta) ? data.delta : {};
    if (delta.stop_reason === undefined || delta.stop_reason === null) return [];
    return [this.chunk([{ index: 0, delta: {}, finish_reason: toFinishReason(delta.stop_reason) }], null)];
  }

  private delta(delta: Delta): ChatCompletionChunk {
    return this.chunk([{ index: 0, delta, finish_reason: null }], null);
  }

  private chunk(choices: ChatCompletionChunk['choices'], usage: ChatCompletionChunk['usage']): ChatCompletionChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices,
      ...(usage ? { usage } : {}),
    };
  }
}
