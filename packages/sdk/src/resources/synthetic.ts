import type {
  SyntheticEvaluateParams as ContractEvaluateParams,
  SyntheticEvaluation as ContractEvaluation,
  SyntheticJob as ContractJob,
  SyntheticJobCreateParams as ContractJobCreateParams,
  SyntheticJobList as ContractJobList,
  SyntheticJobListParams as ContractJobListParams,
  SyntheticLabParams as ContractLabParams,
  SyntheticLabResult as ContractLabResult,
  SyntheticRecord as ContractRecord,
  SyntheticRecordListParams as ContractRecordListParams,
  DatasetManifest,
  SyntheticProgress,
  SyntheticRecordList,
} from '@synthwell/contracts';
import type { HttpClient } from '../internal/http-client.js';
import { readJsonLines } from '../internal/json-lines.js';
import { readJsonEvents } from '../internal/sse.js';
import type { RequestOptions } from '../request-options.js';
import { Stream } from '../streaming.js';

/** The body of `POST /v1/synthetic/jobs`: the task, seed examples, generator and judge models, limits. */
export type SyntheticJobCreateParams = ContractJobCreateParams;

/** A synthetic-data job: its `job_` id, status, progress, and metrics and a verdict once it succeeded. */
export type SyntheticJob = ContractJob;

/** Filters and paging for `GET /v1/synthetic/jobs` (newest first). */
export type SyntheticJobListParams = ContractJobListParams;

export type SyntheticJobList = ContractJobList;

/**
 * One event of a job's progress stream: `progress` events (the first replays the current state), then
 * one of `done`, `failed` or `canceled` carrying the job. `id` is the SSE event id, when sent.
 */
export type SyntheticJobEvent =
  | { event: 'progress'; id: string | null; data: SyntheticProgress }
  | { event: 'done' | 'failed' | 'canceled'; id: string | null; data: SyntheticJob };

/** A generated record with its grade and provenance. */
export type SyntheticRecord = ContractRecord;

/** Paging for `GET /v1/synthetic/jobs/{id}/records` (in seq order). */
export type SyntheticRecordListParams = Omit<ContractRecordListParams, 'format'>;

/** One page of `GET /v1/synthetic/jobs/{id}/records`; pass `next_cursor` back as `cursor` for the next. */
export type SyntheticRecordPage = SyntheticRecordList;

/** The body of `POST /v1/synthetic/evaluate`: records to score for diversity and collapse risk. */
export type SyntheticEvaluateParams = ContractEvaluateParams;
export type SyntheticEvaluation = ContractEvaluation;

/** The body of `POST /v1/synthetic/lab`: a recursive-training experiment (replace versus accumulate). */
export type SyntheticLabParams = ContractLabParams;
export type SyntheticLabResult = ContractLabResult;

const jobPath = (id: string) => `/synthetic/jobs/${encodeURIComponent(id)}`;

/** Synthetic-data jobs: create, follow, read and cancel them, and get their downloads' signed manifests. */
export class Jobs {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** `POST /v1/synthetic/jobs`: queues a job and answers at once; follow it with `events`. */
  create(params: SyntheticJobCreateParams, options?: RequestOptions): Promise<SyntheticJob> {
    return this.#http.json({ method: 'POST', path: '/synthetic/jobs', body: params }, options);
  }

  /** `GET /v1/synthetic/jobs`. */
  list(params?: SyntheticJobListParams, options?: RequestOptions): Promise<SyntheticJobList> {
    return this.#http.json({ method: 'GET', path: '/synthetic/jobs', query: params }, options);
  }

  /** `GET /v1/synthetic/jobs/{id}`. */
  retrieve(id: string, options?: RequestOptions): Promise<SyntheticJob> {
    return this.#http.json({ method: 'GET', path: jobPath(id) }, options);
  }

  /** `POST /v1/synthetic/jobs/{id}/cancel`: records generated so far are kept. */
  cancel(id: string, options?: RequestOptions): Promise<SyntheticJob> {
    return this.#http.json({ method: 'POST', path: `${jobPath(id)}/cancel` }, options);
  }

  /**
   * `GET /v1/synthetic/jobs/{id}/events`: the job's progress as it happens. The stream ends when the
   * gateway closes it after the job's last event; `options.timeout` covers only the wait for it to open.
   */
  async events(id: string, options?: RequestOptions): Promise<Stream<SyntheticJobEvent>> {
    const request = { method: 'GET', path: `${jobPath(id)}/events` } as const;
    const { response, controller } = await this.#http.open(request, 'text/event-stream', options);
    const body = response.body;
    return new Stream(async function* () {
      if (!body) return;
      const events = readJsonEvents(body, { requireDone: false, signal: controller.signal, headers: response.headers });
      for await (const { event, id, data } of events) yield { event, id, data } as SyntheticJobEvent;
    }, controller);
  }

  /**
   * `GET /v1/synthetic/jobs/{id}/records`: a page of records, or with `{ format: 'jsonl' }` every record
   * as a stream read straight from the gateway's JSONL download.
   */
  records(id: string, params?: SyntheticRecordListParams, options?: RequestOptions): Promise<SyntheticRecordPage>;
  records(id: string, params: { format: 'jsonl' }, options?: RequestOptions): Promise<Stream<SyntheticRecord>>;
  async records(
    id: string,
    params: SyntheticRecordListParams | { format: 'jsonl' } = {},
    options?: RequestOptions,
  ): Promise<SyntheticRecordPage | Stream<SyntheticRecord>> {
    const path = `${jobPath(id)}/records`;
    if (!('format' in params)) return this.#http.json({ method: 'GET', path, query: params }, options);
    const request = { method: 'GET', path, query: { format: 'jsonl' } } as const;
    const { response, controller } = await this.#http.open(request, 'application/x-ndjson', options);
    const body = response.body;
    return new Stream(async function* () {
      if (body) yield* readJsonLines<SyntheticRecord>(body, controller.signal);
    }, controller);
  }

  /**
   * `GET /v1/synthetic/jobs/{id}/manifest`: the signed manifest of a finished job's JSONL download (its
   * SHA-256, record count and the job), the same on every call. Check a download against it with
   * `client.provenance.datasets.verify`. A job still queued or running is a `ConflictError` with code
   * `job_not_finished`.
   */
  manifest(id: string, options?: RequestOptions): Promise<DatasetManifest> {
    return this.#http.json({ method: 'GET', path: `${jobPath(id)}/manifest` }, options);
  }
}

/** The synthetic-data API: jobs, evaluation of existing records, and the collapse lab. */
export class Synthetic {
  readonly jobs: Jobs;
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
    this.jobs = new Jobs(http);
  }

  /** `POST /v1/synthetic/evaluate`: scores records against a human reference set. */
  evaluate(params: SyntheticEvaluateParams, options?: RequestOptions): Promise<SyntheticEvaluation> {
    return this.#http.json({ method: 'POST', path: '/synthetic/evaluate', body: params }, options);
  }

  /** `POST /v1/synthetic/lab`: runs the collapse experiment and answers with its measurements. */
  lab(params: SyntheticLabParams, options?: RequestOptions): Promise<SyntheticLabResult> {
    return this.#http.json({ method: 'POST', path: '/synthetic/lab', body: params }, options);
  }
}
