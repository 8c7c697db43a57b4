import type { ImageGenerateParams, ImagesResponse } from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import type { RequestOptions } from '../request-options.js';

export class Images {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** `POST /v1/images/generations`. */
  generate(params: ImageGenerateParams, options?: RequestOptions): Promise<ImagesResponse> {
    return this.#http.json({ method: 'POST', path: '/images/generations', body: params }, options);
  }
}
