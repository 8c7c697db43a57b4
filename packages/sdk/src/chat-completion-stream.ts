import type { ChatCompletionChunk } from '@synthwell/contracts';
import { APIUserAbortError, SynthwellError } from './errors.js';
import { ChatCompletionAccumulator, type StreamedChatCompletion } from './internal/chat-accumulator.js';
import { Stream } from './streaming.js';

export type { StreamedChatCompletion } from './internal/chat-accumulator.js';

/** The stream of `chat.completions.create({ stream: true })`: chunks, and the completion they add up to. */
export class ChatCompletionStream extends Stream<ChatCompletionChunk> {
  readonly #accumulator = new ChatCompletionAccumulator();
  #complete = false;
  #failure: unknown;

  constructor(source: () => AsyncIterator<ChatCompletionChunk>, controller: AbortController) {
    super(() => this.#record(source()), controller);
  }

  /**
   * The assembled completion: message content and tool calls per choice, finish reason and usage.
   * Reads the stream if nothing has; after a `for await` loop, call it once the loop is done.
   * Rejects with the stream's error if it failed, or `APIUserAbortError` if it was aborted.
   */
  async finalCompletion(): Promise<StreamedChatCompletion> {
    if (!this.iterated) {
      for await (const _chunk of this) {
        // Reading is what assembles the completion.
      }
    }
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#complete) return this.#accumulator.completion();
    if (this.controller.signal.aborted) throw new APIUserAbortError();
    throw new SynthwellError('The stream is still being read: call finalCompletion() after the loop that reads it.');
  }

  async *#record(chunks: AsyncIterator<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    try {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        this.#accumulator.add(next.value);
        yield next.value;
      }
      // An abort also ends the chunks, quietly, but leaves the completion unfinished.
      this.#complete = !this.controller.signal.aborted;
    } catch (error) {
      this.#failure = error;
      throw error;
    }
  }
}
