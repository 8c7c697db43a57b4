/** Options that any single call accepts, overriding the client's defaults for that call only. */
export interface RequestOptions {
  /** Milliseconds one attempt may take before it is abandoned (and retried, if retries remain). */
  timeout?: number;
  /** How many times a failed attempt is retried; `0` turns retries off for this call. */
  maxRetries?: number;
  /** Aborts the call, its retries and, for streams, the stream itself. */
  signal?: AbortSignal;
  /** Extra headers, sent after (and so overriding) the client's `defaultHeaders`. */
  headers?: Record<string, string>;
  /**
   * The `Idempotency-Key` of a POST. By default each call gets a fresh key that all its retries
   * share; pass your own to make retries of your own (across processes, say) safe too.
   */
  idempotencyKey?: string;
}
