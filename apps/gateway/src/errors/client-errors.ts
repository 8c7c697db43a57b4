import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode, ErrorType, errorBody } from '@synthwell/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendError, toGatewayError } from './openai-exception.filter.js';

/**
 * Errors Fastify answers before a request reaches a route (a malformed URL, an over-long path
 * parameter). Fastify builds the reply before any hook runs, so the request id is set here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id);
  sendError(reply, toGatewayError(error));
}

const CLIENT_ERROR_BODY = JSON.stringify(
  errorBody('The request is malformed.', ErrorType.invalidRequest, ErrorCode.invalidBody),
);

function clientErrorStatus(code: string | undefined): [number, string] {
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'Request Header Fields Too Large'];
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'Request Timeout'];
  return [400, 'Bad Request'];
}

/** Set on a connection once it has been answered with a client error: later parser errors add nothing. */
const ANSWERED = Symbol('synthwell.clientErrorAnswered');

/** How long a connection answered with a client error stays half-closed before it is cut off. */
const LINGER_MS = 1_000;

/**
 * Node's parser rejects a request (bad header syntax, smuggling attempts, headers too large, a
 * request that took too long to arrive) before Fastify sees it: answer on the raw socket, in the
 * documented shape, and close the connection, since what follows on it cannot be trusted.
 *
 * The answer goes with a FIN (`end`) and the socket is destroyed a moment later, not at once:
 * closing a socket with unread input (a slow client's trickle, the rest of an oversized request)
 * makes the kernel reset the connection, and a reset can discard the answer before the client reads it.
 */
export function clientErrorHandler(error: Error, socket: Socket): void {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET') return;
  endWithClientError(socket, code, error);
}

/**
 * Answers a client error on the raw socket (`code` as Node names it: a header overflow is 431, a
 * request timeout 408, anything else 400) and closes the connection, lingering as described above.
 * The front door uses it for its own request deadlines.
 */
export function endWithClientError(socket: Socket, code: string | undefined, cause?: Error): void {
  const connection = socket as Socket & { [ANSWERED]?: true };
  if (socket.destroyed || connection[ANSWERED]) return;
  connection[ANSWERED] = true;
  if (!socket.writable) {
    socket.destroy(cause);
    return;
  }
  const [status, reason] = clientErrorStatus(code);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(CLIENT_ERROR_BODY)}\r\nConnection: close\r\n\r\n${CLIENT_ERROR_BODY}`,
  );
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

/**
 * How long a client may take to send its request. Node checks the deadlines every
 * `connectionsCheckingInterval` (30 s by default), so the check runs at least twice per headers
 * deadline; the headers deadline never exceeds the whole request's.
 */
export function requestDeadlines(config: { REQUEST_TIMEOUT_MS: number; HEADERS_TIMEOUT_MS: number }): {
  requestTimeout: number;
  http: Pick<ServerOptions, 'headersTimeout' | 'connectionsCheckingInterval'>;
} {
  const headersTimeout = Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS);
  return {
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(headersTimeout / 2))),
    },
  };
}
