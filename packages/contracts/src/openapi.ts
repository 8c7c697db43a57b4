import { z } from 'zod';
import { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from './chat.js';
import { ErrorBody } from './errors.js';
import { ImageDeleted, ImageGenerateParams, ImageList, ImagesResponse, StoredImage } from './images.js';
import { CatalogModel, CatalogModelList, Model, ModelList } from './models.js';
import { ModerationCreateParams, ModerationResponse } from './moderation.js';
import {
  DatasetManifest,
  DatasetVerification,
  DatasetVerifyParams,
  ProvenanceKeys,
  ProvenanceVerification,
  ProvenanceVerifyParams,
} from './provenance.js';
import {
  SyntheticEvaluateParams,
  SyntheticEvaluation,
  SyntheticJob,
  SyntheticJobCreateParams,
  SyntheticJobList,
  SyntheticLabParams,
  SyntheticLabResult,
  SyntheticProgress,
  SyntheticRecord,
  SyntheticRecordList,
} from './synthetic.js';
import { UsageSummary } from './usage.js';

/** Schemas published under components.schemas, by name. Later features add theirs here. */
export const publishedSchemas: Record<string, z.ZodType> = {
  ChatCompletionCreateParams,
  ChatCompletion,
  ChatCompletionChunk,
  ImageGenerateParams,
  ImagesResponse,
  StoredImage,
  ImageList,
  ImageDeleted,
  Model,
  ModelList,
  CatalogModel,
  CatalogModelList,
  UsageSummary,
  SyntheticJobCreateParams,
  SyntheticJob,
  SyntheticJobList,
  SyntheticProgress,
  SyntheticRecord,
  SyntheticRecordList,
  SyntheticEvaluateParams,
  SyntheticEvaluation,
  SyntheticLabParams,
  SyntheticLabResult,
  ModerationCreateParams,
  ModerationResponse,
  ProvenanceVerifyParams,
  ProvenanceVerification,
  DatasetManifest,
  DatasetVerifyParams,
  DatasetVerification,
  ProvenanceKeys,
  ErrorBody,
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
const errors = Object.fromEntries(
  [
    ['400', 'The request is malformed (bad JSON, wrong types, unknown fields).'],
    ['401', 'Missing, malformed, unknown, expired or revoked credentials.'],
    ['403', "The caller's plan does not include the model."],
    ['404', 'Unknown model or resource.'],
    ['409', 'The Idempotency-Key was already used with a different request body.'],
    ['413', 'The request body is too large.'],
    [
      '429',
      'A rate limit (rate_limit_exceeded), a daily quota (quota_exceeded) or an upstream limit (upstream_rate_limited).',
    ],
    ['502', 'No upstream could serve the request.'],
    ['504', 'The upstream did not answer in time.'],
  ].map(([status, description]) => [status, { description, content: json('ErrorBody') }]),
);

/** The OpenAPI 3.1 document for the gateway, generated from the zod contracts. */
export function buildOpenApiDocument(serverUrl = 'http://localhost:4000'): Record<string, unknown> {
  const schemas = Object.fromEntries(
    Object.entries(publishedSchemas).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    ]),
  );
  const security = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Synthwell gateway',
      version: '1.0.0',
      description: 'OpenAI-compatible chat, image and model endpoints, plus usage and synthetic data.',
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (sk-sw-...) or a session token (swt_...).' },
      },
    },
    security,
    paths: {
      '/v1/models': {
        get: {
          summary: "List the models the caller's plan includes",
          description:
            'With `include=locked` the whole catalog is listed instead: each model carries `available` (whether the ' +
            "caller's plan includes it) and `plans` (the plans on offer that do, cheapest first).",
          parameters: [
            {
              name: 'include',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['locked'] },
              description: 'locked: also list the models the plan does not include.',
            },
          ],
          responses: {
            '200': {
              description: 'The models.',
              content: {
                'application/json': { schema: { oneOf: [ref('ModelList'), ref('CatalogModelList')] } },
              },
            },
            ...errors,
          },
        },
      },
      '/v1/models/{id}': {
        get: {
          summary: 'Retrieve a model',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The model.', content: json('Model') }, ...errors },
        },
      },
      '/v1/chat/completions': {
        post: {
          summary: 'Create a chat completion',
          description:
            'With `stream: true` the answer is a text/event-stream of ChatCompletionChunk events ending in `data: [DONE]`.',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }],
          requestBody: { required: true, content: json('ChatCompletionCreateParams') },
          responses: {
            '200': {
              description: 'The completion, or a stream of chunks.',
              content: { ...json('ChatCompletion'), 'text/event-stream': { schema: ref('ChatCompletionChunk') } },
            },
            ...errors,
          },
        },
      },
      '/v1/images/generations': {
        post: {
          summary: 'Generate images',
          requestBody: { required: true, content: json('ImageGenerateParams') },
          responses: {
            '200': { description: 'The images, as signed URLs or base64 PNG.', content: json('ImagesResponse') },
            ...errors,
          },
        },
      },
      ...imagePaths(),
      '/v1/usage': {
        get: {
          summary: "The caller's plan, today's usage and what remains",
          responses: { '200': { description: 'Usage.', content: json('UsageSummary') }, ...errors },
        },
      },
      ...syntheticPaths(),
      ...safetyPaths(),
    },
  };
}

/** The caller's stored images: list them with fresh signed links, delete one. */
function imagePaths(): Record<string, unknown> {
  const query = (name: string, schema: Record<string, unknown>, description: string) => ({
    name,
    in: 'query',
    required: false,
    schema,
    description,
  });
  return {
    '/v1/images': {
      get: {
        summary: "List the caller's images, newest first",
        description: 'Each image has a fresh signed `url`; prompts are not stored, so none is returned.',
        parameters: [
          query('limit', { type: 'integer', minimum: 1, maximum: 100 }, 'Page size (default 20).'),
          query('cursor', { type: 'string' }, 'The `next_cursor` of the previous page.'),
        ],
        responses: { '200': { description: 'A page of images.', content: json('ImageList') }, ...errors },
      },
    },
    '/v1/images/{id}': {
      delete: {
        summary: "Delete one of the caller's images and its file",
        description: "An id that is not the caller's image (another account's included) is a 404.",
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'The image was deleted.', content: json('ImageDeleted') }, ...errors },
      },
    },
  };
}

/** The synthetic-data routes: jobs with their events and records, evaluation and the collapse lab. */
function syntheticPaths(): Record<string, unknown> {
  const jobId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const query = (name: string, schema: Record<string, unknown>, description: string) => ({
    name,
    in: 'query',
    required: false,
    schema,
    description,
  });
  const cursor = query('cursor', { type: 'string' }, 'The `next_cursor` of the previous page.');
  return {
    '/v1/synthetic/jobs': {
      post: {
        summary: 'Create a synthetic-data job',
        description:
          'Queues the job and answers at once. Kept records count against the daily synthetic-records quota as ' +
          'they are kept; a job larger than what is left is refused (429 quota_exceeded) unless ' +
          "`truncate_to_quota` is true. Jobs beyond the plan's concurrent-job limit wait in the queue. " +
          'The same Idempotency-Key returns the same job; reusing it with another body is a 409.',
        parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }],
        requestBody: { required: true, content: json('SyntheticJobCreateParams') },
        responses: { '200': { description: 'The job.', content: json('SyntheticJob') }, ...errors },
      },
      get: {
        summary: "List the caller's jobs, newest first",
        parameters: [
          query('limit', { type: 'integer', minimum: 1, maximum: 100 }, 'Page size (default 20).'),
          cursor,
          query(
            'status',
            { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'] },
            'Only jobs in this status.',
          ),
        ],
        responses: { '200': { description: 'A page of jobs.', content: json('SyntheticJobList') }, ...errors },
      },
    },
    '/v1/synthetic/jobs/{id}': {
      get: {
        summary: 'Retrieve a job',
        parameters: [jobId],
        responses: { '200': { description: 'The job.', content: json('SyntheticJob') }, ...errors },
      },
    },
    '/v1/synthetic/jobs/{id}/cancel': {
      post: {
        summary: 'Cancel a job; records kept so far stay downloadable',
        parameters: [jobId],
        responses: { '200': { description: 'The job.', content: json('SyntheticJob') }, ...errors },
      },
    },
    '/v1/synthetic/jobs/{id}/events': {
      get: {
        summary: "Follow a job's progress",
        description:
          'A text/event-stream. It starts with a `progress` event holding the current state, sends one per batch, ' +
          'ends with a `done`, `failed` or `canceled` event whose data is the job, then `data: [DONE]`.',
        parameters: [jobId],
        responses: {
          '200': {
            description: 'The event stream.',
            content: { 'text/event-stream': { schema: ref('SyntheticProgress') } },
          },
          ...errors,
        },
      },
    },
    '/v1/synthetic/jobs/{id}/records': {
      get: {
        summary: "A job's records with their grades and provenance",
        description:
          'A page of records in seq order; `format=jsonl` or `Accept: application/x-ndjson` streams all of them ' +
          "(`limit` and `cursor` then do not apply). A finished job's download carries " +
          '`Link: </v1/synthetic/jobs/{id}/manifest>; rel="describedby"`: the signed manifest of exactly these bytes.',
        parameters: [
          jobId,
          query('limit', { type: 'integer', minimum: 1, maximum: 1000 }, 'Page size (default 100).'),
          cursor,
          query('format', { type: 'string', enum: ['json', 'jsonl'] }, 'jsonl: every record, one per line.'),
        ],
        responses: {
          '200': {
            description: 'A page of records, or JSON Lines.',
            content: { ...json('SyntheticRecordList'), 'application/x-ndjson': { schema: ref('SyntheticRecord') } },
          },
          ...errors,
        },
      },
    },
    '/v1/synthetic/jobs/{id}/manifest': {
      get: {
        summary: "The signed manifest of a finished job's JSONL download",
        description:
          'Describes the bytes `GET /v1/synthetic/jobs/{id}/records?format=jsonl` serves: their SHA-256, the record ' +
          'count and the job, signed with Ed25519 like image provenance records. Verify it with ' +
          '`POST /v1/provenance/datasets/verify`, or offline with the keys of `GET /v1/provenance/keys`. ' +
          'A job that is still queued or running has no manifest yet: 409 job_not_finished.',
        parameters: [jobId],
        responses: {
          '200': { description: 'The manifest.', content: json('DatasetManifest') },
          ...errors,
          '409': { description: 'The job is still queued or running (job_not_finished).', content: json('ErrorBody') },
        },
      },
    },
    '/v1/synthetic/evaluate': {
      post: {
        summary: 'Diversity, divergence and collapse risk of a dataset against human text',
        requestBody: { required: true, content: json('SyntheticEvaluateParams') },
        responses: { '200': { description: 'The evaluation.', content: json('SyntheticEvaluation') }, ...errors },
      },
    },
    '/v1/synthetic/lab': {
      post: {
        summary: 'Run a recursive-training (model collapse) experiment',
        requestBody: { required: true, content: json('SyntheticLabParams') },
        responses: { '200': { description: 'The curves.', content: json('SyntheticLabResult') }, ...errors },
      },
    },
  };
}

/** Content moderation, provenance verification and the verification keys. */
function safetyPaths(): Record<string, unknown> {
  return {
    '/v1/moderations': {
      post: {
        summary: 'Classify text with the content policy engine',
        description:
          "OpenAI's moderation shape, backed by the same offline classifiers that guard prompts and outputs. " +
          '`flagged` is true when any category scores 0.5 or more.',
        requestBody: { required: true, content: json('ModerationCreateParams') },
        responses: { '200': { description: 'One result per input.', content: json('ModerationResponse') }, ...errors },
      },
    },
    '/v1/provenance/verify': {
      post: {
        summary: 'Check that a PNG was generated by this deployment and not altered',
        description:
          'Send `{ "b64": ... }` as JSON, the PNG as a multipart file, or the raw bytes as image/png. ' +
          'An image that is not valid is still a 200 answer, with `valid: false` and the reason.',
        requestBody: {
          required: true,
          content: {
            ...json('ProvenanceVerifyParams'),
            'multipart/form-data': {
              schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
            },
            'image/png': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: { '200': { description: 'The verdict.', content: json('ProvenanceVerification') }, ...errors },
      },
    },
    '/v1/provenance/datasets/verify': {
      post: {
        summary: 'Check that a JSONL export is exactly the dataset its signed manifest describes',
        description:
          'Send the manifest with the export as text (`jsonl`) or, for exports larger than a request body may be, ' +
          'the SHA-256 of its bytes (`jsonl_sha256`). A dataset that is not valid is still a 200 answer, with ' +
          '`valid: false` and the reason.',
        requestBody: { required: true, content: json('DatasetVerifyParams') },
        responses: { '200': { description: 'The verdict.', content: json('DatasetVerification') }, ...errors },
      },
    },
    '/v1/provenance/keys': {
      get: {
        summary: "The deployment's public verification keys (a JWK Set)",
        description:
          'Ed25519 keys (`kty: OKP`, `crv: Ed25519`, `x` base64url) with their `kid`s; the first signs, all verify. ' +
          'Public: anyone can fetch them and verify images and manifests without trusting the gateway.',
        security: [],
        responses: { '200': { description: 'The keys.', content: json('ProvenanceKeys') } },
      },
    },
  };
}
