import { createRequire } from 'node:module';
import { type ChatMessage, messageText } from '@synthwell/contracts';
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';

/**
 * Token counting with OpenAI's o200k_base encoding (the GPT-4o family). The gateway meters with it
 * when an upstream reports no usage; the local models report their usage with it. The rank table
 * (a few MB) is loaded and parsed on first use, about half a second, not at import.
 */
let encoder: Tiktoken | null = null;

function getEncoder(): Tiktoken {
  encoder ??= new Tiktoken(createRequire(import.meta.url)('js-tiktoken/ranks/o200k_base') as TiktokenBPE);
  return encoder;
}

/** Parses the rank table now, so the first request does not pay for it. */
export function warmTokenizer(): void {
  getEncoder();
}

export function countTokens(text: string): number {
  if (text === '') return 0;
  return getEncoder().encode(text).length;
}

/** The first `maxTokens` tokens of `text`, decoded back to text. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const tokens = getEncoder().encode(text);
  if (tokens.length <= maxTokens) return text;
  return getEncoder().decode(tokens.slice(0, Math.max(0, maxTokens)));
}

/** Framing tokens OpenAI's chat format adds around every message, and to prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;

/**
 * Prompt tokens of a chat request, counted the way OpenAI documents for its chat models: each
 * message's role, name and text, plus the framing tokens. Image parts are not counted (their cost
 * depends on the upstream); tool calls count their name and arguments.
 */
export function countChatPromptTokens(messages: readonly ChatMessage[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(messageText(message.content));
    if ('name' in message && message.name) total += TOKENS_PER_NAME + countTokens(message.name);
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        total += countTokens(call.function.name) + countTokens(call.function.arguments);
      }
    }
  }
  return total;
}
