/** A short-lived gateway token and when it stops working (seconds since the epoch). */
export interface ExpiringToken {
  token: string;
  expiresAt: number;
}

/**
 * Wraps a token fetcher with a cache: a token is reused until `marginSeconds` before it expires, and
 * concurrent callers share one fetch, so a burst of gateway calls costs billing a single request.
 */
export function cachedTokenSource(
  fetchToken: () => Promise<ExpiringToken>,
  { marginSeconds = 30, now = () => Date.now() / 1000 } = {},
): { get(): Promise<string>; clear(): void } {
  let current: ExpiringToken | null = null;
  let pending: Promise<ExpiringToken> | null = null;
  return {
    async get() {
      if (current && current.expiresAt - marginSeconds > now()) return current.token;
      pending ??= fetchToken().finally(() => {
        pending = null;
      });
      current = await pending;
      return current.token;
    },
    clear() {
      current = null;
    },
  };
}
