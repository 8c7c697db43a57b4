/** A value decoded from Stripe's form encoding: strings, nested objects and indexed arrays. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/**
 * Decodes `application/x-www-form-urlencoded` the way the Stripe API reads it: `a[b][0][c]=v` is
 * `{ a: { b: [{ c: 'v' }] } }`. Objects whose keys are all indices become arrays, in index order.
 */
export function parseStripeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const path = parseKey(name);
    if (!path) continue;
    assign(root, path, value);
  }
  return arraysFromIndices(root) as FormObject;
}

function parseKey(name: string): string[] | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match?.[1]) return null;
  const rest = [...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1] ?? '');
  return [match[1], ...rest];
}

function assign(target: FormObject, path: string[], value: string): void {
  let node = target;
  for (const [index, raw] of path.entries()) {
    // `expand[]=x` appends: give the empty index the next free position.
    const key = raw === '' ? String(Object.keys(node).length) : raw;
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as FormObject;
  }
}

function arraysFromIndices(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted = Object.fromEntries(keys.map((key) => [key, arraysFromIndices(value[key] as FormValue)]));
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((key) => converted[key] as FormValue);
  }
  return converted;
}

/** Readers that turn a decoded form into typed parameters, failing with Stripe's wording. */
export class FormReader {
  constructor(private readonly form: FormObject) {}

  string(name: string): string | undefined {
    const value = this.form[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new ParamError(name, `Invalid string: ${name}`);
    return value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new ParamError(name, `Missing required param: ${name}.`);
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw new ParamError(name, `Invalid integer: ${value}`);
    return Number(value);
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw new ParamError(name, `Invalid boolean: ${value}`);
    return value === 'true';
  }

  /** `metadata[key]=value` pairs; Stripe stores them as strings. */
  metadata(name = 'metadata'): Record<string, string> {
    const value = this.form[name];
    if (value === undefined || value === '') return {};
    if (typeof value !== 'object' || Array.isArray(value)) throw new ParamError(name, `Invalid hash: ${name}`);
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }

  object(name: string): FormReader | undefined {
    const value = this.form[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw new ParamError(name, `Invalid hash: ${name}`);
    return new FormReader(value);
  }

  list(name: string): FormReader[] {
    const value = this.form[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ParamError(name, `Invalid array: ${name}`);
    return value.map((item, index) => {
      if (typeof item !== 'object' || Array.isArray(item)) throw new ParamError(`${name}[${index}]`, 'Invalid hash');
      return new FormReader(item);
    });
  }

  /** Rejects parameters the stand-in does not implement, as Stripe rejects unknown ones. */
  only(...allowed: string[]): this {
    for (const key of Object.keys(this.form)) {
      if (!allowed.includes(key) && key !== 'expand') {
        throw new ParamError(key, `Received unknown parameter: ${key}`);
      }
    }
    return this;
  }
}

/** A parameter Stripe would reject with 400 `parameter_invalid` / `parameter_missing`. */
export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}
