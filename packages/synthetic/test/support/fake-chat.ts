import { SeededRandom } from '../../src/random.js';
import type { ChatFunction, ChatOptions, PromptMessage } from '../../src/tasks/types.js';

export interface ChatCall {
  messages: readonly PromptMessage[];
  options: ChatOptions | undefined;
}

/** A chat function that answers with `reply` and records every call. */
export function scriptedChat(
  reply: (call: ChatCall, index: number) => string | Promise<string>,
): ChatFunction & { calls: ChatCall[] } {
  const calls: ChatCall[] = [];
  const chat = async (messages: readonly PromptMessage[], options?: ChatOptions) => {
    const call = { messages: [...messages], options };
    calls.push(call);
    return reply(call, calls.length - 1);
  };
  return Object.assign(chat, { calls });
}

const WORDS = [
  'river',
  'market',
  'engine',
  'garden',
  'lantern',
  'harbor',
  'violin',
  'glacier',
  'orchard',
  'canyon',
  'compass',
  'meadow',
  'falcon',
  'quartz',
  'ember',
  'summit',
  'willow',
  'beacon',
  'cobalt',
  'tundra',
  'saffron',
  'marble',
  'thistle',
  'ribbon',
  'anchor',
  'prairie',
  'cedar',
  'pebble',
  'lagoon',
  'copper',
  'breeze',
  'juniper',
  'mosaic',
  'nectar',
  'oasis',
  'pylon',
  'quiver',
  'rafter',
  'sonnet',
  'trellis',
];

/** `count` words drawn from a fixed list with a seed: different seeds give texts that share few 3-word shingles. */
export function wordsFor(seed: number, count: number): string {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => random.pick(WORDS)).join(' ');
}

/** The last user message of a call. */
export function lastUser(call: ChatCall): string {
  return [...call.messages].reverse().find((message) => message.role === 'user')?.content ?? '';
}

/** The system message of a call. */
export function systemOf(call: ChatCall): string {
  return call.messages.find((message) => message.role === 'system')?.content ?? '';
}
