import { setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';

/** Thrown into the upstream call when the client goes away, so the provider stops generating. */
export class ClientClosedError extends Error {
  constructor() {
    super('The client closed the connection.');
    this.name = 'ClientClosedError';
  }
}

const CONNECTION_CLOSED = Symbol('synthwell.connectionClosed');
type WatchedSocket = Socket & { [CONNECTION_CLOSED]?: AbortSignal };

/**
 * A signal that fires when the client's connection closes, cancelling whatever the requests it
 * carries still wait for. One per connection, created on its first request and shared by every later
 * request on the keep-alive connection: a closed connection can carry no answer, and nothing needs
 * undoing when a request ends (an AbortController and a listener per request cost more than the rest
 * of the abort handling).
 */
export function clientClosed(connection: Socket | null): AbortSignal {
  const socket = connection as WatchedSocket | null;
  if (!socket || socket.destroyed) return AbortSignal.abort(new ClientClosedError());
  let signal = socket[CONNECTION_CLOSED];
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    // Many requests in a row may each listen while in flight (pipelining): no leak warning for that.
    setMaxListeners(0, signal);
    socket.once('close', () => controller.abort(new ClientClosedError()));
    socket[CONNECTION_CLOSED] = signal;
  }
  return signal;
}
