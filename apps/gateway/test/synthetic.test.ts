import { createApiKey } from '@synthwell/db/testing';
import { validateJson } from '@synthwell/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestGateway, type TestGateway } from './harness.js';
import { downloadRecords, follow, get, HUMAN_SEEDS, offlineJob, post, submit } from './synthetic-fixtures.js';

describe('synthetic-data jobs on the offline models', () => {
  let t: TestGateway;
  let key: string;
  let userId: string;
  beforeAll(async () => {
    t = await startTestGateway();
    const account = await t.account('free');
    key = account.key;
    userId = account.user.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('runs a job: events reach done, records carry provenance, the job has metrics and a verdict', async () => {
    const job = await submit(t, key, offlineJob());
    expect(job).toMatchObject({ object: 'synthetic.job', task: 'instruction', count: 12, model: 'sw-ngram-mini' });
    expect(job.id).toMatch(/^job_/);

    const { response, events } = await follow(t, key, job.id);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(events[0]?.event).toBe('progress');
    expect(events.at(-1)?.data).toBe('[DONE]');
    const done = events.at(-2);
    expect(done).toMatchObject({ event: 'done', data: { id: job.id, status: 'succeeded' } });
    const progress = events.filter((event) => event.event === 'progress').map((event) => event.data);
    expect(progress.at(-1)).toMatchObject({ generated: expect.any(Number), kept: 12 });
    for (const [i, step] of progress.entries())
      if (i > 0) expect(step.generated).toBeGreaterThan(progress[i - 1].generated);

    const { response: download, records } = await downloadRecords(t, key, job.id);
    expect(download.headers.get('content-type')).toContain('application/x-ndjson');
    expect(records.map((record) => record.seq)).toEqual([...Array(12).keys()]);
    for (const record of records) {
      expect(record).toMatchObject({
        object: 'synthetic.record',
        job_id: job.id,
        data: { instruction: expect.any(String), response: expect.any(String) },
        judge: { score: expect.any(Number) },
        provenance: {
          synthetic: true,
          generation_depth: 1,
          generator: 'sw-ngram-mini',
          judge: 'offline:rules+fluency',
          job_id: job.id,
        },
      });
      expect(record.judge.score).toBeGreaterThanOrEqual(6);
      expect(record.provenance.seed_ids.every((id: string) => HUMAN_SEEDS.some((seed) => seed.id === id))).toBe(true);
    }

    const final = await (await get(t, key, `/v1/synthetic/jobs/${job.id}`)).json();
    expect(final).toMatchObject({ status: 'succeeded', outcome: 'completed', progress: { kept: 12 }, error: null });
    expect(final.metrics.distinct_2.ratio).toEqual(expect.any(Number));
    expect(final.metrics.budget_tokens).toBeGreaterThan(0);
    expect(['ok', 'warn', 'high']).toContain(final.verdict.level);
    expect(final.finished_at).toBeGreaterThanOrEqual(final.started_at);
  });

  it('counts kept records against the daily quota and meters them once, on the job', async () => {
    const before = (await (await get(t, key, '/v1/usage')).json()).daily.synthetic_records.used;
    const job = await submit(t, key, offlineJob({ count: 5, seed: 21 }));
    await follow(t, key, job.id);
    const usage = await (await get(t, key, '/v1/usage')).json();
    expect(usage.daily.synthetic_records.used - before).toBe(5);
    await t.flushUsage();
    const final = await t.db.usageEvent.findUniqueOrThrow({ where: { requestId: job.id } });
    expect(final).toMatchObject({ feature: 'synthetic', records: 5, model: 'sw-ngram-mini', outcome: 'succeeded' });
    const calls = await t.db.usageEvent.findMany({ where: { userId, requestId: { startsWith: `${job.id}/` } } });
    // One batch of 8 attempts, two generator calls each (self-instruct); the offline judge makes none.
    expect(calls).toHaveLength(16);
    for (const call of calls)
      expect(call).toMatchObject({ feature: 'synthetic', records: 0, provider: 'local', status: 200 });
    expect(calls.every((call) => call.completionTokens > 0)).toBe(true);
  });

  it('makes records one generation deeper when the seeds are synthetic, and says how to mix them', async () => {
    const parent = await submit(t, key, offlineJob({ count: 4, seed: 3 }));
    await follow(t, key, parent.id);
    const { records: lines } = await downloadRecords(t, key, parent.id);
    // A downloaded line is a valid seed as it is: its provenance marks it synthetic.
    const child = await submit(t, key, offlineJob({ count: 4, seed: 4, seeds: lines }));
    expect(child.mixing_guidance).toMatchObject({
      applies: true,
      strategy: 'accumulate',
      synthetic_seeds: 4,
      max_seed_depth: 1,
      min_real_share: 0.1,
    });
    expect(child.mixing_guidance.messages[0]).toContain('generation depth 2');
    await follow(t, key, child.id);
    const { records } = await downloadRecords(t, key, child.id);
    expect(records).toHaveLength(4);
    for (const record of records) expect(record.provenance.generation_depth).toBe(2);
  });

  it('reproduces a job from its seed, and drops records of earlier jobs when asked to', async () => {
    const body = offlineJob({ count: 4, seed: 77 });
    const first = await submit(t, key, body);
    await follow(t, key, first.id);
    const again = await submit(t, key, body);
    await follow(t, key, again.id);
    const data = async (id: string) => (await downloadRecords(t, key, id)).records.map((record) => record.data);
    expect(await data(again.id)).toEqual(await data(first.id));

    const fresh = await submit(t, key, { ...body, dedup: { against_previous_jobs: true } });
    const { events } = await follow(t, key, fresh.id);
    expect(events.at(-2)?.data).toMatchObject({ status: 'succeeded', progress: { kept: 4 } });
    expect(events.at(-2)?.data.progress.rejected.duplicate).toBeGreaterThanOrEqual(4);
    const earlier = new Set((await data(first.id)).map((record) => JSON.stringify(record)));
    for (const record of await data(fresh.id)) expect(earlier.has(JSON.stringify(record))).toBe(false);
  });

  it('balances classification records across the labels', async () => {
    const job = await submit(t, key, {
      task: 'classification',
      model: 'sw-ngram-mini',
      count: 6,
      seed: 5,
      labels: ['sports', 'politics', 'science'],
      item: 'news headline',
    });
    await follow(t, key, job.id);
    const { records } = await downloadRecords(t, key, job.id);
    const labels = records.map((record) => record.data.label).sort();
    expect(labels).toEqual(['politics', 'politics', 'science', 'science', 'sports', 'sports']);
    for (const record of records) expect(record.data.text.split(' ').length).toBeGreaterThanOrEqual(3);
  });

  it('runs a json_schema job on the offline model: every kept record validates against the schema', async () => {
    const schema = {
      type: 'object',
      required: ['name', 'age', 'city', 'interests'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 3, maxLength: 60 },
        age: { type: 'integer', minimum: 18, maximum: 90 },
        city: { type: 'string', description: 'where the member lives' },
        interests: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', maxLength: 40 } },
        plan: { enum: ['free', 'premium'] },
      },
    } as const;
    const job = await submit(t, key, {
      task: 'json_schema',
      model: 'sw-ngram-mini',
      count: 6,
      seed: 11,
      item: 'church member profile',
      json_schema: schema,
    });
    const { events } = await follow(t, key, job.id);
    expect(events.at(-2)).toMatchObject({ event: 'done', data: { status: 'succeeded', outcome: 'completed' } });
    const { records } = await downloadRecords(t, key, job.id);
    expect(records).toHaveLength(6);
    for (const record of records) expect(validateJson(schema, record.data)).toEqual([]);
    expect(new Set(records.map((record) => record.data.city)).size).toBe(6);
  });

  it('fails a job that keeps nothing, saying why', async () => {
    // No string is at least 5 and at most 2 characters long, so every attempt is invalid.
    const job = await submit(t, key, {
      task: 'json_schema',
      model: 'sw-ngram-mini',
      count: 1,
      json_schema: {
        type: 'object',
        properties: { name: { type: 'string', minLength: 5, maxLength: 2 } },
        required: ['name'],
      },
    });
    const { events } = await follow(t, key, job.id);
    const final = events.at(-2);
    expect(final).toMatchObject({ event: 'failed', data: { status: 'failed', error: { code: 'no_records' } } });
    expect(final?.data.error.message).toMatch(/\d+ invalid/);
    expect(final?.data.progress.rejected.invalid).toBe(final?.data.progress.generated);
  });

  it('pages through records with cursors', async () => {
    const job = await submit(t, key, offlineJob({ count: 7, seed: 5 }));
    await follow(t, key, job.id);
    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await (
        await get(t, key, `/v1/synthetic/jobs/${job.id}/records?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.object).toBe('list');
      seqs.push(...page.data.map((record: { seq: number }) => record.seq));
      expect(page.has_more).toBe(page.next_cursor !== null);
      cursor = page.next_cursor;
    } while (cursor);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Accept: application/x-ndjson asks for the same download as ?format=jsonl.
    const ndjson = await get(t, key, `/v1/synthetic/jobs/${job.id}/records`, { accept: 'application/x-ndjson' });
    expect((await ndjson.text()).trim().split('\n')).toHaveLength(7);
  });

  it('replays the final state to a late subscriber', async () => {
    const job = await submit(t, key, offlineJob({ count: 3, seed: 9 }));
    await follow(t, key, job.id);
    const { events } = await follow(t, key, job.id);
    expect(events.map((event) => event.event ?? event.data)).toEqual(['progress', 'done', '[DONE]']);
    expect(events[0]?.data).toMatchObject({ kept: 3 });
  });

  it('lists jobs newest first, with paging and a status filter', async () => {
    const first = await submit(t, key, offlineJob({ count: 1, seed: 31 }));
    const second = await submit(t, key, offlineJob({ count: 1, seed: 32 }));
    await follow(t, key, second.id);
    await follow(t, key, first.id);
    const page = await (await get(t, key, '/v1/synthetic/jobs?limit=1')).json();
    expect(page).toMatchObject({ object: 'list', has_more: true, data: [{ id: second.id }] });
    const next = await (await get(t, key, `/v1/synthetic/jobs?limit=1&cursor=${page.next_cursor}`)).json();
    expect(next.data[0].id).toBe(first.id);
    const succeeded = await (await get(t, key, '/v1/synthetic/jobs?status=succeeded&limit=100')).json();
    expect(succeeded.data.every((job: { status: string }) => job.status === 'succeeded')).toBe(true);
    const queued = await (await get(t, key, '/v1/synthetic/jobs?status=queued')).json();
    expect(queued.data).toEqual([]);
  });

  describe('idempotency', () => {
    it('returns the same job for the same key and body', async () => {
      const headers = { 'idempotency-key': 'batch-2026-11-26' };
      const one = await submit(t, key, offlineJob({ count: 2, seed: 41 }), headers);
      const two = await submit(t, key, offlineJob({ count: 2, seed: 41 }), headers);
      expect(two.id).toBe(one.id);
      expect(await t.db.syntheticJob.count({ where: { idempotencyKey: 'batch-2026-11-26' } })).toBe(1);
      await follow(t, key, one.id);
    });

    it('answers 409 for the same key with a different body', async () => {
      const headers = { 'idempotency-key': 'reused-key' };
      const one = await submit(t, key, offlineJob({ count: 2, seed: 42 }), headers);
      const clash = await post(t, key, '/v1/synthetic/jobs', offlineJob({ count: 3, seed: 42 }), headers);
      expect(clash.status).toBe(409);
      expect((await clash.json()).error).toMatchObject({ type: 'conflict_error', code: 'idempotency_key_conflict' });
      await follow(t, key, one.id);
    });
  });

  describe('invalid requests', () => {
    const create = (body: unknown) => post(t, key, '/v1/synthetic/jobs', body);

    it.each([
      ['an unknown task', offlineJob({ task: 'poetry' }), 'task'],
      ['count 0', offlineJob({ count: 0 }), 'count'],
      ['count above 10,000', offlineJob({ count: 10_001 }), 'count'],
      ['a threshold above 10', offlineJob({ threshold: 11 }), 'threshold'],
      ['no seeds for self-instruct', offlineJob({ seeds: [] }), 'seeds'],
      ['more than 1,000 seeds', offlineJob({ seeds: Array.from({ length: 1_001 }, () => HUMAN_SEEDS[0]) }), 'seeds'],
      ['a seed without a response', offlineJob({ seeds: [{ data: { instruction: 'x' } }] }), 'seeds.0.data.response'],
      ['a seed id used twice', offlineJob({ seeds: [HUMAN_SEEDS[0], HUMAN_SEEDS[0]] }), 'seeds.1.id'],
      ['an unknown field', offlineJob({ temprature: 1 }), 'temprature'],
      [
        'a classification seed outside the labels',
        {
          task: 'classification',
          model: 'sw-ngram-mini',
          count: 2,
          labels: ['a', 'b'],
          seeds: [{ data: { text: 'hi there you', label: 'c' } }],
        },
        'seeds.0.data.label',
      ],
      [
        'a JSON Schema keyword the validator does not know',
        { task: 'json_schema', model: 'sw-ngram-mini', count: 2, json_schema: { type: 'object', anyOf: [] } },
        'json_schema',
      ],
      [
        'a pattern that could backtrack for ever (nested repetition)',
        {
          task: 'json_schema',
          model: 'sw-ngram-mini',
          count: 2,
          json_schema: { type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } },
        },
        'json_schema.properties.code.pattern',
      ],
    ])('answers 400 for %s', async (_name, body, param) => {
      const response = await create(body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatchObject({ type: 'invalid_request_error', param });
    });

    it('answers 413 for a body beyond the size limit', async () => {
      const seed = { data: { instruction: 'x'.repeat(19_000), response: 'y'.repeat(49_000) } };
      const response = await create(offlineJob({ seeds: Array.from({ length: 70 }, () => seed) }));
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('request_too_large');
    });

    it('answers 404 for an unknown model and 403 for a premium model on the Free plan', async () => {
      const unknown = await create(offlineJob({ model: 'no-such-model' }));
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
      const premium = await create(offlineJob({ model: 'sw-ngram-pro' }));
      expect(premium.status).toBe(403);
      expect((await premium.json()).error).toMatchObject({ code: 'model_not_in_plan', param: 'model' });
      const judge = await create(offlineJob({ judge_model: 'sw-ngram-pro' }));
      expect(judge.status).toBe(403);
      expect((await judge.json()).error).toMatchObject({ code: 'model_not_in_plan', param: 'judge_model' });
    });

    it('answers 404 for a job that does not exist', async () => {
      const response = await get(t, key, '/v1/synthetic/jobs/job_doesnotexist');
      expect(response.status).toBe(404);
      expect((await response.json()).error.type).toBe('not_found_error');
    });
  });

  /** Every synthetic-data route behind the same wall: no key, a bad key, a revoked key, another account's job. */
  describe('security', () => {
    let owner: string;
    let other: string;
    let revoked: string;
    let jobId: string;

    beforeAll(async () => {
      const account = await t.account('free');
      owner = account.key;
      other = (await t.account('premium')).key;
      revoked = (await createApiKey(t.db, account.user.id, { revokedAt: new Date() })).key;
      jobId = (await submit(t, owner, offlineJob({ count: 2 }))).id;
      await follow(t, owner, jobId);
    });
    const routes = () => [
      { method: 'POST', path: '/v1/synthetic/jobs', body: offlineJob({ count: 1 }) },
      { method: 'GET', path: '/v1/synthetic/jobs' },
      { method: 'GET', path: `/v1/synthetic/jobs/${jobId}` },
      { method: 'GET', path: `/v1/synthetic/jobs/${jobId}/events` },
      { method: 'GET', path: `/v1/synthetic/jobs/${jobId}/records` },
      { method: 'POST', path: `/v1/synthetic/jobs/${jobId}/cancel` },
      { method: 'POST', path: '/v1/synthetic/evaluate', body: { records: ['a short text to measure'] } },
      { method: 'POST', path: '/v1/synthetic/lab', body: { experiment: 'gaussian', generations: 2, runs: 10 } },
    ];
    /** Sends the route's body as JSON; a route without one gets no body and no content type, as clients send it. */
    const call = (route: ReturnType<typeof routes>[number], headers: Record<string, string>) => {
      const { 'content-type': _json, ...bare } = headers;
      return fetch(`${t.url}${route.path}`, {
        method: route.method,
        headers: route.body ? headers : bare,
        body: route.body ? JSON.stringify(route.body) : undefined,
      });
    };

    it.each([
      ['no Authorization header', () => ({ 'content-type': 'application/json' }), 'missing_api_key'],
      ['an unknown key', () => bearer(`sk-sw-${'A'.repeat(43)}`), 'invalid_api_key'],
      ['a revoked key', () => bearer(revoked), 'revoked_api_key'],
    ])('answers 401 on every route for %s', async (_name, headers, code) => {
      for (const route of routes()) {
        const response = await call(route, headers());
        expect(response.status, `${route.method} ${route.path}`).toBe(401);
        expect((await response.json()).error).toMatchObject({ type: 'authentication_error', code });
      }
    });

    it("answers 404 on every job route for another account's job, exactly as for a missing one", async () => {
      for (const route of routes().filter((route) => route.path.includes(jobId))) {
        const response = await call(route, bearer(other));
        expect(response.status, `${route.method} ${route.path}`).toBe(404);
        const missing = await call({ ...route, path: route.path.replace(jobId, 'job_missing') }, bearer(other));
        expect((await response.json()).error.message.replace(jobId, 'X')).toBe(
          (await missing.json()).error.message.replace('job_missing', 'X'),
        );
      }
      const listed = await (await call(routes()[1] as ReturnType<typeof routes>[number], bearer(other))).json();
      expect(listed.data.map((job: { id: string }) => job.id)).not.toContain(jobId);
      expect((await t.db.syntheticJob.findUniqueOrThrow({ where: { id: jobId } })).status).toBe('succeeded');
    });

    it('serves the owner on every route', async () => {
      for (const route of routes()) {
        const response = await call(route, bearer(owner));
        expect(response.status, `${route.method} ${route.path}`).toBe(200);
        await response.arrayBuffer();
      }
    });
  });
});
