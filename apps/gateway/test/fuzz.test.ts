import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentType,
  type FuzzRequest,
  jsonBodies,
  latin1,
  malformedAuthorization,
  oddHeaders,
  pathSegment,
  queryString,
  tokenOf,
} from './fuzz-arbitraries.js';
import { bearer, expectErrorBody, startTestGateway, type TestGateway, withRedisIfSet } from './harness.js';
import { follow, HUMAN_SEEDS, offlineJob, submit } from './synthetic-fixtures.js';

/**
 * Property-based fuzzing of every public endpoint over real HTTP: 10,000 generated requests in all.
 * For every one: no 5xx, an `x-request-id`, and any error body exactly `{ error: { message, type,
 * param, code } }`; afterwards the gateway is still up and ready. A failure names the seed; replay
 * it with FUZZ_SEED=<seed>, and fast-check prints the shrunk request.
 */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Fixtures {
  /** Bearer credentials of a Premium account whose limits are raised so that valid requests run. */
  key: string;
  session: string;
  /** A finished job of that account, and one of another account. */
  jobId: string;
  otherJobId: string;
  /** A stored image of that account: its id, file name, a valid expiry and signature, and its bytes. */
  imageId: string;
  file: string;
  expires: string;
  sig: string;
  png: Buffer;
}

/** One endpoint's generator and its share of the 10,000 cases. */
interface Endpoint {
  name: string;
  cases: number;
  requests: (fixtures: Fixtures) => fc.Arbitrary<FuzzRequest>;
  /** Endpoint-specific property, checked after the general ones. */
  check?: (response: FuzzResponse) => void;
}

function credentials(fixtures: Fixtures, malformedWeight = 1): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(`Bearer ${fixtures.key}`, `Bearer ${fixtures.session}`) },
    { weight: malformedWeight, arbitrary: malformedAuthorization },
  );
}

/** A request with odd headers, credentials, and (when given) a body with a mostly-JSON content type. */
function build(
  fixtures: Fixtures,
  method: fc.Arbitrary<string>,
  path: fc.Arbitrary<string>,
  body?: fc.Arbitrary<Buffer | undefined>,
  options: { malformedWeight?: number; type?: fc.Arbitrary<string> } = {},
): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method,
      path,
      headers: oddHeaders,
      authorization: credentials(fixtures, options.malformedWeight),
      type: options.type ?? contentType,
      body: body ?? fc.constant(undefined),
    })
    .map(({ method: verb, path: target, headers, authorization, type, body: payload }) =>
      printable({
        method: verb,
        path: target,
        headers: { ...headers, authorization, ...(payload ? { 'content-type': type } : {}) },
        ...(payload ? { body: payload } : {}),
      }),
    );
}

/** Counterexamples print cut short (bodies can be megabytes); the seed and path replay them exactly. */
function printable(request: FuzzRequest): FuzzRequest {
  return Object.assign(request, {
    [fc.toStringMethod]: () => {
      const body = request.body
        ? ` body (${request.body.length} bytes): ${JSON.stringify(request.body.toString('latin1').slice(0, 400))}`
        : '';
      return `${request.method} ${request.path.slice(0, 400)} ${JSON.stringify(request.headers).slice(0, 600)}${body}`;
    },
  });
}

const get = fc.constant('GET');
const post = fc.constant('POST');

const chatMessage = fc.record({
  role: fc.constantFrom('system', 'developer', 'user', 'assistant'),
  content: fc.string({ maxLength: 60 }),
});

const validChat = fc.record(
  {
    model: fc.constantFrom('sw-ngram-mini', 'sw-ngram-pro'),
    messages: fc
      .array(chatMessage, { minLength: 1, maxLength: 3 })
      .map((messages) => [...messages, { role: 'user', content: 'Tell me about the river.' }]),
    max_tokens: fc.integer({ min: 1, max: 12 }),
    stream: fc.boolean(),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    n: fc.integer({ min: 1, max: 2 }),
    seed: fc.integer(),
    stop: fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 2 }),
    stream_options: fc.constant({ include_usage: true }),
  },
  { requiredKeys: ['model', 'messages', 'max_tokens'] },
);
const CHAT_PATHS = [
  'model',
  'messages',
  'messages.0',
  'messages.0.role',
  'messages.0.content',
  'messages.0.name',
  'messages.1',
  'max_tokens',
  'max_completion_tokens',
  'stream',
  'stream_options',
  'stream_options.include_usage',
  'temperature',
  'top_p',
  'n',
  'stop',
  'seed',
  'user',
  'tools',
  'tool_choice',
  'response_format',
  'logit_bias',
  'metadata',
  'presence_penalty',
  'top_logprobs',
  'reasoning_effort',
  'no_such_field',
] as const;

const validImage = fc.record(
  {
    prompt: fc.string({ minLength: 1, maxLength: 60 }),
    size: fc.constant('256x256'),
    n: fc.constant(1),
    response_format: fc.constantFrom('url', 'b64_json'),
    seed: fc.integer(),
    model: fc.constant('sw-canvas'),
  },
  { requiredKeys: ['prompt', 'size'] },
);
const IMAGE_PATHS = ['prompt', 'size', 'n', 'model', 'response_format', 'quality', 'style', 'seed', 'user', 'x'];

const validJob = fc.oneof(
  fc.record({
    task: fc.constant('instruction'),
    model: fc.constant('sw-ngram-mini'),
    count: fc.integer({ min: 1, max: 2 }),
    seed: fc.nat({ max: 1_000 }),
    seeds: fc.constant(HUMAN_SEEDS.slice(0, 2)),
  }),
  fc.record({
    task: fc.constant('classification'),
    model: fc.constant('sw-ngram-mini'),
    count: fc.constant(1),
    labels: fc.constant(['weather', 'sport']),
  }),
  fc.record({
    task: fc.constant('json_schema'),
    model: fc.constant('sw-ngram-mini'),
    count: fc.constant(1),
    json_schema: fc.constant({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }),
    seeds: fc.constant([{ data: { name: 'Ada' } }]),
  }),
);
const JOB_PATHS = [
  'task',
  'model',
  'judge_model',
  'count',
  'seed',
  'seeds',
  'seeds.0',
  'seeds.0.id',
  'seeds.0.data',
  'seeds.0.data.instruction',
  'seeds.0.data.response',
  'seeds.0.data.name',
  'threshold',
  'max_tokens',
  'dedup',
  'diversity',
  'truncate_to_quota',
  'labels',
  'labels.0',
  'item',
  'json_schema',
  'json_schema.properties',
  'extra',
];

function multipart(png: Buffer): fc.Arbitrary<{ type: string; body: Buffer }> {
  return fc
    .record({
      boundary: fc.oneof(
        fc.constant('b0undary'),
        tokenOf("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'()+_,-./:=?", 70),
      ),
      declared: fc.oneof(fc.constant(null), latin1),
      payload: fc.oneof(
        fc.constant(png),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
      ),
      name: fc.constantFrom('file', 'image', ''),
      closed: fc.boolean(),
    })
    .map(({ boundary, declared, payload, name, closed }) => ({
      type: `multipart/form-data; boundary=${declared ?? boundary}`,
      body: Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        payload,
        Buffer.from(closed ? `\r\n--${boundary}--\r\n` : ''),
      ]),
    }));
}

function flipBytes(png: Buffer): fc.Arbitrary<Buffer> {
  return fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
    const copy = Buffer.from(png);
    for (const [at, value] of flips) copy[at % copy.length] = value;
    return copy;
  });
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /v1/chat/completions (plain and streamed)',
    cases: 2_600,
    requests: (f) => build(f, post, fc.constant('/v1/chat/completions'), jsonBodies(validChat, CHAT_PATHS)),
  },
  {
    name: 'POST /v1/images/generations',
    cases: 1_000,
    requests: (f) => build(f, post, fc.constant('/v1/images/generations'), jsonBodies(validImage, IMAGE_PATHS)),
  },
  {
    name: 'GET /v1/images/files/{file}',
    cases: 400,
    requests: (f) => {
      const file = fc.oneof(
        fc.constant(f.file),
        fc.constant(`${f.imageId}.PNG`),
        fc.constant('img_00000000000000000000000000.png'),
        pathSegment([f.file, f.imageId]),
      );
      const expires = fc.oneof(
        fc.constant(f.expires),
        fc.constantFrom('0', '-1', 'NaN', '1e400', '99999999999999999999', ''),
        fc.integer().map(String),
        pathSegment([f.expires]),
      );
      const sig = fc.oneof(
        fc.constant(f.sig),
        fc.constantFrom('', `${f.sig}=`, f.sig.toUpperCase(), f.sig.slice(1)),
        pathSegment([f.sig]),
      );
      const query = fc
        .tuple(expires, sig, fc.boolean(), fc.boolean())
        .map(([e, s, withE, withS]) =>
          [withE ? `expires=${e}` : '', withS ? `sig=${s}` : ''].filter(Boolean).join('&'),
        );
      const path = fc.tuple(file, query).map(([name, q]) => `/v1/images/files/${name}${q ? `?${q}` : ''}`);
      return build(f, get, path);
    },
  },
  {
    name: 'GET /v1/images, DELETE /v1/images/{id}',
    cases: 300,
    requests: (f) =>
      fc.oneof(
        build(
          f,
          get,
          queryString(['limit', 'cursor'], ['img_zzzzzzzzzzzzzzzzzzzzzzzzz', '100', '101']).map(
            (q) => `/v1/images${q}`,
          ),
        ),
        build(
          f,
          fc.constant('DELETE'),
          pathSegment(['img_00000000000000000000000000', 'img_doesnotexist']).map((id) => `/v1/images/${id}`),
        ),
      ),
  },
  {
    name: 'GET /v1/models, GET /v1/models/{id}',
    cases: 1_100,
    requests: (f) =>
      fc.oneof(
        build(
          f,
          get,
          queryString(['include'], ['locked', 'LOCKED', 'all']).map((q) => `/v1/models${q}`),
        ),
        build(
          f,
          get,
          pathSegment(['sw-ngram-mini', 'sw-ngram-pro', 'sw-canvas', 'sw-canvas-pro', 'gpt-4o']).map(
            (id) => `/v1/models/${id}`,
          ),
        ),
      ),
  },
  {
    name: 'POST /v1/moderations',
    cases: 600,
    requests: (f) =>
      build(
        f,
        post,
        fc.constant('/v1/moderations'),
        jsonBodies(
          fc.record(
            {
              input: fc.oneof(
                fc.string({ maxLength: 80 }),
                fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 3 }),
              ),
              model: fc.constant('omni-moderation-latest'),
            },
            { requiredKeys: ['input'] },
          ),
          ['input', 'input.0', 'model', 'extra'],
        ),
      ),
  },
  {
    name: 'POST /v1/provenance/verify (JSON, raw PNG, multipart)',
    cases: 500,
    requests: (f) => {
      const raw = fc.oneof(
        fc.constant(f.png),
        flipBytes(f.png),
        fc.nat().map((cut) => f.png.subarray(0, cut % f.png.length)),
        fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      );
      const json = jsonBodies(
        fc.oneof(
          fc.constant({ b64: f.png.toString('base64') }),
          fc.base64String({ maxLength: 200 }).map((b64) => ({ b64 })),
        ),
        ['b64', 'extra'],
      );
      const verify = fc.constant('/v1/provenance/verify');
      return fc.oneof(
        build(f, post, verify, json),
        build(f, post, verify, raw, { type: fc.constantFrom('image/png', 'image/png; charset=binary') }),
        multipart(f.png).chain(({ type, body }) =>
          build(f, post, verify, fc.constant(body), { type: fc.constant(type) }),
        ),
      );
    },
  },
  {
    name: 'POST /v1/synthetic/jobs',
    cases: 800,
    requests: (f) => build(f, post, fc.constant('/v1/synthetic/jobs'), jsonBodies(validJob, JOB_PATHS)),
  },
  {
    name: 'GET /v1/synthetic/jobs and /v1/synthetic/jobs/{id}[/cancel|/events|/records|/manifest]',
    cases: 900,
    requests: (f) => {
      const id = pathSegment([f.jobId, f.otherJobId, 'job_doesnotexist', 'job_']);
      const routes = fc.constantFrom(
        ['GET', ''],
        ['POST', '/cancel'],
        ['GET', '/events'],
        ['GET', '/records'],
        ['GET', '/manifest'],
        ['DELETE', ''],
        ['GET', '/nope'],
      );
      const byId = fc
        .tuple(routes, id, queryString(['limit', 'cursor', 'format'], ['json', 'jsonl', '0', '5']))
        .chain(([[method, suffix], job, query]) =>
          build(f, fc.constant(method), fc.constant(`/v1/synthetic/jobs/${job}${suffix}${query}`)),
        );
      const list = build(
        f,
        get,
        queryString(
          ['limit', 'cursor', 'status'],
          [f.jobId, f.otherJobId, 'queued', 'running', 'succeeded', 'failed', 'canceled'],
        ).map((q) => `/v1/synthetic/jobs${q}`),
      );
      return fc.oneof(byId, list);
    },
  },
  {
    name: 'POST /v1/synthetic/evaluate, POST /v1/synthetic/lab',
    cases: 400,
    requests: (f) =>
      fc.oneof(
        build(
          f,
          post,
          fc.constant('/v1/synthetic/evaluate'),
          jsonBodies(
            fc.record({
              records: fc.array(fc.string({ minLength: 1, maxLength: 80 }), { minLength: 1, maxLength: 4 }),
            }),
            ['records', 'records.0', 'reference', 'training_mix', 'training_mix.real_records', 'extra'],
          ),
        ),
        build(
          f,
          post,
          fc.constant('/v1/synthetic/lab'),
          jsonBodies(fc.constant({ experiment: 'gaussian', samples_per_generation: 10, generations: 2, runs: 10 }), [
            'experiment',
            'samples_per_generation',
            'generations',
            'runs',
            'seed',
            'extra',
          ]),
        ),
      ),
  },
  {
    name: 'GET /v1/usage',
    cases: 600,
    requests: (f) =>
      build(
        f,
        get,
        queryString(['day', 'from', 'to', 'limit'], ['2026-01-01']).map((q) => `/v1/usage${q}`),
        undefined,
        {
          malformedWeight: 5,
        },
      ),
  },
  {
    name: 'admin operations as a non-admin (/v1/safety/policies, /v1/safety/flags)',
    cases: 300,
    requests: (f) =>
      fc.oneof(
        build(f, get, fc.constantFrom('/v1/safety/policies', '/v1/safety/flags', '/v1/safety/flags?limit=5')),
        build(
          f,
          fc.constant('PUT'),
          pathSegment(['free', 'premium', 'default']).map((plan) => `/v1/safety/policies/${plan}`),
          jsonBodies(fc.constant({ categories: { 'violence/graphic': 'allow' } }), ['categories', 'extra']),
        ),
      ),
    // Whatever the request, a non-admin never succeeds.
    check: (response) => expect(response.status).toBeGreaterThanOrEqual(400),
  },
  {
    name: 'any method on any path',
    cases: 500,
    requests: (f) => {
      const segments = fc.array(pathSegment(['v1', 'chat', 'models', 'images', 'synthetic', 'usage', 'safety']), {
        minLength: 1,
        maxLength: 4,
      });
      const path = fc
        .tuple(fc.constantFrom('', '/v1', '/v2', '/v1/synthetic', '/v1/images'), segments, fc.boolean())
        .map(([prefix, parts, slash]) => `${prefix}/${parts.join('/')}${slash ? '/' : ''}`);
      const known = fc.constantFrom('/healthz', '/readyz', '/metrics', '/v1/openapi.json', '/v1', '/', '//v1//models');
      return build(
        f,
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        fc.oneof(path, known),
        fc.option(
          fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)),
          { nil: undefined },
        ),
      );
    },
  },
];

const TOTAL_CASES = ENDPOINTS.reduce((sum, endpoint) => sum + endpoint.cases, 0);

/**
 * Each property run sends this many requests at once, so an endpoint's cases overlap like real
 * traffic; with the endpoints themselves running side by side, that is about 20 requests in flight.
 */
const BATCH = { minLength: 4, maxLength: 4 } as const;

/** Longer than any fuzzed request needs: a request still unanswered by then is a failure of its own. */
const RESPONSE_DEADLINE_MS = 10_000;

function send(base: URL, agent: Agent, request: FuzzRequest): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(
      () =>
        outgoing.destroy(
          new Error(
            `no complete response within ${RESPONSE_DEADLINE_MS} ms to ${request.method} ${request.path.slice(0, 200)}`,
          ),
        ),
      RESPONSE_DEADLINE_MS,
    );
    const outgoing = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) },
        agent,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          clearTimeout(deadline);
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    outgoing.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    outgoing.end(request.body);
  });
}

/** The properties every response has, whatever was sent. */
function checkResponse(response: FuzzResponse): void {
  expect(response.status, response.body.slice(0, 300)).toBeLessThan(500);
  expect(response.headers['x-request-id']).toMatch(/^req_/);
  if (response.status < 400) return;
  expectErrorBody(JSON.parse(response.body));
}

describe(`fuzzing the public API (seed ${SEED}: replay with FUZZ_SEED=${SEED})`, () => {
  let t: TestGateway;
  let agent: Agent;
  let fixtures: Fixtures;

  beforeAll(async () => {
    t = await startTestGateway(withRedisIfSet('fuzz'));
    // Raised limits so that valid requests run instead of being refused; records and images stay
    // low because each costs real work.
    await t.db.plan.update({
      where: { slug: 'premium' },
      data: {
        requestsPerMinute: 1_000_000,
        tokensPerMinute: 1_000_000_000,
        chatRequestsPerDay: 1_000_000,
        imagesPerDay: 40,
        syntheticRecordsPerDay: 12,
        concurrentSyntheticJobs: 2,
      },
    });
    const account = await t.account('premium');
    const other = await t.account('premium');
    const job = await submit(t, account.key, offlineJob({ count: 2 }));
    const otherJob = await submit(t, other.key, offlineJob({ count: 1 }));
    await follow(t, account.key, job.id);
    await follow(t, other.key, otherJob.id);
    const generated = await fetch(`${t.url}/v1/images/generations`, {
      method: 'POST',
      headers: bearer(account.key),
      body: JSON.stringify({ prompt: 'a small harbour', size: '256x256' }),
    });
    const link = new URL((await generated.json()).data[0].url);
    const file = link.pathname.split('/').at(-1) as string;
    fixtures = {
      key: account.key,
      session: t.sessionToken(account.user.id),
      jobId: job.id,
      otherJobId: otherJob.id,
      imageId: file.replace(/\.png$/, ''),
      file,
      expires: link.searchParams.get('expires') as string,
      sig: link.searchParams.get('sig') as string,
      png: Buffer.from(await (await fetch(link)).arrayBuffer()),
    };
    agent = new Agent({ keepAlive: true, maxSockets: 32 });
  });
  afterAll(async () => {
    agent?.destroy();
    await t?.close();
  });

  it('spreads 10,000 cases over the endpoints', () => {
    expect(TOTAL_CASES).toBe(10_000);
    for (const endpoint of ENDPOINTS) expect(endpoint.cases % BATCH.minLength, endpoint.name).toBe(0);
  });

  describe.concurrent('every endpoint', () => {
    for (const [index, endpoint] of ENDPOINTS.entries()) {
      it(`${endpoint.name}: ${endpoint.cases} cases`, async () => {
        const base = new URL(t.url);
        await fc.assert(
          fc.asyncProperty(fc.array(endpoint.requests(fixtures), BATCH), async (batch) => {
            const responses = await Promise.all(batch.map((request) => send(base, agent, request)));
            for (const response of responses) {
              checkResponse(response);
              endpoint.check?.(response);
            }
          }),
          {
            numRuns: endpoint.cases / BATCH.minLength,
            seed: SEED + index,
            // Shrinking resends requests; bound it so a failure that hangs still ends the run.
            interruptAfterTimeLimit: 300_000,
            markInterruptAsFailure: true,
          },
        );
      }, 600_000);
    }
  });

  describe('afterwards', () => {
    it('is still up and ready', async () => {
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    });
  });
});
