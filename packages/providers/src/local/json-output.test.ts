import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatCompletionChunk, isJsonType, type JsonTypeName } from '@synthwell/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from '../tokenizer.js';
import { type CallContext, type ChatRequest, ProviderError } from '../types.js';
import { createLocalProvider } from './adapter.js';
import { patternMatcher } from './json-pattern.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'local-json-'));
const local = createLocalProvider({ cacheDir, trainingFiles: 20 });
beforeAll(() => local.ready());
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const context = (options: Partial<CallContext> = {}): CallContext => ({
  signal: new AbortController().signal,
  requestId: 'req_json',
  ...options,
});

type Schema = Record<string, unknown>;

const ask = (schema: Schema | undefined, options: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'ngram-3',
  messages: [{ role: 'user', content: 'Write one customer profile about the church choir as JSON.' }],
  response_format: { type: 'json_schema', json_schema: { name: 'profile', ...(schema ? { schema } : {}) } },
  ...options,
});

async function content(request: ChatRequest): Promise<string> {
  return (await local.chat(request, context())).choices[0]?.message.content ?? '';
}

/** Every keyword of the subset the synthetic engine validates. */
const PROFILE: Schema = {
  type: 'object',
  required: ['name', 'age', 'plan', 'kind', 'tags', 'score', 'code', 'contact'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 3, maxLength: 40, description: 'the member of the choir' },
    age: { type: 'integer', minimum: 18, maximum: 99 },
    plan: { enum: ['free', 'premium', 42] },
    kind: { const: 'member' },
    tags: { type: 'array', minItems: 2, maxItems: 4, items: { type: 'string', maxLength: 15 } },
    score: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    code: { type: 'string', pattern: '^[A-Z][a-z]+$' },
    nickname: { type: ['string', 'null'], maxLength: 20 },
    active: { type: 'boolean' },
    contact: {
      type: 'object',
      required: ['city'],
      additionalProperties: { type: 'integer' },
      properties: { city: { type: 'string', minLength: 25 }, floor: { type: 'integer', exclusiveMaximum: -3 } },
    },
  },
};

describe('local chat with response_format json_schema', () => {
  it('answers with JSON that validates against the schema, for every seed', async () => {
    const values: Array<Record<string, unknown>> = [];
    for (let seed = 0; seed < 40; seed++) {
      const request = ask(PROFILE, { seed });
      const completion = await local.chat(request, context());
      const text = completion.choices[0]?.message.content ?? '';
      const value = JSON.parse(text);
      expect(violations(PROFILE, value), text).toEqual([]);
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage.completion_tokens).toBe(countTokens(text));
      values.push(value);
    }
    // Optional properties come and go, a nullable one is sometimes null, and the enum is sampled.
    expect(new Set(values.map((value) => 'active' in value))).toEqual(new Set([true, false]));
    expect(values.some((value) => value.nickname === null)).toBe(true);
    expect(values.some((value) => typeof value.nickname === 'string')).toBe(true);
    expect(new Set(values.map((value) => value.plan))).toEqual(new Set(['free', 'premium', 42]));
    // Strings are written by the model, and differ from one record to the next.
    expect(new Set(values.map((value) => (value.contact as { city: string }).city)).size).toBe(values.length);
  });

  it('keeps numbers, lengths and item counts within their bounds', async () => {
    const schema: Schema = {
      type: 'object',
      required: ['small', 'ratio', 'line', 'pair', 'word'],
      properties: {
        small: { type: 'integer', exclusiveMinimum: 5, exclusiveMaximum: 8 },
        ratio: { type: 'number', minimum: 0.5, maximum: 0.75 },
        line: { type: 'string', minLength: 120, maxLength: 130 },
        pair: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'boolean' } },
        word: { type: 'string', maxLength: 6 },
      },
    };
    for (let seed = 0; seed < 10; seed++) {
      const value = JSON.parse(await content(ask(schema, { seed, max_tokens: 400 })));
      expect([6, 7]).toContain(value.small);
      expect(value.ratio).toBeGreaterThanOrEqual(0.5);
      expect(value.ratio).toBeLessThanOrEqual(0.75);
      expect([...value.line].length).toBeGreaterThanOrEqual(120);
      expect([...value.line].length).toBeLessThanOrEqual(130);
      expect(value.line).toMatch(/[a-z]+ [a-z]+/);
      expect(value.pair).toHaveLength(2);
      expect(value.word.length).toBeGreaterThan(0);
      expect(value.word.length).toBeLessThanOrEqual(6);
    }
  });

  it('gives the same JSON for the same seed, and other JSON for another', async () => {
    expect(await content(ask(PROFILE, { seed: 7 }))).toBe(await content(ask(PROFILE, { seed: 7 })));
    expect(await content(ask(PROFILE, { seed: 7 }))).not.toBe(await content(ask(PROFILE, { seed: 8 })));
  });

  it('streams, in word-sized chunks, the same JSON it returns; n = 2 gives two values', async () => {
    const request = ask(PROFILE, { seed: 3, n: 2 });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of local.chatStream(request, context())) chunks.push(chunk);
    const completion = await local.chat(request, context());
    expect(completion.choices).toHaveLength(2);
    for (const index of [0, 1]) {
      const deltas = chunks
        .flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index))
        .map((choice) => choice.delta.content ?? '')
        .filter((delta) => delta !== '');
      expect(deltas.join('')).toBe(completion.choices[index]?.message.content);
      expect(deltas.length).toBeGreaterThan(10);
      expect(violations(PROFILE, JSON.parse(deltas.join('')))).toEqual([]);
    }
    expect(completion.choices[0]?.message.content).not.toBe(completion.choices[1]?.message.content);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: completion.usage });
  });

  it('cuts JSON that does not fit in max_tokens, with finish reason length', async () => {
    const completion = await local.chat(ask(PROFILE, { seed: 1, max_tokens: 12 }), context());
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage.completion_tokens).toBe(12);
    const text = completion.choices[0]?.message.content ?? '';
    expect(text.startsWith('{"name":"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('cuts a schema that asks for more values than max_tokens holds, instead of writing them all', async () => {
    const schema: Schema = { type: 'array', minItems: 1_000_000_000, items: { type: 'integer' } };
    const completion = await local.chat(ask(schema, { seed: 1, max_tokens: 50 }), context());
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage.completion_tokens).toBe(50);
  });

  it('gives up on a pattern it cannot write, without hanging, even on one that backtracks', async () => {
    for (const pattern of ['^\\d{3}-\\d{4}$', '^(\\w+\\s?)+$']) {
      const schema: Schema = { type: 'object', required: ['code'], properties: { code: { type: 'string', pattern } } };
      const completion = await local.chat(ask(schema, { seed: 2 }), context());
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(typeof JSON.parse(completion.choices[0]?.message.content ?? '').code).toBe('string');
    }
  });

  it('stops at its deadline when a schema asks for more text than it can write in time', async () => {
    const schema: Schema = { type: 'string', minLength: 1_000_000 };
    const error = await local
      .chat(ask(schema, { seed: 1, max_tokens: 1_000_000 }), context({ timeouts: { totalMs: 50 } }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('timeout');
  });

  it('refuses a schema nested deeper than it follows', async () => {
    let schema: Schema = { type: 'string' };
    for (let depth = 0; depth < 40; depth++) schema = { type: 'array', items: schema };
    const error = await local.chat(ask(schema), context()).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as ProviderError).kind).toBe('invalid_request');
  });

  it('answers with a JSON object when the schema is missing or says nothing of the type', async () => {
    for (const schema of [undefined, {}]) {
      const value = JSON.parse(await content(ask(schema, { seed: 4 })));
      expect(Object.keys(value)).toEqual(['response']);
      expect(value.response).toMatch(/^[A-Z]/);
    }
  });
});

describe('local chat with response_format json_object', () => {
  it('answers with a JSON object holding the reply text', async () => {
    const request: ChatRequest = {
      model: 'ngram-4',
      messages: [{ role: 'user', content: 'Tell me about the jury' }],
      response_format: { type: 'json_object' },
      seed: 3,
    };
    const value = JSON.parse(await content(request));
    expect(Object.keys(value)).toEqual(['response']);
    expect(value.response).toMatch(/^Jury\b/);
    expect(value.response.split(' ').length).toBeGreaterThan(5);
  });
});

describe('patternMatcher', () => {
  it('tries patterns whose matching stays cheap', () => {
    expect(patternMatcher('^[A-Z][a-z]+$')?.('Choir')).toBe(true);
    expect(patternMatcher('^\\d{3}-\\d{4}$')?.('555-0199')).toBe(true);
    expect(patternMatcher('^(?:Mr|Mrs)\\.? [A-Z]')?.('Mrs Smith')).toBe(true);
  });

  it('refuses patterns that can backtrack for a long time, and ones that do not compile', () => {
    for (const pattern of [
      '^(\\w+\\s?)+$',
      '^(a|ab)*c$',
      '(a+)+b',
      '^(\\w)\\1$',
      '^(?=.*\\d).+$',
      '\\w*\\w*\\w*!',
      '[',
    ]) {
      expect(patternMatcher(pattern), pattern).toBeNull();
    }
  });
});

/** The JSON Schema subset's rules, written out here so the test does not trust the code it tests. */
function violations(schema: Schema, value: unknown, path = ''): string[] {
  const out: string[] = [];
  const types = schema.type === undefined ? null : ([] as unknown[]).concat(schema.type);
  if (types && !types.some((type) => isJsonType(value, type as JsonTypeName))) return [`${path}: type`];
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push(`${path}: const`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    out.push(`${path}: enum`);
  }
  const bound = (key: string, ok: (limit: number) => boolean) => {
    if (typeof schema[key] === 'number' && !ok(schema[key])) out.push(`${path}: ${key}`);
  };
  if (typeof value === 'number') {
    bound('minimum', (limit) => value >= limit);
    bound('maximum', (limit) => value <= limit);
    bound('exclusiveMinimum', (limit) => value > limit);
    bound('exclusiveMaximum', (limit) => value < limit);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    bound('minLength', (limit) => length >= limit);
    bound('maxLength', (limit) => length <= limit);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      out.push(`${path}: pattern`);
  }
  if (Array.isArray(value)) {
    bound('minItems', (limit) => value.length >= limit);
    bound('maxItems', (limit) => value.length <= limit);
    for (const [i, item] of value.entries())
      out.push(...violations((schema.items ?? {}) as Schema, item, `${path}/${i}`));
  } else if (typeof value === 'object' && value !== null) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in value)) out.push(`${path}/${name}: required`);
    for (const [name, child] of Object.entries(value)) {
      const declared = Object.hasOwn(properties, name) ? properties[name] : undefined;
      const extra = schema.additionalProperties;
      if (declared) out.push(...violations(declared, child, `${path}/${name}`));
      else if (extra === false) out.push(`${path}/${name}: not allowed`);
      else if (typeof extra === 'object' && extra !== null)
        out.push(...violations(extra as Schema, child, `${path}/${name}`));
    }
  }
  return out;
}
