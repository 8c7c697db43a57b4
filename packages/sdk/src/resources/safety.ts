import type {
  SafetyFlagList,
  SafetyFlagListParams,
  SafetyPlanPolicy,
  SafetyPolicyList,
  SafetyPolicyUpdate,
} from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import type { RequestOptions } from '../request-options.js';

/** Per-plan content policies. Admins only: for anyone else every call is a `NotFoundError`. */
export class Policies {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** `GET /v1/safety/policies`: `default` and every plan, with the effective policy and admins' changes. */
  list(options?: RequestOptions): Promise<SafetyPolicyList> {
    return this.#http.json({ method: 'GET', path: '/safety/policies' }, options);
  }

  /**
   * `PUT /v1/safety/policies/{plan}`: sets the action of some categories for one plan (or `default`).
   * Every gateway replica applies it within seconds; relaxing a fixed category is a `BadRequestError`.
   */
  update(plan: string, change: SafetyPolicyUpdate, options?: RequestOptions): Promise<SafetyPlanPolicy> {
    return this.#http.json(
      { method: 'PUT', path: `/safety/policies/${encodeURIComponent(plan)}`, body: change },
      options,
    );
  }
}

/** Flagged, redacted and blocked decisions (never the text). Admins only. */
export class Flags {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** `GET /v1/safety/flags`: newest first; pass `next_cursor` back as `cursor` for the next page. */
  list(params?: SafetyFlagListParams, options?: RequestOptions): Promise<SafetyFlagList> {
    return this.#http.json({ method: 'GET', path: '/safety/flags', query: params }, options);
  }
}

/** The content policy's admin surface: policies per plan and the decisions they flagged. */
export class Safety {
  readonly policies: Policies;
  readonly flags: Flags;

  constructor(http: HttpClient) {
    this.policies = new Policies(http);
    this.flags = new Flags(http);
  }
}
