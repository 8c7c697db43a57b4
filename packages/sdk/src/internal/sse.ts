import { APIConnectionError, makeAPIError, SynthwellError } from '../errors.js';
import { readLines } from './line-decoder.js';

/** One server-sent event, as the HTML standard's event stream format defines it. */
export interface ServerSentEvent {
  /** The `event:` field; `null` means the default type, `message`. */
  event: string | null;
  data: string;
  id: string | null;
}

/** Collects field lines into events; a blank line dispatches one. Comments (`:` keep-alives) are skipped. */
export class SSEDecoder {
  #event: string | null = null;
  #data: string[] = [];
  #id: string | null = null;

  /** Feeds one line; returns the event it completes, if any. */
  decode(line: string): ServerSentEvent | null {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) return null;

    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);

    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return null;
  }

  #dispatch(): ServerSentEvent | null {
    const event = this.#data.length > 0 ? { event: this.#event, data: this.#data.join('\n'), id: this.#id } : null;
    this.#event = null;
    this.#data = [];
    return event;
  }
}

/** The events of an SSE body. An event cut off by the end of the body is dropped, as the standard says. */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new SSEDecoder();
  for await (const line of readLines(body, signal)) {
    const event = decoder.decode(line);
    if (event) yield event;
  }
}

/** An SSE event whose data was JSON. */
export interface JsonEvent {
  event: string;
  id: string | null;
  data: unknown;
}

export interface JsonEventOptions {
  /**
   * Whether the stream must end with `data: [DONE]`. When it must, an end without it means the
   * connection was cut and is reported as `APIConnectionError`, never as a quiet, truncated success.
   */
  requireDone: boolean;
  signal: AbortSignal;
  /** Headers of the response, so an error event carries the request id. */
  headers?: Headers;
}

/**
 * The JSON events of a response body, up to `[DONE]`. An `event: error` becomes a thrown `APIError`.
 * Aborting through `signal` ends the events quietly.
 */
export async function* readJsonEvents(
  body: ReadableStream<Uint8Array>,
  options: JsonEventOptions,
): AsyncGenerator<JsonEvent> {
  for await (const event of readEvents(body, options.signal)) {
    if (event.data === '[DONE]') return;
    const data = parseEventData(event.data);
    if (event.event === 'error') throw makeAPIError(undefined, options.headers, data);
    yield { event: event.event ?? 'message', id: event.id, data };
  }
  if (options.requireDone && !options.signal.aborted) {
    throw new APIConnectionError('The stream ended before [DONE]: the connection was cut.');
  }
}

function parseEventData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw new SynthwellError(`Could not parse a stream event as JSON: ${data.slice(0, 200)}`);
  }
}
