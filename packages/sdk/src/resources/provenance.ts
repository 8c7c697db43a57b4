import type {
  DatasetVerifyParams as ContractDatasetVerifyParams,
  DatasetVerification,
  ProvenanceKeys,
} from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import type { RequestOptions } from '../request-options.js';

/**
 * The body of `POST /v1/provenance/datasets/verify`: a manifest as `client.synthetic.jobs.manifest`
 * returned it, with the export it describes either as its text (`jsonl`) or, for exports larger than a
 * request body may be, as the SHA-256 (hex) of its bytes (`jsonl_sha256`). Exactly one of the two.
 */
export type DatasetVerifyParams = Pick<ContractDatasetVerifyParams, 'manifest'> &
  (
    | { jsonl: string; jsonl_sha256?: never }
    | { jsonl_sha256: NonNullable<ContractDatasetVerifyParams['jsonl_sha256']>; jsonl?: never }
  );

/** Synthetic-data exports checked against their signed manifests. */
export class Datasets {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * `POST /v1/provenance/datasets/verify`: whether the export is exactly the dataset the manifest
   * describes. A dataset that does not verify is still an answer, with `valid: false` and the reason
   * (`malformed_manifest`, `unknown_key`, `bad_signature` or `digest_mismatch`), never an error.
   */
  verify(params: DatasetVerifyParams, options?: RequestOptions): Promise<DatasetVerification> {
    return this.#http.json({ method: 'POST', path: '/provenance/datasets/verify', body: params }, options);
  }
}

/** What the deployment signs: the keys that verify it, and verification of datasets. */
export class Provenance {
  readonly datasets: Datasets;
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
    this.datasets = new Datasets(http);
  }

  /**
   * `GET /v1/provenance/keys`: the public half of every signing key as a JWK Set, the one that signs
   * first. Keep them to verify images and manifests offline, without trusting the gateway again.
   */
  keys(options?: RequestOptions): Promise<ProvenanceKeys> {
    return this.#http.json({ method: 'GET', path: '/provenance/keys' }, options);
  }
}
