import { z } from 'zod';
import { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from './chat.js';
import { ErrorBody } from './errors.js';
import { ImageGenerateParams, ImagesResponse } from './images.js';
import { Model, ModelList } from './models.js';
import { UsageSummary } from './usage.js';

/** Schemas published under components.schemas, by name. Later features add theirs here. */
export const publishedSchemas: Record<string, z.ZodType> = {
  ChatCompletionCreateParams,
  ChatCompletion,
  ChatCompletionChunk,
  ImageGenerateParams,
  ImagesResponse,
  Model,
  ModelList,
  UsageSummary,
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
          responses: { '200': { description: 'The models.', content: json('ModelList') }, ...errors },
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
      '/v1/usage': {
        get: {
          summary: "The caller's plan, today's usage and what remains",
          responses: { '200': { description: 'Usage.', content: json('UsageSummary') }, ...errors },
        },
      },
    },
  };
}
