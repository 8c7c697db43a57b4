import type { JsonValue } from './types.js';

const FENCE = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/;
const LEADING_LABEL =
  /^(?:(?:new\s+)?(?:task|instruction|question|text|example|answer|response)\s*:\s*|\d+[.)]\s+|[-*•]\s+)/i;
const QUOTES: readonly [string, string][] = [
  ['"', '"'],
  ["'", "'"],
  ['“', '”'],
];

/**
 * A model's free-text reply as one clean field: code fences unwrapped, a leading label ("Task:",
 * "1.", "-") and wrapping quotes removed, whitespace trimmed. Models add these however the prompt asks.
 */
export function cleanReply(reply: string): string {
  let text = reply.trim();
  const fenced = FENCE.exec(text);
  if (fenced) text = fenced[1]!.trim();
  text = text.replace(LEADING_LABEL, '').trim();
  for (const [open, close] of QUOTES) {
    if (text.length >= 2 && text.startsWith(open) && text.endsWith(close)) text = text.slice(1, -1).trim();
  }
  return text;
}

export type JsonExtraction = { ok: true; value: JsonValue } | { ok: false; error: string };

/**
 * The JSON value in a model's reply: the whole reply, else a fenced block, else the first balanced
 * `{…}` or `[…]` (so "Sure! {…} Hope this helps" still parses).
 */
export function extractJson(reply: string): JsonExtraction {
  const candidates = [reply.trim()];
  const fenced = FENCE.exec(reply);
  if (fenced) candidates.push(fenced[1]!.trim());
  const balanced = firstBalanced(reply);
  if (balanced) candidates.push(balanced);
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) as JsonValue };
    } catch {
      // try the next candidate
    }
  }
  return { ok: false, error: 'no JSON value found in the reply' };
}

/** The first `{…}` or `[…]` span whose brackets balance, skipping brackets inside strings. */
function firstBalanced(text: string): string | null {
  const start = text.search(/[[{]/);
  if (start < 0) return null;
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') stack.push(char === '{' ? '}' : ']');
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) return null;
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  return null;
}
