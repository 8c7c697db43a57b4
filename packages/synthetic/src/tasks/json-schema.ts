import { isJsonType, type JsonTypeName, patternRisk } from '@synthwell/contracts';
import { stableStringify } from '../hash.js';
import type { JsonValue } from './types.js';

export type JsonSchemaType = JsonTypeName;

/** The JSON Schema subset this package validates; `unsupportedKeywords` names anything else. */
export interface JsonSchema {
  type?: JsonSchemaType | readonly JsonSchemaType[];
  properties?: { readonly [name: string]: JsonSchema };
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  enum?: readonly JsonValue[];
  const?: JsonValue;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  title?: string;
  description?: string;
  examples?: readonly JsonValue[];
  $schema?: string;
}

export interface SchemaViolation {
  /** JSON Pointer to the offending value ("" is the root). */
  path: string;
  message: string;
}

const KNOWN_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'title',
  'description',
  'examples',
  '$schema',
]);

/** The schemas nested directly in `schema` (properties, items, additionalProperties), with their JSON Pointers. */
function* subschemas(schema: JsonSchema, path: string): Generator<[JsonSchema, string]> {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    yield [child, `${path}/properties/${escapePointer(name)}`];
  }
  if (schema.items) yield [schema.items, `${path}/items`];
  if (typeof schema.additionalProperties === 'object') {
    yield [schema.additionalProperties, `${path}/additionalProperties`];
  }
}

/**
 * Keywords in `schema` (at any depth) that this validator would ignore, as JSON Pointers, e.g.
 * `/properties/tags/uniqueItems`. A job should refuse such a schema rather than half-check it.
 */
export function unsupportedKeywords(schema: JsonSchema, path = ''): string[] {
  const out: string[] = [];
  for (const key of Object.keys(schema)) if (!KNOWN_KEYWORDS.has(key)) out.push(`${path}/${escapePointer(key)}`);
  for (const [child, childPath] of subschemas(schema, path)) out.push(...unsupportedKeywords(child, childPath));
  return out;
}

/** Longest `pattern` accepted, in characters. */
export const MAX_PATTERN_LENGTH = 512;
/** Longest string checked against a `pattern`; a longer one fails rather than risk a slow match. */
export const MAX_PATTERN_SUBJECT_LENGTH = 10_000;

/**
 * `pattern`s in `schema` (at any depth) that this service refuses, each as a JSON Pointer with the
 * reason. JavaScript's regular expressions backtrack, so a pattern with nested repetition such as
 * `^(a+)+$`, repeated alternatives such as `(a|ab)*` or a back-reference can take exponential time on
 * a short string, and the records are checked on a shared worker. Refused: patterns that do not
 * compile (with the `u` flag), longer than MAX_PATTERN_LENGTH, with back-references or lookarounds,
 * or with a group repeated a variable number of times that itself repeats a variable number of times
 * or has alternatives (`patternRisk` in @synthwell/contracts). Strings longer than
 * MAX_PATTERN_SUBJECT_LENGTH are not matched at all.
 */
export function unsafePatterns(schema: JsonSchema, path = ''): string[] {
  const out: string[] = [];
  if (schema.pattern !== undefined) {
    const reason = patternProblem(schema.pattern);
    if (reason) out.push(`${path}/pattern (${reason})`);
  }
  for (const [child, childPath] of subschemas(schema, path)) out.push(...unsafePatterns(child, childPath));
  return out;
}

/** Why `pattern` is refused, or null when it is accepted. */
export function patternProblem(pattern: string): string | null {
  if (typeof pattern !== 'string') return 'not a string';
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  const risk = patternRisk(pattern, MAX_PATTERN_SUBJECT_LENGTH);
  return risk.ok ? null : risk.reason;
}

/** Every way `value` violates `schema`; an empty list means it validates. */
export function validateJson(schema: JsonSchema, value: unknown, path = ''): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  const fail = (message: string) => violations.push({ path, message });

  if (schema.type !== undefined) {
    const allowed = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!allowed.some((type) => isJsonType(value, type))) {
      fail(`expected ${allowed.join(' or ')}, got ${typeName(value)}`);
      return violations;
    }
  }
  if (schema.const !== undefined && stableStringify(schema.const) !== stableStringify(value)) {
    fail(`expected ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum && !schema.enum.some((option) => stableStringify(option) === stableStringify(value))) {
    fail(`expected one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if (typeof value === 'string') checkString(schema, value, fail);
  if (typeof value === 'number') checkNumber(schema, value, fail);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      fail(`expected at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      fail(`expected at most ${schema.maxItems} items`);
    if (schema.items) {
      const items = schema.items;
      value.forEach((item, i) => {
        violations.push(...validateJson(items, item, `${path}/${i}`));
      });
    }
  } else if (isObject(value)) {
    for (const name of schema.required ?? []) if (!(name in value)) fail(`missing required property "${name}"`);
    const properties = schema.properties ?? {};
    for (const [name, child] of Object.entries(value)) {
      const childPath = `${path}/${escapePointer(name)}`;
      const declared = properties[name];
      if (declared) violations.push(...validateJson(declared, child, childPath));
      else if (schema.additionalProperties === false)
        violations.push({ path: childPath, message: 'property not allowed' });
      else if (typeof schema.additionalProperties === 'object') {
        violations.push(...validateJson(schema.additionalProperties, child, childPath));
      }
    }
  }
  return violations;
}

function checkString(schema: JsonSchema, value: string, fail: (message: string) => void): void {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength)
    fail(`expected at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && length > schema.maxLength)
    fail(`expected at most ${schema.maxLength} characters`);
  if (schema.pattern === undefined) return;
  if (value.length > MAX_PATTERN_SUBJECT_LENGTH) {
    fail(`is longer than ${MAX_PATTERN_SUBJECT_LENGTH} characters, too long to check against a pattern`);
  } else if (!new RegExp(schema.pattern, 'u').test(value)) {
    fail(`does not match pattern ${schema.pattern}`);
  }
}

function checkNumber(schema: JsonSchema, value: number, fail: (message: string) => void): void {
  if (schema.minimum !== undefined && value < schema.minimum) fail(`expected ≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) fail(`expected ≤ ${schema.maximum}`);
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
    fail(`expected > ${schema.exclusiveMinimum}`);
  }
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
    fail(`expected < ${schema.exclusiveMaximum}`);
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapePointer(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}
