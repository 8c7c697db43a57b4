import { patternProblem } from '@synthwell/synthetic';

/**
 * Checks on what clients send the jobs API, made before anything reaches a query: PostgreSQL
 * refuses some text outright, which would otherwise surface as a server error.
 */

/** A job id is `job_` + base36 (see `newId`); a malformed one cannot name a job. */
const JOB_ID = /^job_[0-9a-z]{1,64}$/;

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}

/** A NUL character, or a surrogate without its other half: text PostgreSQL cannot store. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Visit {
  value: unknown;
  key: string | null;
  parent: Visit | null;
}

/** The dotted path to `visit`, cut to its first 256 characters (a hostile body can nest deeply). */
function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.').slice(0, 256);
}

/**
 * The first text in a job's body that PostgreSQL refuses to store, in a value or a key, or null.
 * Iterative, so no body can exhaust the stack here.
 */
export function jobInputProblem(value: unknown): { path: string; message: string } | null {
  const pending: Visit[] = [{ value, key: null, parent: null }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    if (typeof visit.value === 'string') {
      if (UNSTORABLE.test(visit.value))
        return { path: pathOf(visit), message: 'text must not contain NUL characters or unpaired surrogates' };
    } else if (visit.value && typeof visit.value === 'object') {
      for (const [key, item] of Object.entries(visit.value)) {
        const child: Visit = { value: item, key, parent: visit };
        if (UNSTORABLE.test(key))
          return { path: pathOf(child), message: 'keys must not contain NUL characters or unpaired surrogates' };
        pending.push(child);
      }
    }
  }
  return null;
}

const SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const COUNT_KEYWORDS = ['minItems', 'maxItems', 'minLength', 'maxLength'] as const;
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;
const TEXT_KEYWORDS = ['title', 'description', '$schema'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What is wrong with one schema node's own keywords (its subschemas are checked separately). */
function schemaNodeProblem(node: Record<string, unknown>): { keyword: string; message: string } | null {
  const { type, properties, required, additionalProperties, items, pattern } = node;
  const types = Array.isArray(type) ? type : [type];
  if (type !== undefined && (types.length === 0 || !types.every((name) => SCHEMA_TYPES.has(name as string))))
    return { keyword: 'type', message: `must be one of ${[...SCHEMA_TYPES].join(', ')}, or a list of them` };
  if (properties !== undefined && !isPlainObject(properties))
    return { keyword: 'properties', message: 'must be an object of schemas' };
  if (required !== undefined && !(Array.isArray(required) && required.every((name) => typeof name === 'string')))
    return { keyword: 'required', message: 'must be a list of property names' };
  if (
    additionalProperties !== undefined &&
    typeof additionalProperties !== 'boolean' &&
    !isPlainObject(additionalProperties)
  )
    return { keyword: 'additionalProperties', message: 'must be a boolean or a schema' };
  if (items !== undefined && !isPlainObject(items)) return { keyword: 'items', message: 'must be a schema' };
  for (const keyword of ['enum', 'examples'] as const)
    if (node[keyword] !== undefined && !Array.isArray(node[keyword])) return { keyword, message: 'must be a list' };
  for (const keyword of COUNT_KEYWORDS) {
    const value = node[keyword];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0))
      return { keyword, message: 'must be a whole number, 0 or more' };
  }
  for (const keyword of NUMBER_KEYWORDS)
    if (node[keyword] !== undefined && !Number.isFinite(node[keyword])) return { keyword, message: 'must be a number' };
  for (const keyword of TEXT_KEYWORDS)
    if (node[keyword] !== undefined && typeof node[keyword] !== 'string')
      return { keyword, message: 'must be a string' };
  if (pattern !== undefined) {
    // Refused too: patterns that could backtrack for a very long time on a short string (`^(a+)+$`).
    const problem = typeof pattern === 'string' ? patternProblem(pattern) : 'not a string';
    if (problem)
      return {
        keyword: 'pattern',
        message: `must be a regular expression this service runs: ${problem}; patterns may not nest or alternate inside repetition, use back-references or lookarounds, or exceed 512 characters`,
      };
  }
  return null;
}

/**
 * The first place where a job's `json_schema` is not shaped like the JSON Schema subset the engine
 * validates (a subschema that is not an object, a `type` that is no type, a `pattern` that does
 * not compile), or null. The engine trusts that shape; unknown keywords are its to refuse.
 */
export function jsonSchemaProblem(schema: unknown): { path: string; message: string } | null {
  const pending: Array<{ node: unknown; path: string }> = [{ node: schema, path: 'json_schema' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next;
    if (!isPlainObject(node)) return { path, message: 'must be a schema (an object)' };
    const problem = schemaNodeProblem(node);
    if (problem) return { path: `${path}.${problem.keyword}`, message: problem.message };
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    for (const [name, child] of Object.entries(properties))
      pending.push({ node: child, path: `${path}.properties.${name}` });
    if (node.items !== undefined) pending.push({ node: node.items, path: `${path}.items` });
    if (isPlainObject(node.additionalProperties))
      pending.push({ node: node.additionalProperties, path: `${path}.additionalProperties` });
  }
  return null;
}
