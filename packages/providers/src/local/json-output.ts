import { type FinishReason, isJsonType, type JsonTypeName } from '@synthwell/contracts';
import { countTokens } from '../tokenizer.js';
import { ProviderError } from '../types.js';
import { Detokenizer } from './detokenize.js';
import { MAX_MATCHED_LENGTH, patternCandidates, patternMatcher } from './json-pattern.js';
import type { NgramModel } from './ngram.js';
import type { Rng } from './random.js';
import { MAX_SENTENCE_WORDS, SENTENCES_PER_REPLY, sentenceWords } from './reply.js';
import { limitText } from './text-limit.js';
import { type Topic, topicOf, wordsIn } from './topic.js';

/** Deepest nesting of a schema the writer follows; deeper is refused as an invalid request. */
export const MAX_SCHEMA_DEPTH = 32;
/** Most values in one reply; a schema that asks for more gets a cut reply, finish reason `length`. */
export const MAX_VALUES = 10_000;
/** Chance that an optional property is written. */
export const OPTIONAL_PROPERTY_PROBABILITY = 0.6;
/** Chance that a value whose type list includes 'null' (among other types) is null. */
const NULL_PROBABILITY = 0.15;
/** Array lengths without minItems/maxItems. */
const DEFAULT_MIN_ITEMS = 1;
const DEFAULT_MAX_ITEMS = 3;
/** Numbers without bounds are drawn from [0, 100]; with one bound, within 100 of it. */
const DEFAULT_NUMBER_SPAN = 100;
/** A schema string is one sentence of at most this many words, unless minLength needs more. */
const MAX_STRING_WORDS = 24;
/** When sharing what `max_tokens` leaves for strings: words per token of n-gram text. */
const WORDS_PER_TOKEN = 0.7;
/** Texts written per `pattern` string before giving up on a match. */
const PATTERN_ATTEMPTS = 6;
/** Words that steer nothing: they are in every structured-output prompt. */
const PROMPT_WORDS = ['json', 'schema', 'validates', 'validate', 'valid', 'reply', 'record', 'records', 'corrected'];

export interface JsonWriterOptions {
  model: NgramModel;
  /** Words more frequent than this are not topic keywords. */
  commonFrequency: number;
  rng: Rng;
  temperature: number;
  topP: number;
  maxTokens: number;
  stop: readonly string[];
  /** The JSON Schema to validate against; anything but an object (or absent) asks for any JSON object. */
  schema: unknown;
  /** The last user message: strings are conditioned on it as well as on their property's name. */
  message: string;
}

type JsonType = JsonTypeName;
const JSON_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
type Schema = Readonly<Record<string, unknown>>;

interface StringSpec {
  /** The property's name, in words; the string opens with it when the model knows it. */
  name: string;
  /** The name, title and description: what the string is about. Empty: the message's topic. */
  hint: string;
  minLength: number;
  maxLength: number;
  pattern: string | null;
  /** Up to SENTENCES_PER_REPLY sentences, like a text reply, instead of one. */
  reply: boolean;
}

/** The value decided before any text is written; strings are written when they are reached. */
type Plan =
  | { kind: 'literal'; value: unknown }
  | { kind: 'string'; spec: StringSpec }
  | { kind: 'array'; items: Plan[] }
  | { kind: 'object'; entries: Array<readonly [string, Plan]> }
  /** MAX_VALUES was reached: the reply ends here, cut. */
  | { kind: 'overflow' };

const OVERFLOW: Plan = { kind: 'overflow' };

/**
 * Writes one JSON value as text deltas, word-sized, for `response_format` json_schema (the value
 * validates against the schema's subset: type, properties, required, additionalProperties, enum,
 * const, items, minItems/maxItems, minimum/maximum, exclusiveMinimum/exclusiveMaximum,
 * minLength/maxLength, pattern) or json_object (`{"response": <text>}`).
 *
 * The structure is decided first with `rng`: enum and const values, numbers within their bounds,
 * booleans, nulls, which optional properties appear (no others do), array lengths. Strings are then
 * written by the n-gram model in document order, each steered by its property's name and
 * description and by the last user message, and sized so the whole value fits in `maxTokens` when it
 * can; a value that does not fit is cut there with finish reason 'length', as is one that passes
 * MAX_VALUES. Stop sequences end it as they end a text reply. Empty deltas mark work in progress.
 */
export function* writeJson(options: JsonWriterOptions): Generator<string, Extract<FinishReason, 'stop' | 'length'>> {
  const schema = isSchema(options.schema) ? options.schema : null;
  const planner = new Planner(options.rng);
  // A root that says nothing of its type is an object, as OpenAI's structured outputs require.
  const plan = schema ? planner.plan(schema, '', 0, 'object') : planner.anyObject({}, 0);
  const strings = new StringWriter(options, schema, wordsPerString(plan, options.maxTokens));
  const rendering = { complete: true };
  const finish = yield* limitText(render(plan, strings, rendering), options.maxTokens, options.stop);
  return finish === 'stop' && !rendering.complete ? 'length' : finish;
}

/** Refuses, before anything is streamed, a schema nested deeper than MAX_SCHEMA_DEPTH. */
export function assertSchemaDepth(schema: unknown, depth = 0): void {
  if (!isSchema(schema)) return;
  if (depth > MAX_SCHEMA_DEPTH) {
    throw new ProviderError(
      'invalid_request',
      `response_format json_schema nests deeper than ${MAX_SCHEMA_DEPTH} levels`,
    );
  }
  const children = [
    schema.items,
    schema.additionalProperties,
    ...Object.values(isSchema(schema.properties) ? schema.properties : {}),
  ];
  for (const child of children) assertSchemaDepth(child, depth + 1);
}

class Planner {
  private values = 0;

  constructor(private readonly rng: Rng) {}

  /** `fallback`: the type of a schema whose keywords imply none. */
  plan(schema: Schema, name: string, depth: number, fallback: JsonType = 'string'): Plan {
    if (depth > MAX_SCHEMA_DEPTH) assertSchemaDepth(schema, depth);
    if (++this.values > MAX_VALUES) return OVERFLOW;
    if (schema.const !== undefined) return { kind: 'literal', value: schema.const };
    const types = typesOf(schema);
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      const typed = schema.enum.filter((value) => types.length === 0 || types.some((type) => isJsonType(value, type)));
      return { kind: 'literal', value: this.pick(typed.length > 0 ? typed : schema.enum) };
    }
    switch (this.chooseType(types.length > 0 ? types : [impliedType(schema, fallback)])) {
      case 'null':
        return { kind: 'literal', value: null };
      case 'boolean':
        return { kind: 'literal', value: this.rng() < 0.5 };
      case 'integer':
        return { kind: 'literal', value: this.integer(schema) };
      case 'number':
        return { kind: 'literal', value: this.number(schema) };
      case 'string':
        return { kind: 'string', spec: stringSpec(schema, name) };
      case 'array':
        return this.array(schema, name, depth);
      case 'object':
        return this.object(schema, depth);
    }
  }

  /** An object with no declared properties: `{"response": …}`, the value as additionalProperties allows. */
  anyObject(schema: Schema, depth: number): Plan {
    const additional = schema.additionalProperties;
    const value: Plan = isSchema(additional)
      ? this.plan(additional, 'response', depth + 1)
      : {
          kind: 'string',
          spec: { name: '', hint: '', minLength: 0, maxLength: Number.POSITIVE_INFINITY, pattern: null, reply: true },
        };
    return { kind: 'object', entries: [['response', value]] };
  }

  private object(schema: Schema, depth: number): Plan {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = new Set(
      Array.isArray(schema.required) ? schema.required.filter((n) => typeof n === 'string') : [],
    );
    if (Object.keys(properties).length === 0 && required.size === 0 && schema.additionalProperties !== false) {
      return this.anyObject(schema, depth);
    }
    const additional = isSchema(schema.additionalProperties) ? schema.additionalProperties : {};
    const entries: Array<readonly [string, Plan]> = [];
    const names = [...Object.keys(properties), ...[...required].filter((name) => !Object.hasOwn(properties, name))];
    for (const name of names) {
      if (!required.has(name) && this.rng() >= OPTIONAL_PROPERTY_PROBABILITY) continue;
      const child = Object.hasOwn(properties, name) ? properties[name] : additional;
      const value = this.plan(isSchema(child) ? child : {}, name, depth + 1);
      entries.push([name, value]);
      if (value === OVERFLOW) break;
    }
    return { kind: 'object', entries };
  }

  private array(schema: Schema, name: string, depth: number): Plan {
    const minItems = lowerCount(schema.minItems);
    const maxItems = upperCount(schema.maxItems);
    const low = minItems ?? Math.min(DEFAULT_MIN_ITEMS, maxItems ?? DEFAULT_MIN_ITEMS);
    const high = Math.min(maxItems ?? Number.POSITIVE_INFINITY, Math.max(low, DEFAULT_MAX_ITEMS));
    const length = low >= high ? low : low + Math.floor(this.rng() * (high - low + 1));
    const itemSchema = isSchema(schema.items) ? schema.items : {};
    const items: Plan[] = [];
    for (let i = 0; i < length; i++) {
      const item = this.plan(itemSchema, name, depth + 1);
      items.push(item);
      if (item === OVERFLOW) break;
    }
    return { kind: 'array', items };
  }

  private integer(schema: Schema): number {
    const { low, high, lowOpen, highOpen } = numberRange(schema);
    const first = lowOpen ? Math.floor(low) + 1 : Math.ceil(low);
    const last = highOpen ? Math.ceil(high) - 1 : Math.floor(high);
    if (first >= last) return first;
    const value = Math.floor(between(first, last + 1, this.rng()));
    return Math.min(Math.max(value, first), last);
  }

  /** A number with at most two decimals when the range allows one, else any number in it. */
  private number(schema: Schema): number {
    const { low, high, lowOpen, highOpen } = numberRange(schema);
    const within = (value: number) =>
      Number.isFinite(value) && (lowOpen ? value > low : value >= low) && (highOpen ? value < high : value <= high);
    const value = between(low, high, this.rng());
    const rounded = Math.round(value * 100) / 100;
    for (const candidate of [rounded, value, between(low, high, 0.5)]) if (within(candidate)) return candidate;
    return low;
  }

  private chooseType(types: readonly JsonType[]): JsonType {
    const others = types.filter((type) => type !== 'null');
    if (others.length === 0) return 'null';
    if (others.length < types.length && this.rng() < NULL_PROBABILITY) return 'null';
    return this.pick(others);
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.min(values.length - 1, Math.floor(this.rng() * values.length))]!;
  }
}

/** Writes the plan's text, piece by piece; sets `rendering.complete` to false when it ends at an overflow. */
function* render(plan: Plan, strings: StringWriter, rendering: { complete: boolean }): Generator<string, boolean> {
  switch (plan.kind) {
    case 'overflow':
      rendering.complete = false;
      return false;
    case 'literal':
      yield* spaced(JSON.stringify(plan.value));
      return true;
    case 'string': {
      const { text, complete } = yield* strings.write(plan.spec);
      const encoded = JSON.stringify(text);
      yield* spaced(complete ? encoded : encoded.slice(0, -1));
      if (!complete) rendering.complete = false;
      return complete;
    }
    case 'array':
      yield '[';
      for (const [i, item] of plan.items.entries()) {
        if (i > 0) yield ',';
        if (!(yield* render(item, strings, rendering))) return false;
      }
      yield ']';
      return true;
    case 'object':
      yield '{';
      for (const [i, [name, value]] of plan.entries.entries()) {
        yield `${i > 0 ? ',' : ''}${JSON.stringify(name)}:`;
        if (!(yield* render(value, strings, rendering))) return false;
      }
      yield '}';
      return true;
  }
}

/** Encoded JSON text in word-sized pieces: each piece after the first starts at a space. */
function* spaced(encoded: string): Generator<string> {
  yield* encoded.split(/(?= )/);
}

/** The plan's text with every string empty: what the structure alone costs. */
function skeleton(plan: Plan): string {
  switch (plan.kind) {
    case 'overflow':
      return '';
    case 'literal':
      return JSON.stringify(plan.value);
    case 'string':
      return '""';
    case 'array':
      return `[${plan.items.map(skeleton).join(',')}]`;
    case 'object':
      return `{${plan.entries.map(([name, value]) => `${JSON.stringify(name)}:${skeleton(value)}`).join(',')}}`;
  }
}

function countStrings(plan: Plan): number {
  switch (plan.kind) {
    case 'string':
      return 1;
    case 'array':
      return plan.items.reduce((sum, item) => sum + countStrings(item), 0);
    case 'object':
      return plan.entries.reduce((sum, [, value]) => sum + countStrings(value), 0);
    default:
      return 0;
  }
}

/** The words each string may have so that the whole value fits in `maxTokens`; at least one. */
function wordsPerString(plan: Plan, maxTokens: number): number {
  const strings = countStrings(plan);
  if (strings === 0) return 0;
  const left = maxTokens - countTokens(skeleton(plan));
  return Math.max(1, Math.floor((left / strings) * WORDS_PER_TOKEN));
}

/** Writes the strings of one reply with the n-gram model. */
class StringWriter {
  private readonly messageTopic: Topic;
  private readonly topics = new Map<string, Topic>();
  /** No string needs to be longer than this: the reply is cut before its end anyway. */
  private readonly maxChars: number;

  constructor(
    private readonly options: JsonWriterOptions,
    schema: Schema | null,
    private readonly words: number,
  ) {
    const ignore = new Set([...PROMPT_WORDS, ...(schema ? wordsIn(JSON.stringify(schema)) : [])]);
    this.messageTopic = topicOf(options.message, options.model, options.commonFrequency, ignore);
    this.maxChars = options.maxTokens * 8 + 64;
  }

  /**
   * The string for `spec`, with an empty delta after each sentence written. `complete` is false when
   * minLength asks for more than the reply can hold: the text is then the part that could be written.
   */
  *write(spec: StringSpec): Generator<string, { text: string; complete: boolean }> {
    if (spec.minLength > this.maxChars) {
      const text = yield* this.text(spec);
      return { text: [...text].slice(0, this.maxChars).join(''), complete: false };
    }
    const matches = spec.pattern === null ? null : patternMatcher(spec.pattern);
    if (spec.pattern === null || matches === null || spec.minLength > MAX_MATCHED_LENGTH) {
      return { text: fitLength(yield* this.text(spec), spec), complete: true };
    }
    let first: string | null = null;
    for (let attempt = 0; attempt < PATTERN_ATTEMPTS; attempt++) {
      const text = yield* this.text(spec);
      first ??= fitLength(text, spec);
      for (const candidate of patternCandidates(text)) {
        const length = [...candidate].length;
        if (length >= spec.minLength && length <= spec.maxLength && matches(candidate)) {
          return { text: candidate, complete: true };
        }
      }
    }
    return { text: first ?? '', complete: true };
  }

  /** Sentences until the word budget (or the reply's sentences) are used up and minLength is reached. */
  private *text(spec: StringSpec): Generator<string, string> {
    const { model, rng, temperature, topP } = this.options;
    const topic = this.topicOf(spec);
    const sentences = spec.reply ? SENTENCES_PER_REPLY : 1;
    const words = Math.min(this.words, spec.reply ? SENTENCES_PER_REPLY * MAX_SENTENCE_WORDS : MAX_STRING_WORDS);
    const minChars = Math.min(spec.minLength, this.maxChars);
    const maxChars = Math.min(spec.maxLength, this.maxChars);
    // A model that keeps ending sentences at once must not loop forever on a minLength.
    const maxSentences = sentences + minChars + 1;
    const detokenizer = new Detokenizer();
    let text = '';
    let length = 0;
    let written = 0;
    for (let sentence = 0; sentence < maxSentences; sentence++) {
      if (length >= minChars && (sentence >= sentences || written >= words)) break;
      detokenizer.startSentence();
      for (const word of sentenceWords({ model, rng, temperature, topP, topic, first: sentence === 0 })) {
        const piece = detokenizer.push(word);
        text += piece;
        length += [...piece].length;
        written++;
        if (length >= maxChars || (length >= minChars && written >= words)) return text;
      }
      yield '';
    }
    return text;
  }

  /**
   * The property's own topic plus the message's keywords: it opens with the name's rarest known word
   * (or the description's, without one) and boosts the name's and description's keywords.
   */
  private topicOf(spec: StringSpec): Topic {
    if (spec.hint === '') return this.messageTopic;
    const key = `${spec.name}\n${spec.hint}`;
    let topic = this.topics.get(key);
    if (!topic) {
      const { model, commonFrequency } = this.options;
      const own = topicOf(spec.hint, model, commonFrequency);
      const opener = topicOf(spec.name, model, commonFrequency).opener ?? own.opener;
      topic = { opener, boosts: new Map([...this.messageTopic.boosts, ...own.boosts]) };
      this.topics.set(key, topic);
    }
    return topic;
  }
}

/** Cuts `text` to maxLength (at a word boundary when that keeps minLength) and pads it to minLength. */
function fitLength(text: string, { minLength, maxLength }: StringSpec): string {
  let chars = [...text];
  if (chars.length > maxLength) {
    let cut = chars.slice(0, maxLength).join('');
    const midWord = /[\p{L}\p{N}]/u.test(chars[maxLength] ?? '');
    const lastSpace = cut.lastIndexOf(' ');
    if (midWord && lastSpace >= 0 && [...cut.slice(0, lastSpace)].length >= minLength) cut = cut.slice(0, lastSpace);
    const trimmed = cut.replace(/[\s,;:(-]+$/u, '');
    chars = [...([...trimmed].length >= minLength ? trimmed : cut)];
  }
  if (chars.length < minLength) {
    const filler = chars.length > 0 ? chars.join('') : 'the';
    while (chars.length < minLength) chars.push(...(chars.length > 0 ? ` ${filler}` : filler));
    chars = chars.slice(0, Math.max(minLength, Math.min(chars.length, maxLength)));
  }
  return chars.join('');
}

function stringSpec(schema: Schema, name: string): StringSpec {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ');
  const hint = [words];
  for (const key of ['title', 'description']) if (typeof schema[key] === 'string') hint.push(schema[key]);
  return {
    name: words,
    hint: hint.join(' ').trim(),
    minLength: lowerCount(schema.minLength) ?? 0,
    maxLength: upperCount(schema.maxLength) ?? Number.POSITIVE_INFINITY,
    pattern: typeof schema.pattern === 'string' ? schema.pattern : null,
    reply: false,
  };
}

/** The range a number must fall in: the tighter of each pair of bounds, or the defaults. */
function numberRange(schema: Schema): { low: number; high: number; lowOpen: boolean; highOpen: boolean } {
  let low = finite(schema.minimum) ?? Number.NEGATIVE_INFINITY;
  let high = finite(schema.maximum) ?? Number.POSITIVE_INFINITY;
  let lowOpen = false;
  let highOpen = false;
  const exclusiveLow = finite(schema.exclusiveMinimum);
  const exclusiveHigh = finite(schema.exclusiveMaximum);
  if (exclusiveLow !== undefined && exclusiveLow >= low) [low, lowOpen] = [exclusiveLow, true];
  if (exclusiveHigh !== undefined && exclusiveHigh <= high) [high, highOpen] = [exclusiveHigh, true];
  if (low === Number.NEGATIVE_INFINITY && high === Number.POSITIVE_INFINITY)
    return { low: 0, high: DEFAULT_NUMBER_SPAN, lowOpen, highOpen };
  if (low === Number.NEGATIVE_INFINITY) return { low: high - DEFAULT_NUMBER_SPAN, high, lowOpen: false, highOpen };
  if (high === Number.POSITIVE_INFINITY) return { low, high: low + DEFAULT_NUMBER_SPAN, lowOpen, highOpen: false };
  return { low, high, lowOpen, highOpen };
}

/** The point a fraction `t` of the way from `low` to `high`, without overflowing for huge ranges. */
function between(low: number, high: number, t: number): number {
  const span = high - low;
  return Number.isFinite(span) ? low + span * t : low * (1 - t) + high * t;
}

function typesOf(schema: Schema): JsonType[] {
  const declared = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  return [...new Set(declared.filter((type): type is JsonType => typeof type === 'string' && JSON_TYPES.has(type)))];
}

/** The type a schema without a usable `type` describes, from its other keywords, else `fallback`. */
function impliedType(schema: Schema, fallback: JsonType): JsonType {
  const has = (...keys: string[]) => keys.some((key) => schema[key] !== undefined);
  if (has('properties', 'required', 'additionalProperties')) return 'object';
  if (has('items', 'minItems', 'maxItems')) return 'array';
  if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum')) return 'number';
  if (has('minLength', 'maxLength', 'pattern')) return 'string';
  return fallback;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A minimum count (minItems, minLength): the least whole number that satisfies it. */
function lowerCount(value: unknown): number | undefined {
  const number = finite(value);
  return number === undefined ? undefined : Math.max(0, Math.ceil(number));
}

/** A maximum count (maxItems, maxLength): the greatest whole number that satisfies it. */
function upperCount(value: unknown): number | undefined {
  const number = finite(value);
  return number === undefined ? undefined : Math.max(0, Math.floor(number));
}
