import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ImageSize } from '@synthwell/contracts';

export interface CallContext {
  /** Aborted when the client disconnects or a gateway deadline fires: upstream work is cancelled. */
  signal: AbortSignal;
  requestId: string;
  timeouts?: CallTimeouts;
}

export interface CallTimeouts {
  /** Until the request is written to a connected socket (DNS, TCP, TLS, waiting for a pooled connection). */
  connectMs?: number;
  /** Until the response headers arrive; for streams, until the first event arrives. */
  firstByteMs?: number;
  /** The whole call, including reading the body or the stream to its end. */
  totalMs?: number;
}

/** What the router passes: the client's request with `model` replaced by the route's upstream model name. */
export type ChatRequest = ChatCompletionCreateParams;

export interface ImageRequest {
  model: string;
  prompt: string;
  n: number;
  size: ImageSize;
  seed?: number | null;
}

export interface GeneratedImage {
  png: Uint8Array;
  revisedPrompt?: string;
}

export interface ProviderCapabilities {
  chat: boolean;
  stream: boolean;
  images: boolean;
  tools: boolean;
  /**
   * Honours `response_format: { type: 'json_schema' }`: the reply is JSON that validates against the
   * schema. Unset where it is unknown or depends on the upstream model; callers then ask in the prompt.
   */
  jsonSchema?: boolean;
}

export interface ProviderAdapter {
  /** Registry name, e.g. 'local', 'openai', 'groq', 'anthropic'. */
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion>;
  /**
   * Yields typed chunks as they arrive (never pre-formatted SSE strings). Every adapter ends a
   * completed stream with a usage chunk (`choices: []`, `usage`) when the usage is known; the
   * gateway forwards it only to clients that asked for `stream_options.include_usage`.
   */
  chatStream(req: ChatRequest, ctx: CallContext): AsyncIterable<ChatCompletionChunk>;
  images(req: ImageRequest, ctx: CallContext): Promise<GeneratedImage[]>;
}

export type ProviderErrorKind =
  | 'rate_limited'
  | 'timeout'
  | 'connection'
  | 'bad_response'
  | 'server_error'
  | 'invalid_request'
  | 'auth'
  | 'unsupported'
  | 'aborted';

/** Kinds where the same request to the same upstream may well succeed a moment later. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limited',
  'timeout',
  'connection',
  'server_error',
]);

export interface ProviderErrorOptions {
  /** The upstream's HTTP status, or null when no response was received. */
  status?: number | null;
  retryable?: boolean;
  retryAfterMs?: number | null;
  cause?: unknown;
}

/**
 * A failed provider call. The message is short and safe to show a client: it never echoes an
 * upstream's payload, which may carry account details. `cause` keeps the original error for logs.
 */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;

  constructor(kind: ProviderErrorKind, message: string, options: ProviderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = options.status ?? null;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(kind);
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}
