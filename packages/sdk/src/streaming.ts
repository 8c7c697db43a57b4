import { SynthwellError } from './errors.js';
import { readJsonLines } from './internal/json-lines.js';

/**
 * A stream of items from the gateway, read with `for await`. It can be read once. Leaving the loop
 * early, or calling `controller.abort()`, closes the connection; an abort ends the loop quietly.
 */
export class Stream<Item> implements AsyncIterable<Item> {
  /** Aborts the underlying request. */
  readonly controller: AbortController;
  readonly #source: () => AsyncIterator<Item>;
  #iterated = false;

  /** @param source Called once, when reading starts, for the items. */
  constructor(source: () => AsyncIterator<Item>, controller: AbortController) {
    this.#source = source;
    this.controller = controller;
  }

  /**
   * Reads a stream that `toReadableStream()` wrote, such as a response body relayed from your server
   * to a browser.
   */
  static fromReadableStream<Item>(
    readable: ReadableStream<Uint8Array>,
    controller = new AbortController(),
  ): Stream<Item> {
    return new Stream(() => readJsonLines<Item>(readable, controller.signal), controller);
  }

  /** Whether reading has started, by a loop or by one of the methods that read. */
  get iterated(): boolean {
    return this.#iterated;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    if (this.#iterated) throw new SynthwellError('This stream has already been read; a stream can be read once.');
    this.#iterated = true;
    const iterator = this.#source();
    let done = false;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        yield next.value;
      }
      done = true;
    } finally {
      if (!done) {
        this.controller.abort();
        await iterator.return?.();
      }
    }
  }

  /**
   * The items as newline-delimited JSON bytes, e.g. to send as a response body from a server route.
   * `Stream.fromReadableStream` reads it back.
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
  }
}
