import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';

/**
 * Tells when a fetch() call gets a connection. Node's fetch (undici) reports nothing about
 * connecting through its API, but publishes its documented diagnostics channels: `request:create`
 * when a request reaches the dispatcher and `client:sendHeaders` once it is written to a connected
 * socket. A per-call header ties those messages to the call. When the channels stay silent (another
 * fetch implementation), no connect deadline is enforced: the first-byte deadline still is.
 */
export const CALL_ID_HEADER = 'x-synthwell-call-id';

interface Watcher {
  onDispatched(): void;
  onConnected(): void;
}

const watchers = new Map<string, Watcher>();
let subscribed = false;

function callIdOf(message: unknown): string | undefined {
  const request = typeof message === 'object' && message !== null ? Reflect.get(message, 'request') : undefined;
  const headers: unknown =
    typeof request === 'object' && request !== null ? Reflect.get(request, 'headers') : undefined;
  // undici keeps request headers as a flat [name, value, ...] array, or as raw "name: value\r\n" text.
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === CALL_ID_HEADER) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    const match = new RegExp(`(?:^|\\r\\n)${CALL_ID_HEADER}: ?([^\\r\\n]+)`, 'i').exec(headers);
    return match?.[1];
  }
  return undefined;
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:request:create', (message) => {
    const id = callIdOf(message);
    if (id !== undefined) watchers.get(id)?.onDispatched();
  });
  subscribe('undici:client:sendHeaders', (message) => {
    const id = callIdOf(message);
    if (id !== undefined) watchers.get(id)?.onConnected();
  });
}

export interface ConnectionWatch {
  /** Value for the CALL_ID_HEADER request header. */
  callId: string;
  stop(): void;
}

export function watchConnection(watcher: Watcher): ConnectionWatch {
  subscribeOnce();
  const callId = randomUUID();
  watchers.set(callId, watcher);
  return { callId, stop: () => watchers.delete(callId) };
}
