import { connect, type Socket } from 'node:net';

/**
 * A plain-HTTP/1.1 client for upstreams on `http:` URLs (vLLM, Ollama, llama.cpp, an in-cluster
 * proxy): requests are written in one piece on keep-alive sockets and responses parsed here, with no
 * ClientRequest, IncomingMessage or agent bookkeeping per call — on the gateway's hot path that was
 * about a third of its CPU per request. `https:` upstreams keep Node's client (upstream-call.ts).
 *
 * The parser accepts what RFC 9112 allows a server to send: a body framed by one Content-Length, by
 * chunked coding (extensions and trailers skipped) or by the connection closing; 1xx interim
 * responses skipped; no body for 204 and 304. A socket goes back to the pool only after a response
 * that was read to its exact end, with no stray bytes after it and no `connection: close`.
 */

/** Response head: status and lower-cased headers (repeated ones joined with ", "). */
export interface Http1Head {
  status: number;
  headers: Record<string, string>;
}

/** What a call hears about its response, in order: head, data*, then end or error. */
export interface Http1Listener {
  head(head: Http1Head): void;
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

const MAX_HEAD_BYTES = 64 * 1024;
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');
const CRLF = Buffer.from('\r\n', 'latin1');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;

/** A response that breaks HTTP/1.1's framing rules. */
export class Http1ParseError extends Error {
  override name = 'Http1ParseError';
}

enum Body {
  None = 0,
  Length = 1,
  Chunked = 2,
  UntilClose = 3,
}

enum Chunk {
  Size = 0,
  Data = 1,
  DataEnd = 2,
  Trailers = 3,
}

/** One response read off a socket. Feed it bytes; it calls the listener back. */
export class ResponseParser {
  private buffer: Buffer | null = null;
  private inHead = true;
  private body = Body.None;
  private remaining = 0;
  private chunk = Chunk.Size;
  private finished = false;
  /** The connection may carry another request once this response is finished. */
  reusable = true;

  constructor(private readonly listener: Http1Listener) {}

  get done(): boolean {
    return this.finished;
  }

  /** Takes bytes from the socket; returns bytes past the end of the response (none expected). */
  feed(chunk: Buffer): Buffer | null {
    let data = this.buffer === null ? chunk : Buffer.concat([this.buffer, chunk]);
    this.buffer = null;
    while (data.length > 0 && !this.finished) {
      if (this.inHead) {
        const end = data.indexOf(END_OF_HEAD);
        if (end < 0) {
          if (data.length > MAX_HEAD_BYTES) throw new Http1ParseError('the response head is too large');
          this.buffer = data;
          return null;
        }
        this.readHead(data.toString('latin1', 0, end));
        data = data.subarray(end + END_OF_HEAD.length);
        continue;
      }
      data = this.readBody(data);
    }
    return data.length > 0 ? data : null;
  }

  /** The connection closed: the end of a close-delimited body, an error for anything unfinished. */
  closed(): void {
    if (this.finished) return;
    if (!this.inHead && this.body === Body.UntilClose) {
      this.finish();
      return;
    }
    this.finished = true;
    this.listener.error(new Http1ParseError('the connection closed before the response was complete'));
  }

  private readHead(text: string): void {
    // Scanned by index: no split and no regular expression per header line.
    const firstEnd = text.indexOf('\r\n');
    const match = STATUS_LINE.exec(firstEnd < 0 ? text : text.slice(0, firstEnd));
    if (!match) throw new Http1ParseError('the response does not start with an HTTP/1.x status line');
    const status = Number(match[2]);
    const headers: Record<string, string> = {};
    for (let start = firstEnd < 0 ? text.length : firstEnd + 2; start < text.length; ) {
      let end = text.indexOf('\r\n', start);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', start);
      if (colon <= start || colon > end) throw new Http1ParseError('the response has a malformed header line');
      const name = text.slice(start, colon).trim().toLowerCase();
      const value = text.slice(colon + 1, end).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      start = end + 2;
    }
    // Interim responses (100 Continue, 103 Early Hints) precede the real one.
    if (status >= 100 && status < 200) return;
    this.inHead = false;
    const connection = headers.connection?.toLowerCase() ?? '';
    if (match[1] === '0' ? !connection.includes('keep-alive') : connection.includes('close')) this.reusable = false;
    const encoding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (status === 204 || status === 304) this.body = Body.None;
    else if (encoding !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(encoding)) throw new Http1ParseError('unsupported transfer-encoding');
      this.body = Body.Chunked;
    } else if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) throw new Http1ParseError('the response has an invalid content-length');
      this.remaining = Number(length);
      this.body = this.remaining > 0 ? Body.Length : Body.None;
    } else {
      this.body = Body.UntilClose;
      this.reusable = false;
    }
    this.listener.head({ status, headers });
    if (this.body === Body.None) this.finish();
  }

  /** Reads body bytes; returns what is left of `data`. */
  private readBody(data: Buffer): Buffer {
    switch (this.body) {
      case Body.UntilClose:
        this.listener.data(data);
        return data.subarray(data.length);
      case Body.Length: {
        const take = Math.min(this.remaining, data.length);
        this.remaining -= take;
        this.listener.data(take === data.length ? data : data.subarray(0, take));
        if (this.remaining === 0) this.finish();
        return data.subarray(take);
      }
      case Body.Chunked:
        return this.readChunked(data);
      default:
        return data;
    }
  }

  private readChunked(data: Buffer): Buffer {
    while (data.length > 0 && !this.finished) {
      if (this.chunk === Chunk.Data) {
        const take = Math.min(this.remaining, data.length);
        this.remaining -= take;
        this.listener.data(data.subarray(0, take));
        data = data.subarray(take);
        if (this.remaining === 0) this.chunk = Chunk.DataEnd;
        continue;
      }
      const end = data.indexOf(CRLF);
      if (end < 0) {
        if (data.length > MAX_HEAD_BYTES) throw new Http1ParseError('a chunk line is too long');
        this.buffer = data;
        return data.subarray(data.length);
      }
      const line = data.toString('latin1', 0, end);
      data = data.subarray(end + CRLF.length);
      if (this.chunk === Chunk.DataEnd) {
        if (line !== '') throw new Http1ParseError('a chunk is longer than its size');
        this.chunk = Chunk.Size;
      } else if (this.chunk === Chunk.Size) {
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) throw new Http1ParseError('the response has a malformed chunk size');
        this.remaining = Number.parseInt(size[1] as string, 16);
        this.chunk = this.remaining === 0 ? Chunk.Trailers : Chunk.Data;
      } else if (line === '') {
        this.finish();
      }
    }
    return data;
  }

  private finish(): void {
    this.finished = true;
    this.listener.end();
  }
}

/** Whoever is using a pooled socket: it hears the socket's bytes, errors and close. */
export interface Http1Owner {
  received(chunk: Buffer): void;
  broken(error: Error): void;
  closed(): void;
}

const OWNER = Symbol('synthwell.http1Owner');
type PooledSocket = Socket & { [OWNER]: Http1Owner | null };

/*
 * A pooled socket's listeners are added once, when it is created, and pass events to its current owner:
 * no listener is added or removed per call. Data or a timeout on a socket nobody owns means it is idle
 * and the server is confused or gone: it is closed.
 */
function onData(this: PooledSocket, chunk: Buffer): void {
  const owner = this[OWNER];
  if (owner) owner.received(chunk);
  else this.destroy();
}

function onError(this: PooledSocket, error: Error): void {
  this[OWNER]?.broken(error);
}

function onClose(this: PooledSocket): void {
  const owner = this[OWNER];
  this[OWNER] = null;
  owner?.closed();
}

function onTimeout(this: PooledSocket): void {
  if (!this[OWNER]) this.destroy();
}

/** Keep-alive sockets to one host and port, most recently used first. */
export class Http1Pool {
  private readonly free: PooledSocket[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxFree = 64,
    /** Under the 5 s Node's HTTP servers keep an idle connection, so a reused socket is rarely one the server is closing. */
    private readonly idleMs = 4_000,
  ) {}

  /** A connected idle socket, or a new one still connecting, now owned by `owner`. */
  acquire(owner: Http1Owner): { socket: Socket; fresh: boolean } {
    for (let socket = this.free.pop(); socket !== undefined; socket = this.free.pop()) {
      if (!socket.destroyed && socket.writable) {
        socket[OWNER] = owner;
        return { socket, fresh: false };
      }
    }
    const socket = connect({ host: this.host, port: this.port, noDelay: true }) as PooledSocket;
    socket[OWNER] = owner;
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    // Idle sockets close after idleMs; a socket in use ignores it (its call has deadlines of its own).
    socket.setTimeout(this.idleMs);
    socket.on('timeout', onTimeout);
    return { socket, fresh: true };
  }

  /** Takes back a socket whose last response was read to its end, or destroys it if it cannot be reused. */
  release(socket: Socket, reusable: boolean): void {
    const pooled = socket as PooledSocket;
    pooled[OWNER] = null;
    if (!reusable || pooled.destroyed || !pooled.writable || this.free.length >= this.maxFree) {
      pooled.destroy();
      return;
    }
    this.free.push(pooled);
  }

  /** Closes every idle socket. */
  clear(): void {
    for (const socket of this.free.splice(0)) socket.destroy();
  }
}

const pools = new Map<string, Http1Pool>();

/** The pool for `host:port`, shared by every adapter. */
export function poolFor(host: string, port: number): Http1Pool {
  const key = `${host}:${port}`;
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new Http1Pool(host, port);
    pools.set(key, pool);
  }
  return pool;
}

/** Header blocks already checked and formatted, by the (long-lived) headers object an adapter passes. */
const headerBlocks = new WeakMap<Record<string, string>, string>();

/** `name: value\r\n` lines of `headers`, formatted once per headers object. */
function headerBlock(headers: Record<string, string>): string {
  let block = headerBlocks.get(headers);
  if (block === undefined) {
    block = '';
    for (const name in headers) {
      const value = headers[name] as string;
      if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) throw new TypeError(`invalid header ${name}`);
      block += `${name}: ${value}\r\n`;
    }
    headerBlocks.set(headers, block);
  }
  return block;
}

/** The request's bytes: request line, headers, framing, body; one write. */
export function requestBytes(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string>,
  body: string | undefined,
): string {
  const framing = body === undefined ? '' : `content-length: ${Buffer.byteLength(body)}\r\n`;
  return `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n${headerBlock(headers)}${framing}\r\n${body ?? ''}`;
}
