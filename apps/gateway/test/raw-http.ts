import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

/** An HTTP/1.1 response as it came off the wire. */
export interface RawResponse {
  status: number;
  /** Lower-cased names; a repeated header keeps every value. */
  headers: Map<string, string[]>;
  body: string;
  /** Everything the server sent, e.g. to check that no second response follows the first. */
  raw: string;
}

/** Opens a TCP connection to the host and port of `url`. */
export async function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {
    // A reset by the server is an outcome the tests look at, not a failure of the client.
  });
  await once(socket, 'connect');
  return socket;
}

/** Status and headers of a response head (the text before its blank line). */
function parseHead(head: string): Pick<RawResponse, 'status' | 'headers'> {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status, headers };
}

function parse(raw: string): RawResponse | null {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const { status, headers } = parseHead(raw.slice(0, end));
  const length = Number(headers.get('content-length')?.[0] ?? Number.NaN);
  const body = raw.slice(end + 4);
  if (Number.isFinite(length) && Buffer.byteLength(body) < length) return null;
  return { status, headers, body: Number.isFinite(length) ? body.slice(0, length) : body, raw };
}

/**
 * Resolves with the first complete response on `socket` (one with its whole Content-Length), or with
 * whatever arrived when the server closed the connection (status 0 when nothing did).
 */
export function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve) => {
    let raw = '';
    const finish = (response: RawResponse) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(response);
    };
    const onData = (chunk: Buffer) => {
      raw += chunk.toString('latin1');
      const response = parse(raw);
      if (response) finish(response);
    };
    const onClose = () => finish(parse(raw) ?? { status: 0, headers: new Map(), body: '', raw });
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Sends raw bytes on a fresh connection and reads everything until the server closes it. */
export async function exchange(url: string, request: string | Buffer): Promise<RawResponse> {
  const socket = await openSocket(url);
  let raw = '';
  socket.on('data', (chunk: Buffer) => {
    raw += chunk.toString('latin1');
  });
  const closed = once(socket, 'close');
  socket.write(request);
  await closed;
  return { ...(parse(raw) ?? { status: 0, headers: new Map(), body: '', raw }), raw };
}

/**
 * Reads responses one after another off one keep-alive connection, whatever their framing
 * (Content-Length, chunked, or until close), keeping bytes of the next response for the next call.
 */
export class ResponseReader {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    socket.once('close', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /** The server closed the connection. */
  get closed(): boolean {
    return this.ended;
  }

  async next(): Promise<RawResponse> {
    for (;;) {
      const response = this.take();
      if (response) return response;
      if (this.ended) throw new Error(`the connection closed; unread: ${this.buffer.toString('latin1').slice(0, 200)}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  /** Resolves once the server has closed the connection. */
  async whenClosed(): Promise<void> {
    while (!this.ended)
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
  }

  private take(): RawResponse | null {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return null;
    const { status, headers } = parseHead(this.buffer.toString('latin1', 0, end));
    let offset = end + 4;
    let body: Buffer;
    const length = headers.get('content-length')?.[0];
    if (length !== undefined) {
      if (this.buffer.length < offset + Number(length)) return null;
      body = this.buffer.subarray(offset, offset + Number(length));
      offset += Number(length);
    } else if (headers.get('transfer-encoding')?.[0] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = this.buffer.indexOf('\r\n', offset);
        if (lineEnd < 0) return null;
        const size = Number.parseInt(this.buffer.toString('latin1', offset, lineEnd), 16);
        if (this.buffer.length < lineEnd + 2 + size + 2) return null;
        parts.push(this.buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
        offset = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      if (!this.ended) return null;
      body = this.buffer.subarray(offset);
      offset = this.buffer.length;
    }
    const raw = this.buffer.toString('latin1', 0, offset);
    this.buffer = this.buffer.subarray(offset);
    return { status, headers, body: body.toString('utf8'), raw };
  }
}
