import type { CatalogModelList, Model, ModelList } from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import type { RequestOptions } from '../request-options.js';

/** `include: 'locked'` lists the whole catalog, each model marked available or not for the caller's plan. */
export interface ModelListParams {
  include: 'locked';
}

/** The models the caller can see, with Synthwell's kind, tier and pricing. */
export class Models {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * `GET /v1/models`: the models the caller's plan includes. With `{ include: 'locked' }`, every model,
   * each with `available` and the `plans` that include it, so a picker can show what an upgrade unlocks.
   */
  list(options?: RequestOptions): Promise<ModelList>;
  list(params: ModelListParams, options?: RequestOptions): Promise<CatalogModelList>;
  list(
    paramsOrOptions?: ModelListParams | RequestOptions,
    options?: RequestOptions,
  ): Promise<ModelList | CatalogModelList> {
    if (paramsOrOptions && 'include' in paramsOrOptions) {
      return this.#http.json({ method: 'GET', path: '/models', query: { include: paramsOrOptions.include } }, options);
    }
    return this.#http.json({ method: 'GET', path: '/models' }, paramsOrOptions);
  }

  /** `GET /v1/models/{id}`; a model that does not exist is a `NotFoundError`. */
  retrieve(id: string, options?: RequestOptions): Promise<Model> {
    return this.#http.json({ method: 'GET', path: `/models/${encodeURIComponent(id)}` }, options);
  }
}
