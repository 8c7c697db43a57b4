import type {
  ChatCompletion,
  ChatCompletionChunk,
  CompletionUsage,
  FinishReason,
  ToolCall,
} from '@synthwell/contracts';
import { SynthwellError } from '../errors.js';

/**
 * A chat completion assembled from a stream. `usage` is `null` unless the gateway sent it, which it does
 * when the request set `stream_options: { include_usage: true }`.
 */
export type StreamedChatCompletion = Omit<ChatCompletion, 'usage'> & { usage: CompletionUsage | null };

type ChoiceDelta = ChatCompletionChunk['choices'][number]['delta'];
type ToolCallDelta = NonNullable<ChoiceDelta['tool_calls']>[number];

interface ChoiceState {
  content: string | null;
  finishReason: FinishReason | null;
  /** By the index the deltas give, which is the call's position in the final message. */
  toolCalls: Map<number, ToolCall>;
}

/** Folds chunks into the completion they describe: content and tool-call arguments are concatenated per choice. */
export class ChatCompletionAccumulator {
  #first: ChatCompletionChunk | undefined;
  readonly #choices = new Map<number, ChoiceState>();
  #usage: CompletionUsage | null = null;

  add(chunk: ChatCompletionChunk): void {
    this.#first ??= chunk;
    if (chunk.usage) this.#usage = chunk.usage;
    for (const choice of chunk.choices) {
      const state = this.#choice(choice.index);
      if (choice.delta.content != null) state.content = (state.content ?? '') + choice.delta.content;
      for (const delta of choice.delta.tool_calls ?? []) addToolCallDelta(state.toolCalls, delta);
      if (choice.finish_reason) state.finishReason = choice.finish_reason;
    }
  }

  completion(): StreamedChatCompletion {
    const first = this.#first;
    if (!first) throw new SynthwellError('The stream ended without a single chunk.');
    const choices = [...this.#choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => {
        const toolCalls = [...state.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
        return {
          index,
          message: {
            role: 'assistant' as const,
            content: state.content,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: state.finishReason,
        };
      });
    return {
      id: first.id,
      object: 'chat.completion',
      created: first.created,
      model: first.model,
      ...(first.system_fingerprint !== undefined ? { system_fingerprint: first.system_fingerprint } : {}),
      choices,
      usage: this.#usage,
    };
  }

  #choice(index: number): ChoiceState {
    let state = this.#choices.get(index);
    if (!state) {
      state = { content: null, finishReason: null, toolCalls: new Map() };
      this.#choices.set(index, state);
    }
    return state;
  }
}

function addToolCallDelta(calls: Map<number, ToolCall>, delta: ToolCallDelta): void {
  const call = calls.get(delta.index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
  if (delta.id) call.id = delta.id;
  if (delta.function?.name) call.function.name += delta.function.name;
  if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
  calls.set(delta.index, call);
}
