import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where response headers go before the answer is sent; a Fastify reply is one. */
export interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** The response a stream is written to (SseWriter); node's ServerResponse is one. */
export interface StreamTarget {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  flushHeaders(): void;
  write(chunk: string): unknown;
  end(chunk?: string): unknown;
}

/**
 * One request and its response as the chat path sees them, whichever HTTP server carried them: the
 * front door (front-door/) for plain HTTP/1.1 requests, Fastify for anything it handed over.
 */
export interface Exchange extends HeaderSink {
  readonly id: string;
  /** process.hrtime.bigint() when the request arrived, for the overhead header. */
  readonly startedAt?: bigint;
  /** Milliseconds spent waiting on upstreams, excluded from the overhead figure. */
  upstreamMs?: number;
  /** The client's connection, or null once it is gone. */
  readonly socket: Socket | null;
  /** The response headers set so far. */
  headers(): Record<string, string>;
  /** Takes the response over for a stream: from then on only the returned target answers. */
  stream(): StreamTarget;
}

/** A Fastify request and reply as an Exchange. */
export function fastifyExchange(request: FastifyRequest, reply: FastifyReply): Exchange {
  return {
    id: request.id,
    get startedAt() {
      return request.startedAt;
    },
    get upstreamMs() {
      return request.upstreamMs;
    },
    set upstreamMs(ms: number | undefined) {
      request.upstreamMs = ms;
    },
    get socket() {
      return reply.raw.socket;
    },
    header: (name, value) => reply.header(name, value),
    headers: () => reply.getHeaders() as Record<string, string>,
    stream: () => {
      reply.hijack();
      return reply.raw;
    },
  };
}
