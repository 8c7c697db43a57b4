import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from '@synthwell/contracts';
import { ChatCompletionStream } from '../chat-completion-stream.js';
import { errorObjectOf, makeAPIError, SynthwellError } from '../errors.js';
import type { HttpClient } from '../internal/http-client.js';
import { readJsonEvents } from '../internal/sse.js';
import type { RequestOptions } from '../request-options.js';

export type ChatCompletionCreateParamsStreaming = ChatCompletionCreateParams & { stream: true };
export type ChatCompletionCreateParamsNonStreaming = ChatCompletionCreateParams & { stream?: false | null };

/** `POST /v1/chat/completions`. */
export class Completions {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * Creates a chat completion. With `stream: true` it resolves, once the gateway accepted the request,
   * to a `ChatCompletionStream` of chunks; errors before that are thrown here and retried like any call.
   */
  create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<ChatCompletionStream>;
  create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | ChatCompletionStream>;
  async create(
    params: ChatCompletionCreateParams,
    options?: RequestOptions,
  ): Promise<ChatCompletion | ChatCompletionStream> {
    const request = { method: 'POST', path: '/chat/completions', body: params } as const;
    if (!params.stream) return this.#http.json<ChatCompletion>(request, options);
    const { response, controller } = await this.#http.open(request, 'text/event-stream', options);
    return new ChatCompletionStream(() => completionChunks(response, controller.signal), controller);
  }
}

/** The `client.chat` namespace, as in OpenAI's SDK. */
export class Chat {
  readonly completions: Completions;

  constructor(http: HttpClient) {
    this.completions = new Completions(http);
  }
}

async function* completionChunks(response: Response, signal: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
  if (!response.body) throw new SynthwellError('The gateway answered a streaming request without a body.');
  const events = readJsonEvents(response.body, { requireDone: true, signal, headers: response.headers });
  for await (const { data } of events) {
    // OpenAI-compatible upstreams may report a failure as a plain data event carrying `error`.
    if (errorObjectOf(data)) throw makeAPIError(undefined, response.headers, data);
    yield data as ChatCompletionChunk;
  }
}
