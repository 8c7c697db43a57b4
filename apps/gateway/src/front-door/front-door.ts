import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Exchange, StreamTarget } from '../core/exchange.js';
import { overheadMs } from '../core/overhead.js';
import { endWithClientError } from '../errors/client-errors.js';
import type { GatewayError } from '../errors/gateway-error.js';
import { type HeadLimits, type RequestHead, readRequestHead } from './request-head.js';
import { responseHead } from './response-head.js';

/** What the front door needs of the rest of the gateway. */
export interface FrontDoorOptions extends HeadLimits {
  /** Answers a chat request: its JSON text, or null when it was streamed to `exchange.stream()`. */
  serve(exchange: Exchange, authorization: string | undefined, body: unknown): Promise<string | null>;
  /** What `serve` threw, as the error the client gets. */
  failure(exception: unknown, requestId: string): GatewayError;
  requestId(): string;
  /** Counts an answered request and the gateway's own time for it, in seconds. */
  observe(status: number, overheadSeconds: number): void;
  /** Counts a connection as it ends in the front door or is handed over. */
  connection(servedBy: 'front_door' | 'fastify'): void;
  /** A request's head must have arrived within this many ms of its first byte (408 after). */
  headersTimeoutMs: number;
  /** The whole request must have arrived within this many ms of its first byte (408 after). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  keepAliveTimeoutMs: number;
  exposedHeaders: string;
}

/** Node's connection listeners of the HTTP server, which take a connection the front door hands over. */
type HandOver = (socket: Socket) => void;

/**
 * The gateway's front door: it sees every connection first and answers the hot path, plain
 * `POST /v1/chat/completions` requests (request-head.ts), on the socket itself — no IncomingMessage,
 * ServerResponse, Fastify request, reply, hooks or content-type parser per request. The first request
 * of any other shape hands the connection, with every byte not yet answered, to Node's HTTP server,
 * which serves it and everything after it on that connection through Fastify as before. The chat
 * logic is the same either way (ChatRoute.serve); only the HTTP plumbing differs.
 *
 * Requests on one connection are answered strictly in order: while one is in flight, later bytes
 * (pipelined requests) wait in the buffer, so a handover always starts at a request boundary with
 * nothing written for that request.
 */
export class FrontDoor {
  private readonly connections = new Set<Connection>();
  private closing = false;

  constructor(
    private readonly options: FrontDoorOptions,
    private readonly handOver: HandOver,
  ) {}

  /**
   * Puts the front door before `server`'s own connection handling. Node's HTTP server adds its
   * connection listener when it is constructed; it now runs only for connections handed over.
   */
  static install(server: Server, options: FrontDoorOptions): FrontDoor {
    const listeners = server.listeners('connection') as Array<(socket: Socket) => void>;
    server.removeAllListeners('connection');
    const door = new FrontDoor(options, (socket) => {
      for (const listener of listeners) listener.call(server, socket);
    });
    server.on('connection', (socket: Socket) => door.accept(socket));
    return door;
  }

  accept(socket: Socket): void {
    if (this.closing) {
      this.handOver(socket);
      return;
    }
    const connection = new Connection(socket, this.options, this, this.handOver);
    this.connections.add(connection);
  }

  /** Stops taking requests: idle connections close now, busy ones after their answer. */
  close(): void {
    this.closing = true;
    for (const connection of this.connections) connection.closeWhenIdle();
  }

  get isClosing(): boolean {
    return this.closing;
  }

  forget(connection: Connection): void {
    this.connections.delete(connection);
  }
}

/** Where a connection is: waiting for bytes, answering a request, or handed over / closed. */
enum State {
  Reading = 0,
  Answering = 1,
  Gone = 2,
}

class Connection {
  private state = State.Reading;
  /** Bytes received and not yet answered, from the first byte of the next request. */
  private pending: Buffer | null = null;
  /** Armed while a request is partly received; fires 408. */
  private deadline: NodeJS.Timeout | undefined;
  private deadlineAt = 0;
  /** When the first byte of a partly received request arrived (0: none is). */
  private partialSince = 0;
  private readonly onData = (chunk: Buffer) => this.received(chunk);
  private readonly onEnd = () => this.finish();
  private readonly onClose = () => this.closed();
  private readonly onTimeout = () => this.idle();

  constructor(
    private readonly socket: Socket,
    private readonly options: FrontDoorOptions,
    private readonly door: FrontDoor,
    private readonly handOver: HandOver,
  ) {
    socket.setNoDelay(true);
    socket.setTimeout(options.keepAliveTimeoutMs);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
    socket.on('error', noop);
  }

  closeWhenIdle(): void {
    if (this.state === State.Reading && this.pending === null) this.socket.end();
  }

  private received(chunk: Buffer): void {
    // A connection on its way out reads nothing more: what a client sends after that is dropped.
    if (this.state === State.Gone) return;
    this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    if (this.state === State.Reading) this.next();
    // A client that keeps sending while its request is answered waits: the buffer stays bounded.
    else if (this.pending.length > this.options.maxHeadBytes + this.options.maxBodyBytes) this.socket.pause();
  }

  /** Takes the next complete request from the buffer, if there is one. */
  private next(): void {
    const buffer = this.pending;
    if (buffer === null) return;
    const head = readRequestHead(buffer, this.options);
    if (head === 'other') {
      this.giveAway();
      return;
    }
    const size = head === 'incomplete' ? Number.POSITIVE_INFINITY : head.length + head.contentLength;
    if (buffer.length < size) {
      if (this.partialSince === 0) this.partialSince = Date.now();
      const limit = head === 'incomplete' ? this.options.headersTimeoutMs : this.options.requestTimeoutMs;
      this.armDeadline(this.partialSince + limit);
      return;
    }
    this.disarmDeadline();
    const request = buffer.subarray(0, size);
    this.pending = buffer.length > size ? buffer.subarray(size) : null;
    this.state = State.Answering;
    // answer() handles every error of the request; anything else is a fault here, and the connection goes.
    this.answer(head as RequestHead, request).catch(() => this.socket.destroy());
  }

  private async answer(head: RequestHead, request: Buffer): Promise<void> {
    const text = request.toString('utf8', head.length);
    // Bodies Fastify's parser would refuse (prototype poisoning) or that are not JSON go to Fastify, whose
    // answer they get; so does nothing else: JSON.parse accepts exactly what Fastify's parser accepts.
    let body: unknown;
    try {
      if (text.includes('__proto__') || text.includes('constructor')) throw new Error('for Fastify');
      body = JSON.parse(text);
    } catch {
      this.pending = this.pending === null ? request : Buffer.concat([request, this.pending]);
      this.giveAway();
      return;
    }
    const exchange = new FrontDoorExchange(this.options.requestId(), this.socket, head.origin, this.options);
    let json: string | null;
    try {
      json = await this.options.serve(exchange, head.authorization, body);
    } catch (exception) {
      if (exchange.streamed) {
        // The stream owned the answer and could not finish it: nothing sensible can follow on this
        // connection. What it wrote this turn goes out first.
        exchange.target?.flush();
        this.socket.destroy();
        return;
      }
      const error = this.options.failure(exception, exchange.id);
      for (const [name, value] of Object.entries(error.headers)) exchange.header(name, value);
      exchange.header('content-type', 'application/json');
      json = JSON.stringify(error.toBody());
      this.respond(exchange, error.status, json, head.close);
      return;
    }
    if (json === null) {
      this.streamEnded(exchange, head.close);
      return;
    }
    exchange.header('content-type', 'application/json; charset=utf-8');
    this.respond(exchange, 200, json, head.close);
  }

  private respond(exchange: FrontDoorExchange, status: number, body: string, close: boolean): void {
    if (this.state === State.Gone || this.socket.destroyed) return;
    const ending = close || this.door.isClosing;
    const overhead = overheadMs(exchange);
    exchange.header('x-synthwell-overhead-ms', overhead.toFixed(3));
    const head = responseHead(
      status,
      exchange.fields,
      Buffer.byteLength(body),
      ending,
      this.options.keepAliveTimeoutMs,
    );
    this.options.observe(status, overhead / 1000);
    if (ending) {
      this.state = State.Gone;
      this.socket.end(head + body);
      return;
    }
    this.socket.write(head + body);
    this.readNext();
  }

  /**
   * Takes the next request once the client has read what was written: a client that pipelines
   * requests without reading the answers waits for them, so the answers never pile up in memory.
   */
  private readNext(): void {
    if (this.socket.writableNeedDrain) {
      this.socket.once('drain', () => {
        if (this.state === State.Answering) this.readNext();
      });
      return;
    }
    this.state = State.Reading;
    if (this.socket.isPaused()) this.socket.resume();
    this.next();
  }

  /** A streamed answer has ended: the connection takes its next request. */
  private streamEnded(exchange: FrontDoorExchange, close: boolean): void {
    const target = exchange.target;
    this.options.observe(target?.status ?? 200, overheadMs(exchange) / 1000);
    if (this.state === State.Gone || this.socket.destroyed) return;
    if (!target?.complete || close || this.door.isClosing) {
      this.state = State.Gone;
      this.socket.end();
      return;
    }
    this.readNext();
  }

  /** Hands the connection and every unanswered byte to Node's HTTP server. */
  private giveAway(): void {
    this.options.connection('fastify');
    this.state = State.Gone;
    this.disarmDeadline();
    this.door.forget(this);
    const socket = this.socket;
    socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('close', this.onClose);
    socket.removeListener('timeout', this.onTimeout);
    socket.removeListener('error', noop);
    socket.setTimeout(0);
    const unread = this.pending;
    this.pending = null;
    this.handOver(socket);
    // Node's server reads the socket from here on; one paused above (a flood while answering) resumes.
    if (socket.isPaused()) socket.resume();
    if (unread !== null) socket.emit('data', unread);
  }

  private armDeadline(at: number): void {
    if (this.deadline !== undefined && this.deadlineAt === at) return;
    clearTimeout(this.deadline);
    this.deadlineAt = at;
    this.deadline = setTimeout(() => this.timedOut(), Math.max(0, at - Date.now()));
  }

  private disarmDeadline(): void {
    this.partialSince = 0;
    if (this.deadline === undefined) return;
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private timedOut(): void {
    this.deadline = undefined;
    if (this.state !== State.Reading || this.pending === null) return;
    this.state = State.Gone;
    endWithClientError(this.socket, 'ERR_HTTP_REQUEST_TIMEOUT');
  }

  private idle(): void {
    if (this.state === State.Reading && this.pending === null) this.socket.end();
  }

  /**
   * The client finished sending (FIN). As in Node's server, that is a client gone: the connection is
   * closed, and its 'close' cancels whatever the request in flight still waits for.
   */
  private finish(): void {
    this.state = State.Gone;
    this.disarmDeadline();
    this.socket.end();
  }

  private closed(): void {
    this.options.connection('front_door');
    this.state = State.Gone;
    this.disarmDeadline();
    this.pending = null;
    this.door.forget(this);
  }
}

function noop(): void {}

/** A chat request answered by the front door: its response headers, and the stream if it streams. */
class FrontDoorExchange implements Exchange {
  readonly startedAt = process.hrtime.bigint();
  upstreamMs: number | undefined = undefined;
  /** Response header lines, `name: value\r\n` each: built as headers are set, written as they are. */
  fields = '';
  target: FrontDoorStream | null = null;
  private readonly keepAliveMs: number;

  constructor(
    readonly id: string,
    readonly socket: Socket,
    origin: string | undefined,
    options: FrontDoorOptions,
  ) {
    this.keepAliveMs = options.keepAliveTimeoutMs;
    this.header('x-request-id', id);
    this.header('vary', 'Origin');
    if (origin !== undefined) this.header('access-control-allow-origin', origin);
    this.header('access-control-expose-headers', options.exposedHeaders);
  }

  get streamed(): boolean {
    return this.target !== null;
  }

  header(name: string, value: string): void {
    this.fields += `${name}: ${value}\r\n`;
  }

  /** The headers set so far as an object (streams need them; plain answers write `fields` as they are). */
  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const line of this.fields.split('\r\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2);
    }
    return headers;
  }

  stream(): StreamTarget {
    this.target = new FrontDoorStream(this.socket, this.keepAliveMs);
    return this.target;
  }
}

/**
 * A streamed answer written straight to the socket: chunked transfer encoding once the head is
 * flushed; a whole answer given to `end` before any head went out is sent with a Content-Length.
 */
class FrontDoorStream implements StreamTarget {
  status = 200;
  headersSent = false;
  writableEnded = false;
  /** The answer went out whole (its last chunk written), so the connection can carry another request. */
  complete = false;
  private fields = '';
  /** Written this turn, not yet given to the socket. */
  private queued = '';

  constructor(
    private readonly socket: Socket,
    private readonly keepAliveMs: number,
  ) {}

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  writeHead(status: number, headers: Record<string, string>): void {
    this.status = status;
    let fields = '';
    for (const name in headers) {
      if (name === 'connection' || name === 'content-length' || name === 'transfer-encoding') continue;
      fields += `${name}: ${headers[name]}\r\n`;
    }
    this.fields = fields;
  }

  flushHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    this.queue(responseHead(this.status, this.fields, null, false, this.keepAliveMs));
  }

  write(chunk: string): boolean {
    if (this.writableEnded || this.socket.destroyed) return false;
    if (!this.headersSent) this.flushHeaders();
    if (chunk.length > 0) this.queue(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`);
    return !this.socket.writableNeedDrain;
  }

  /**
   * What is written in one turn of the event loop (the head and first event, or several events an
   * upstream sent in one packet) leaves in one write(2) at the end of the turn: not later than it
   * would have, in fewer system calls and packets.
   */
  private queue(text: string): void {
    if (this.queued === '') process.nextTick(this.flush);
    this.queued += text;
  }

  /** Writes what this turn queued; also before the answer ends or the socket is destroyed. */
  readonly flush = () => {
    if (this.queued === '') return;
    const text = this.queued;
    this.queued = '';
    if (!this.socket.destroyed) this.socket.write(text);
  };

  end(chunk?: string): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    if (this.socket.destroyed) return;
    if (!this.headersSent) {
      const body = chunk ?? '';
      this.headersSent = true;
      this.socket.write(
        responseHead(this.status, this.fields, Buffer.byteLength(body), false, this.keepAliveMs) + body,
      );
    } else {
      // The last chunk goes out now, with anything still queued: the connection's next answer follows it.
      this.queue(chunk ? `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n0\r\n\r\n` : '0\r\n\r\n');
      this.flush();
    }
    this.complete = true;
  }
}
