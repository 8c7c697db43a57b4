/**
 * An incremental parser for server-sent events, per the WHATWG event-stream format: input may be
 * split anywhere (even between CR and LF or inside a UTF-8 sequence), lines end in LF, CRLF or CR,
 * lines starting with ':' are comments, and consecutive `data:` lines join with '\n'.
 */

export interface SseEvent {
  /** The `event:` field, 'message' when absent. */
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

export class SseParser {
  private buffer = '';
  /** A CR ended the last chunk: a LF starting the next one belongs to the same line break. */
  private pendingCR = false;
  private started = false;
  private dataLines: string[] = [];
  private eventType = '';
  private lastId: string | undefined;
  private retry: number | undefined;

  /** Feeds decoded text and returns the events it completes. */
  feed(text: string): SseEvent[] {
    let input = text;
    if (!this.started && input.length > 0) {
      this.started = true;
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
    }
    if (this.pendingCR && input.startsWith('\n')) input = input.slice(1);
    this.pendingCR = false;
    this.buffer += input;

    const events: SseEvent[] = [];
    let lineStart = 0;
    if (this.buffer.indexOf('\r') === -1) {
      // Lines end in LF alone, as nearly every server sends them: found by indexOf, not char by char.
      for (let end = this.buffer.indexOf('\n'); end !== -1; end = this.buffer.indexOf('\n', lineStart)) {
        const event = this.processLine(this.buffer.slice(lineStart, end));
        if (event) events.push(event);
        lineStart = end + 1;
      }
      this.buffer = this.buffer.slice(lineStart);
      return events;
    }
    for (let i = 0; i < this.buffer.length; i++) {
      const code = this.buffer.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      const event = this.processLine(this.buffer.slice(lineStart, i));
      if (event) events.push(event);
      if (code === 13) {
        if (i + 1 === this.buffer.length) this.pendingCR = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i++;
      }
      lineStart = i + 1;
    }
    this.buffer = this.buffer.slice(lineStart);
    return events;
  }

  /**
   * Ends the stream. An event without its terminating blank line is discarded, as the format
   * requires: a stream cut mid-event must not deliver half an event.
   */
  end(): void {
    this.buffer = '';
    this.dataLines = [];
    this.eventType = '';
  }

  private processLine(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return null;
  }

  private dispatch(): SseEvent | null {
    const eventType = this.eventType;
    const dataLines = this.dataLines;
    this.eventType = '';
    this.dataLines = [];
    const data = dataLines.join('\n');
    // Per the format, an event whose data is empty (no data lines, or a single empty one) is not dispatched.
    if (data === '') return null;
    const event: SseEvent = { event: eventType || 'message', data };
    if (this.lastId !== undefined) event.id = this.lastId;
    if (this.retry !== undefined) event.retry = this.retry;
    return event;
  }
}

/** Decodes a byte stream and yields its events. Errors of the underlying stream propagate. */
export async function* readSseEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const bytes of body) {
    yield* parser.feed(decoder.decode(bytes, { stream: true }));
  }
  yield* parser.feed(decoder.decode());
  parser.end();
}
