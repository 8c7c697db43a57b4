import type { ChatCompletionCreateParams } from './chat.js';

/**
 * A fast check for the requests most clients send: text messages and sampling options only. It
 * returns the body itself, typed, when `ChatCompletionCreateParams` would accept it unchanged, and
 * undefined for anything else (tools, content parts, response formats, a field out of range, an
 * unknown or extra key...), which then goes through the zod schema for the verdict and the precise
 * error. Zod builds a new object tree and issue bookkeeping for every parse, about 7 KB per request
 * on the gateway's hot path; this allocates nothing. A property test (`chat-plain.test.ts`) holds it
 * to the schema: whatever it accepts, the schema accepts and parses to an equal value.
 */
export function parsePlainChatRequest(body: unknown): ChatCompletionCreateParams | undefined {
  if (!isRecord(body)) return undefined;
  let hasModel = false;
  let hasMessages = false;
  for (const key in body) {
    if (!Object.hasOwn(body, key)) return undefined;
    const value = body[key];
    switch (key) {
      case 'model':
        if (!isString(value, 1, 256)) return undefined;
        hasModel = true;
        break;
      case 'messages':
        if (!plainMessages(value)) return undefined;
        hasMessages = true;
        break;
      case 'temperature':
        if (value !== null && !(typeof value === 'number' && value >= 0 && value <= 2)) return undefined;
        break;
      case 'top_p':
        if (value !== null && !(typeof value === 'number' && value > 0 && value <= 1)) return undefined;
        break;
      case 'max_tokens':
      case 'max_completion_tokens':
        if (value !== null && !(Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= 1_000_000))
          return undefined;
        break;
      case 'n':
        if (value !== null && !(Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= 8))
          return undefined;
        break;
      case 'seed':
        if (value !== null && !Number.isSafeInteger(value)) return undefined;
        break;
      case 'stop':
        if (value !== null && !isString(value, 0, 256) && !plainStops(value)) return undefined;
        break;
      case 'user':
        if (!isString(value, 0, 256)) return undefined;
        break;
      case 'stream':
        if (value !== null && typeof value !== 'boolean') return undefined;
        break;
      case 'stream_options':
        if (value !== null && !plainStreamOptions(value)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  return hasModel && hasMessages ? (body as unknown as ChatCompletionCreateParams) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // What JSON.parse makes; anything else (a class instance, a null-prototype object) is the schema's to judge.
  return Object.getPrototypeOf(value) === Object.prototype;
}

function isString(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

const PLAIN_ROLES = new Set(['system', 'developer', 'user', 'assistant']);

/** 1 to 2,048 messages, each `{ role, content: string, name? }` with a role that takes text. */
function plainMessages(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 1 || value.length > 2_048) return false;
  for (const message of value) {
    if (!isRecord(message)) return false;
    let hasRole = false;
    let hasContent = false;
    for (const key in message) {
      if (!Object.hasOwn(message, key)) return false;
      const field = message[key];
      if (key === 'role') {
        if (typeof field !== 'string' || !PLAIN_ROLES.has(field)) return false;
        hasRole = true;
      } else if (key === 'content') {
        if (!isString(field, 0, 1_000_000)) return false;
        hasContent = true;
      } else if (key === 'name') {
        if (!isString(field, 0, 256)) return false;
      } else {
        // Zod would drop an unknown key from a message rather than refuse it: the schema decides.
        return false;
      }
    }
    if (!hasRole || !hasContent) return false;
  }
  return true;
}

function plainStops(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > 4) return false;
  for (const stop of value) if (!isString(stop, 0, 256)) return false;
  return true;
}

function plainStreamOptions(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || key !== 'include_usage') return false;
    if (typeof value[key] !== 'boolean') return false;
  }
  return true;
}
