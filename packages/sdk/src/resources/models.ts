import type { Model, ModelList } from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import type { RequestOptions } from '../request-options.js';

/** The models the caller can see, with Synthwell's kind, tier and pricing. */
export class Models {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** `GET /v1/models`. */
  list(options?: RequestOptions): Promise<ModelList> {
    return this.#http.json({ method: 'GET', path: '/models' }, options);
  }

  /** `GET /v1/models/{id}`; a model that does not exist is a `NotFoundError`. */
  retrieve(id: string, options?: RequestOptions): Promise<Model> {
    return this.#http.json({ method: 'GET', path: `/models/${encodeURIComponent(id)}` }, options);
  }
}
