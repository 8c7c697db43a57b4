import type {
  ImageDeleted,
  ImageGenerateParams,
  ImageList,
  ImageListParams,
  ImagesResponse,
} from '@synthwell/contracts';
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

  /**
   * `GET /v1/images`: a page of the caller's images, newest first, each with a fresh signed `url`.
   * Pass `next_cursor` back as `cursor` for the next page.
   */
  list(params?: ImageListParams, options?: RequestOptions): Promise<ImageList> {
    return this.#http.json({ method: 'GET', path: '/images', query: params }, options);
  }

  /** `DELETE /v1/images/{id}`: removes the image and its file. Another account's image is a `NotFoundError`. */
  delete(id: string, options?: RequestOptions): Promise<ImageDeleted> {
    return this.#http.json({ method: 'DELETE', path: `/images/${encodeURIComponent(id)}` }, options);
  }
}
