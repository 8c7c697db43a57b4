import { APIConnectionError } from '../errors.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Turns a byte stream into lines, whatever the chunk boundaries: a line, a multi-byte character or a
 * CRLF pair may be split across chunks. `\n`, `\r\n` and a lone `\r` all end a line, as SSE requires.
 */
export class LineDecoder {
  readonly #text = new TextDecoder();
  /** The start of a line whose end has not arrived yet. */
  #partial = '';
  /** The last chunk ended in `\r`: a `\n` opening the next one belongs to the same line break. */
  #afterCR = false;

  decode(chunk: Uint8Array): string[] {
    return this.#lines(this.#text.decode(chunk, { stream: true }));
  }

  /** The lines left when the stream ends; a last line without a line break counts. */
  flush(): string[] {
    const lines = this.#lines(this.#text.decode());
    if (this.#partial.length > 0) lines.push(this.#partial);
    this.#partial = '';
    return lines;
  }

  #lines(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    if (this.#afterCR && text.length > 0) {
      if (text.charCodeAt(0) === LF) start = 1;
      this.#afterCR = false;
    }
    for (let index = start; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code !== LF && code !== CR) continue;
      lines.push(this.#partial + text.slice(start, index));
      this.#partial = '';
      if (code === CR) {
        if (index + 1 === text.length) this.#afterCR = true;
        else if (text.charCodeAt(index + 1) === LF) index++;
      }
      start = index + 1;
    }
    this.#partial += text.slice(start);
    return lines;
  }
}

/**
 * The lines of a body. A read that fails because `signal` aborted ends the lines quietly (the caller
 * asked for it); any other failure is a connection error. Stopping early cancels the body.
 */
export async function* readLines(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new LineDecoder();
  let finished = false;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (signal?.aborted) return;
        throw new APIConnectionError('The connection closed before the stream completed.', { cause });
      }
      if (chunk.done) break;
      yield* decoder.decode(chunk.value);
    }
    finished = true;
    yield* decoder.flush();
  } finally {
    if (!finished) reader.cancel().catch(() => undefined);
  }
}
