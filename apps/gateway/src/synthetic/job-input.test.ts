import { describe, expect, it } from 'vitest';
import { isJobId, jobInputProblem, jsonSchemaProblem } from './job-input.js';

function nested(depth: number, leaf: string): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('job input checks', () => {
  it('accepts job ids and nothing else', () => {
    expect(isJobId('job_0mwx1abc2def')).toBe(true);
    for (const id of ['job_', 'job_ABC', 'job_a\u0000', 'img_abc', 'job_a/b', `job_${'a'.repeat(65)}`, ''])
      expect(isJobId(id), JSON.stringify(id)).toBe(false);
  });

  it('finds NUL characters and unpaired surrogates in values and keys, by path', () => {
    expect(jobInputProblem({ seeds: [{ data: { text: 'a\u0000b' } }] })?.path).toBe('seeds.0.data.text');
    expect(jobInputProblem({ item: 'x\ud800' })?.path).toBe('item');
    expect(jobInputProblem({ item: '\udc00x' })?.path).toBe('item');
    expect(jobInputProblem({ data: { 'bad\u0000key': 1 } })?.path).toBe('data.bad\u0000key');
  });

  it('accepts ordinary text and paired surrogates', () => {
    expect(jobInputProblem({ item: 'naïve café 🦊', seeds: [{ data: { text: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢' } }] })).toBeNull();
  });

  it('walks any depth without exhausting the stack, and names the place in at most 256 characters', () => {
    expect(jobInputProblem(nested(200_000, 'leaf'))).toBeNull();
    expect(jobInputProblem(nested(200_000, 'a\u0000'))?.path).toHaveLength(256);
  });

  it('accepts a schema in the supported subset', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, pattern: '^[A-Z]' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        age: { type: ['integer', 'null'], minimum: 0 },
      },
      required: ['name'],
      additionalProperties: false,
    };
    expect(jsonSchemaProblem(schema)).toBeNull();
  });

  it.each([
    [[null], 'json_schema'],
    [{ properties: [null] }, 'json_schema.properties'],
    [{ properties: { name: null } }, 'json_schema.properties.name'],
    [{ properties: { name: { type: 'text' } } }, 'json_schema.properties.name.type'],
    [{ type: [] }, 'json_schema.type'],
    [{ required: 'name' }, 'json_schema.required'],
    [{ items: [{ type: 'string' }] }, 'json_schema.items'],
    [{ additionalProperties: 'no' }, 'json_schema.additionalProperties'],
    [{ items: { maxLength: -1 } }, 'json_schema.items.maxLength'],
    [{ minimum: '3' }, 'json_schema.minimum'],
    [{ enum: 'a' }, 'json_schema.enum'],
    [{ pattern: '(' }, 'json_schema.pattern'],
    [{ properties: { code: { type: 'string', pattern: '^(a+)+$' } } }, 'json_schema.properties.code.pattern'],
    [{ items: { pattern: '(a|ab)*c' } }, 'json_schema.items.pattern'],
    [{ pattern: '(a)\\1' }, 'json_schema.pattern'],
  ])('names where a malformed schema goes wrong: %j', (schema, path) => {
    expect(jsonSchemaProblem(schema)?.path).toBe(path);
  });
});
