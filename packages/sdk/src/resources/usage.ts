import type { UsageSummary } from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import type { RequestOptions } from '../request-options.js';

export class Usage {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** `GET /v1/usage`: the caller's plan, and today's and this minute's usage against its limits. */
  retrieve(options?: RequestOptions): Promise<UsageSummary> {
    return this.#http.json({ method: 'GET', path: '/usage' }, options);
  }
}
