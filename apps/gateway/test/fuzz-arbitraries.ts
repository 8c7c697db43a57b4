import fc from 'fast-check';

/**
 * Generators of hostile HTTP input for test/fuzz.test.ts: JSON-ish bodies, near-valid bodies with a
 * few fields replaced or deleted, raw bytes, odd paths, ids, query strings and header values.
 */

/** A fuzzed request, exactly as it goes on the wire (the path is already percent-encoded). */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** JSON text that JSON.stringify cannot produce: out-of-range numbers, escaped NULs and lone surrogates. */
export class RawJson {
  constructor(readonly text: string) {}
}

const RAW_MARK = '\u0001raw';

/** JSON.stringify, with RawJson values spliced in verbatim. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (!(item instanceof RawJson)) return item;
    raws.push(item.text);
    return `${RAW_MARK}${raws.length - 1}`;
  });
  return (text ?? 'null').replace(/"\\u0001raw(\d+)"/g, (_match, index: string) => raws[Number(index)] ?? 'null');
}

/** Strings meant to break parsers, validators, databases and templates. */
export const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\ufeff',
    '\u202e',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
    '${7*7}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '../../../etc/passwd',
    '%00',
    '%',
    '\r\nSet-Cookie: x=1',
    'null',
    'undefined',
    'NaN',
    '1e400',
    'sw-ngram-mini',
    'sw-canvas',
    'job_0',
    'img_0',
  ),
  fc.integer({ min: 257, max: 5_000 }).map((length) => 'x'.repeat(length)),
);

const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 2, 7, 8, 10, 11, 255, 256, 1_000, 8_192, 10_000, 2 ** 31 - 1, 2 ** 31, 2 ** 53),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const rawFragment = fc
  .constantFrom(
    '1e400',
    '-1e400',
    '123456789012345678901234567890',
    '0.0000000000000000000000000000001e-400',
    '-0',
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\ud800"',
    '"\\udc00x"',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"a":1,"a":2}',
  )
  .map((text) => new RawJson(text));

/** Nested arrays or objects this deep; the gateway must answer them like any other bad value. */
const deepNesting = fc
  .tuple(fc.integer({ min: 50, max: 2_000 }), fc.boolean())
  .map(
    ([depth, arrays]) =>
      new RawJson(
        arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      ),
  );

const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
  { weight: 2, arbitrary: rawFragment },
  { weight: 1, arbitrary: deepNesting },
);

/** Any value a field could be replaced with: wrong types, edges, huge numbers, NUL, lone surrogates. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileLeaf },
  { weight: 1, arbitrary: fc.array(hostileLeaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileString, hostileLeaf, { maxKeys: 3 }) },
  // Fresh containers each time: a shared instance set at two paths would make the body circular.
  { weight: 1, arbitrary: fc.constant(null).map(() => []) },
  { weight: 1, arbitrary: fc.constant(null).map(() => ({})) },
);

/** Deleting a field rather than replacing it. */
const DELETE = Symbol('delete');

function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (!at || typeof at !== 'object') return;
    at = (at as Record<string, unknown>)[key];
  }
  if (!at || typeof at !== 'object') return;
  const last = keys.at(-1) as string;
  if (value === DELETE) delete (at as Record<string, unknown>)[last];
  else (at as Record<string, unknown>)[last] = value;
}

/** A valid body with one to three of `paths` replaced by hostile values or deleted. */
export function nearValid(valid: fc.Arbitrary<object>, paths: readonly string[]): fc.Arbitrary<string> {
  const mutation = fc.record({
    path: fc.constantFrom(...paths),
    value: fc.oneof({ weight: 4, arbitrary: hostileValue }, { weight: 1, arbitrary: fc.constant<unknown>(DELETE) }),
  });
  return fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([body, mutations]) => {
    const copy = structuredClone(body);
    for (const { path, value } of mutations) setPath(copy, path, value);
    return toJsonText(copy);
  });
}

/** Bodies for a JSON endpoint: mostly near-valid, also any JSON, raw bytes, truncated and polluting documents. */
export function jsonBodies(valid: fc.Arbitrary<object>, paths: readonly string[]): fc.Arbitrary<Buffer> {
  return fc
    .oneof(
      { weight: 10, arbitrary: nearValid(valid, paths) },
      { weight: 2, arbitrary: valid.map((body) => JSON.stringify(body)) },
      { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.tuple(valid, fc.nat()).map(([body, cut]) => {
          const text = JSON.stringify(body);
          return text.slice(0, cut % text.length);
        }),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(valid, fc.constantFrom('"__proto__":{"admin":true}', '"constructor":{"prototype":{"admin":true}}'))
          .map(([body, polluting]) => `{${polluting},${JSON.stringify(body).slice(1)}`),
      },
    )
    .map((text) => Buffer.from(text))
    .chain((text) =>
      fc.oneof(
        { weight: 9, arbitrary: fc.constant(text) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
      ),
    );
}

/** Header values Node's client can send: Latin-1 without control characters. */
export const latin1 = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
    .map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

/** Mostly JSON, sometimes a content type the endpoint does not take (or none at all). */
export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'image/png',
      'application/octet-stream',
      '',
      '*/*',
    ),
  },
  { weight: 1, arbitrary: latin1 },
);

/**
 * Strings of 1 to `maxLength` characters from `alphabet`. Cheaper than fc.stringMatching, whose
 * values fast-check must map back to check them, which dominated the run's CPU time.
 */
export function tokenOf(alphabet: string, maxLength: number): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength }).map((chars) => chars.join(''));
}

/** Headers every fuzzed request may carry besides its content type and credentials. */
export const oddHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'idempotency-key': fc.oneof(latin1, fc.uuid()),
      origin: fc.oneof(fc.constantFrom('null', 'https://evil.example', 'http://localhost:3000'), latin1),
      accept: fc.oneof(
        fc.constantFrom('application/json', 'text/event-stream', 'application/x-ndjson', '*/*', 'image/png'),
        latin1,
      ),
      'x-request-id': latin1,
      'x-forwarded-for': fc.oneof(fc.ipV4(), latin1),
      'accept-encoding': fc.constantFrom('gzip', 'br', 'identity', 'gzip;q=0, *;q=0'),
    },
    { requiredKeys: [] },
  )
  .chain((known) =>
    fc
      .array(
        fc.tuple(
          tokenOf('abcdefghijklmnopqrstuvwxyz0123456789-', 24).map((name) => `x-${name}`),
          latin1,
        ),
        {
          maxLength: 3,
        },
      )
      .map((madeUp) => ({ ...Object.fromEntries(madeUp), ...known })),
  );

/** Malformed Authorization values: wrong schemes, broken keys and tokens, odd spacing. */
export const malformedAuthorization = fc.oneof(
  latin1,
  fc.constantFrom(
    'Bearer',
    'Bearer ',
    'Bearer sk-sw-',
    'Bearer sk-sw-short',
    'bearer  sk-sw-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'Basic c2stc3ctQUFBQTo=',
    'Token abc',
    'Bearer swt_',
    'Bearer swt_e30.',
    'Bearer swt_e30.AAAA',
    'Bearer swt_eyJzdWIiOiJ1c3JfMSIsInJvbGUiOiJhZG1pbiIsImV4cCI6OTk5OTk5OTk5OX0.c2ln',
  ),
  latin1.map((token) => `Bearer ${token}`),
);

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes bytes as a path segment or query value, leaving unreserved characters as they are. */
export function percentEncode(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Path segments: any code points and bytes (encoded), traversal, bad percent-encoding, very long ids. */
export function pathSegment(realistic: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...realistic) },
    {
      weight: 3,
      arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text) => percentEncode(Buffer.from(text))),
    },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 40 }).map(percentEncode) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2F',
        '%',
        '%zz',
        '%e0%a4',
        '%ff',
        '%00',
        'job_%00',
        'img_%00',
        'job_a%00',
        '%C0%AE%C0%AE',
        '*',
        '~',
        ';',
        'a;b=c',
        '%23',
        '%3F',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 90, max: 2_500 }).map((length) => 'm'.repeat(length)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...realistic), fc.uint8Array({ minLength: 1, maxLength: 4 }))
        .map(([id, bytes]) => `${id}${percentEncode(bytes)}`),
    },
  );
}

/** Query strings built from known parameter names and hostile values, repeated keys and odd syntax. */
export function queryString(names: readonly string[], values: readonly string[] = []): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names, '__proto__', 'constructor', 'a[b]') },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 10 }).map((text) => percentEncode(Buffer.from(text))),
    },
  );
  const value = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(...values, '', '0', '-1', '1', '1.5', '1e3', '999999999999', 'true', 'null'),
    },
    {
      weight: 2,
      arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((text) => percentEncode(Buffer.from(text))),
    },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%00', 'job_%00', '%ff%fe', 'a&b', 'a=b') },
  );
  const pair = fc.tuple(name, value).map(([key, item]) => `${key}=${item}`);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?=x', '?%', '?a', '?a=1&a=2&a=3') },
  );
}
