import { validateJson } from '@synthwell/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, readSse, startTestGateway, type TestGateway } from './harness.js';

const question = [{ role: 'user', content: 'What did the jury say about the election?' }];

describe('/v1/chat/completions on the offline models', () => {
  let t: TestGateway;
  let key: string;
  beforeAll(async () => {
    t = await startTestGateway();
    key = (await t.account('free')).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: unknown, headers = bearer(key)) =>
    fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });

  it("answers in OpenAI's shape with usage, a request id and the gateway's overhead", async () => {
    const response = await post({ model: 'sw-ngram-mini', messages: question, max_tokens: 20, seed: 7 });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(Number(response.headers.get('x-synthwell-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'sw-ngram-mini',
      choices: [{ index: 0, message: { role: 'assistant' } }],
    });
    expect(body.choices[0].message.content.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(body.choices[0].finish_reason);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it('gives the same answer for the same seed', async () => {
    const request = { model: 'sw-ngram-mini', messages: question, max_tokens: 25, seed: 42, temperature: 1 };
    const [a, b] = await Promise.all([post(request).then((r) => r.json()), post(request).then((r) => r.json())]);
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
  });

  it('streams chunks, then [DONE]; include_usage adds a final usage chunk', async () => {
    const response = await post({
      model: 'sw-ngram-mini',
      messages: question,
      max_tokens: 30,
      seed: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const { events } = await readSse(response);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks)
      expect(chunk).toMatchObject({ object: 'chat.completion.chunk', model: 'sw-ngram-mini' });
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
    const text = chunks
      .flatMap((chunk) => chunk.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? ''))
      .join('');
    const plain = await post({ model: 'sw-ngram-mini', messages: question, max_tokens: 30, seed: 3 }).then((r) =>
      r.json(),
    );
    expect(text).toBe(plain.choices[0].message.content);
  });

  it('answers response_format json_schema with JSON that validates against the schema', async () => {
    const schema = {
      type: 'object',
      required: ['verdict', 'jurors', 'summary'],
      additionalProperties: false,
      properties: {
        verdict: { enum: ['guilty', 'not guilty'] },
        jurors: { type: 'integer', minimum: 6, maximum: 12 },
        summary: { type: 'string', maxLength: 200 },
        unanimous: { type: 'boolean' },
      },
    } as const;
    const response = await post({
      model: 'sw-ngram-mini',
      messages: question,
      seed: 5,
      response_format: { type: 'json_schema', json_schema: { name: 'verdict', schema } },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices[0].finish_reason).toBe('stop');
    const value = JSON.parse(body.choices[0].message.content);
    expect(validateJson(schema, value)).toEqual([]);
    expect(value.summary.length).toBeGreaterThan(0);
  });

  it('meters exactly one usage record per request, with the tokens it reported', async () => {
    const response = await post({ model: 'sw-ngram-mini', messages: question, max_tokens: 15, seed: 1 });
    const body = await response.json();
    const requestId = response.headers.get('x-request-id') as string;
    await t.flushUsage();
    const events = await t.db.usageEvent.findMany({ where: { requestId } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      feature: 'chat',
      model: 'sw-ngram-mini',
      provider: 'local',
      status: 200,
      outcome: 'ok',
      promptTokens: body.usage.prompt_tokens,
      completionTokens: body.usage.completion_tokens,
    });
  });

  it('refuses a premium model on the Free plan with 403 model_not_in_plan', async () => {
    const response = await post({ model: 'sw-ngram-pro', messages: question });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('Free plan does not include'),
        type: 'permission_error',
        param: 'model',
        code: 'model_not_in_plan',
      },
    });
  });

  describe('malformed requests', () => {
    const cases: Array<[string, () => Promise<Response>, number, Record<string, unknown>]> = [
      [
        'bad JSON',
        () =>
          fetch(`${t.url}/v1/chat/completions`, {
            method: 'POST',
            headers: bearer(key),
            body: '{"model": "sw-ngram-mini",',
          }),
        400,
        { code: 'invalid_json', type: 'invalid_request_error' },
      ],
      [
        'an empty body',
        () => fetch(`${t.url}/v1/chat/completions`, { method: 'POST', headers: bearer(key), body: '' }),
        400,
        { type: 'invalid_request_error' },
      ],
      ['a JSON array', () => post([1, 2]), 400, { code: 'invalid_request_body' }],
      [
        'a wrong type',
        () => post({ model: 'sw-ngram-mini', messages: question, temperature: 'hot' }),
        400,
        { param: 'temperature', code: 'invalid_request_body' },
      ],
      [
        'an out-of-range value',
        () => post({ model: 'sw-ngram-mini', messages: question, temperature: 9 }),
        400,
        { param: 'temperature' },
      ],
      [
        'an unknown field',
        () => post({ model: 'sw-ngram-mini', messages: question, max_token: 5 }),
        400,
        { param: 'max_token', message: 'Unrecognized request argument supplied: max_token' },
      ],
      ['empty messages', () => post({ model: 'sw-ngram-mini', messages: [] }), 400, { param: 'messages' }],
      [
        'a message without a role',
        () => post({ model: 'sw-ngram-mini', messages: [{ content: 'hi' }] }),
        400,
        { code: 'invalid_request_body' },
      ],
      ['a missing model', () => post({ messages: question }), 400, { param: 'model' }],
      [
        'an unknown model',
        () => post({ model: 'gpt-17', messages: question }),
        404,
        { code: 'model_not_found', param: 'model' },
      ],
      [
        'an image model',
        () => post({ model: 'sw-canvas', messages: question }),
        400,
        { code: 'unsupported_for_model' },
      ],
      [
        'a 5 MiB body',
        () => post({ model: 'sw-ngram-mini', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] }),
        413,
        { code: 'request_too_large' },
      ],
      [
        'a non-JSON content type',
        () =>
          fetch(`${t.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { ...bearer(key), 'content-type': 'text/plain' },
            body: 'hello',
          }),
        400,
        { message: 'The request body must be a JSON object.' },
      ],
      [
        'an unsupported content type',
        () =>
          fetch(`${t.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { ...bearer(key), 'content-type': 'application/xml' },
            body: '<a/>',
          }),
        415,
        { type: 'invalid_request_error' },
      ],
    ];
    for (const [name, send, status, expected] of cases) {
      it(`${name} → ${status}`, async () => {
        const response = await send();
        expect(response.status).toBe(status);
        const body = await response.json();
        expect(Object.keys(body)).toEqual(['error']);
        expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
        expect(body.error).toMatchObject(expected);
      });
    }

    it('records no usage for requests refused before they reach a model', async () => {
      const account = await t.account('free');
      await post({ model: 'sw-ngram-mini', messages: [] }, bearer(account.key));
      await post({ model: 'sw-ngram-pro', messages: question }, bearer(account.key));
      await t.flushUsage();
      expect(await t.db.usageEvent.count({ where: { userId: account.user.id } })).toBe(0);
    });
  });
});
