import { describe, expect, it } from 'vitest';
import {
  type JsonSchema,
  MAX_PATTERN_SUBJECT_LENGTH,
  unsafePatterns,
  unsupportedKeywords,
  validateJson,
} from './json-schema.js';

const person: JsonSchema = {
  type: 'object',
  required: ['name', 'age', 'tags'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[A-Z]' },
    age: { type: 'integer', minimum: 0, exclusiveMaximum: 150 },
    tags: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string', enum: ['a', 'b'] } },
    score: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 1 },
    kind: { const: 'person' },
  },
};

describe('validateJson', () => {
  it('accepts a valid value', () => {
    expect(validateJson(person, { name: 'Ada', age: 36, tags: ['a'], score: null, kind: 'person' })).toEqual([]);
  });

  it('reports every violation with its JSON Pointer', () => {
    const violations = validateJson(person, {
      name: 'ada-lovelace',
      age: 150,
      tags: ['c', 'a', 'b'],
      extra: 1,
      score: 0,
    });
    expect(violations).toEqual([
      { path: '/name', message: 'expected at most 5 characters' },
      { path: '/name', message: 'does not match pattern ^[A-Z]' },
      { path: '/age', message: 'expected < 150' },
      { path: '/tags', message: 'expected at most 2 items' },
      { path: '/tags/0', message: 'expected one of "a", "b"' },
      { path: '/extra', message: 'property not allowed' },
      { path: '/score', message: 'expected > 0' },
    ]);
  });

  it('reports missing required properties and wrong types', () => {
    expect(validateJson(person, { name: 7 })).toEqual([
      { path: '', message: 'missing required property "age"' },
      { path: '', message: 'missing required property "tags"' },
      { path: '/name', message: 'expected string, got number' },
    ]);
    expect(validateJson(person, [])).toEqual([{ path: '', message: 'expected object, got array' }]);
  });

  it('distinguishes integers from numbers and counts characters, not UTF-16 units', () => {
    expect(validateJson({ type: 'integer' }, 2.5)).toHaveLength(1);
    expect(validateJson({ type: 'number' }, 2)).toEqual([]);
    expect(validateJson({ type: 'string', maxLength: 2 }, '😀😀')).toEqual([]);
  });

  it('validates additional properties against a schema', () => {
    const schema: JsonSchema = { type: 'object', additionalProperties: { type: 'number' } };
    expect(validateJson(schema, { a: 1, b: 'x' })).toEqual([{ path: '/b', message: 'expected number, got string' }]);
  });

  it('compares enum and const values structurally', () => {
    expect(validateJson({ enum: [{ a: 1, b: 2 }] }, { b: 2, a: 1 })).toEqual([]);
  });
});

describe('unsupportedKeywords', () => {
  it('names keywords outside the supported subset at any depth', () => {
    expect(
      unsupportedKeywords({
        type: 'object',
        anyOf: [],
        properties: { tags: { type: 'array', uniqueItems: true, items: { format: 'email' } } },
      } as JsonSchema),
    ).toEqual(['/anyOf', '/properties/tags/uniqueItems', '/properties/tags/items/format']);
    expect(unsupportedKeywords(person)).toEqual([]);
  });
});

describe('unsafePatterns', () => {
  const withPattern = (pattern: string): JsonSchema => ({
    type: 'object',
    properties: { code: { type: 'string', pattern }, tags: { type: 'array', items: { type: 'string', pattern } } },
  });

  it('accepts the patterns records usually need', () => {
    for (const pattern of [
      '^[A-Z]{3}-\\d{4}$',
      '^(red|green|blue)$',
      '^\\d+(\\.\\d+)?$',
      '^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$',
      '^\\p{Lu}\\p{Ll}+( \\p{Lu}\\p{Ll}+)?$',
      '^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$',
    ]) {
      expect(unsafePatterns(withPattern(pattern)), pattern).toEqual([]);
    }
  });

  it('refuses nested or alternating repetition, back-references, broken and overlong patterns, wherever they are', () => {
    const refused: Array<[string, RegExp]> = [
      ['^(a+)+$', /nested repetition/],
      ['^(\\w+\\s?)*$', /nested repetition/],
      ['(x+x+)+y', /nested repetition/],
      ['^((ab)*c)+$', /nested repetition/],
      ['(a|ab)*c', /alternatives/],
      ['(?:a|a){2,}$', /alternatives/],
      ['(a)\\1', /back-references/],
      ['(?<q>a)\\k<q>', /back-references/],
      ['(unclosed', /not a valid regular expression/],
      ['a'.repeat(513), /longer than 512/],
    ];
    for (const [pattern, reason] of refused) {
      const found = unsafePatterns(withPattern(pattern));
      expect(found, pattern).toHaveLength(2);
      expect(found[0]).toMatch(/^\/properties\/code\/pattern \(/);
      expect(found[1]).toMatch(/^\/properties\/tags\/items\/pattern \(/);
      expect(found[0]).toMatch(reason);
    }
  });

  it('checks no string longer than the limit against a pattern, so a value cannot make a match slow', () => {
    const schema: JsonSchema = { type: 'string', pattern: '^[a-z]+$' };
    expect(validateJson(schema, 'a'.repeat(MAX_PATTERN_SUBJECT_LENGTH))).toEqual([]);
    expect(validateJson(schema, 'a'.repeat(MAX_PATTERN_SUBJECT_LENGTH + 1))).toEqual([
      { path: '', message: expect.stringContaining('too long to check against a pattern') },
    ]);
  });
});
