import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What a fake upstream can be told to do wrong. Faults are consumed one per request from a queue
 * (`failNext`), or apply to every request (`failAlways`).
 */
export type Fault =
  /** Answer with this status and the upstream's usual error body. */
  | { type: 'status'; status: number; message?: string; headers?: Record<string, string> }
  /** 429 with a `retry-after` header (seconds or an HTTP date; default '1'). */
  | { type: 'rate_limit'; retryAfter?: string }
  /** Accept the request and never answer. */
  | { type: 'hang' }
  /** Wait before answering normally. */
  | { type: 'delay'; ms: number }
  /** Send the headers and part of the body, then reset the connection. */
  | { type: 'reset' }
  /** Stream this many events (default 2), then drop the connection. */
  | { type: 'cut_stream'; afterEvents?: number }
  /** 200 with a body that is not valid JSON. */
  | { type: 'malformed_json' }
  /** A stream whose second event's data is not valid JSON. */
  | { type: 'malformed_sse' }
  /** A stream that reports an error event (OpenAI: `error` object; Anthropic: overloaded_error) mid-way. */
  | { type: 'stream_error' };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface FakeUpstream {
  /** http://127.0.0.1:<port> */
  url: string;
  /** What to configure an adapter with (OpenAI: `${url}/v1`; Anthropic: url). */
  baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues faults: the next requests get them, one each, then normal answers resume. */
  failNext(...faults: Fault[]): void;
  /** A fault for every request (null: none), after the queued ones. */
  failAlways(fault: Fault | null): void;
  close(): Promise<void>;
}

/** A normal answer, before faults are applied to it. */
export type FakeResponse =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; events: string[] };

export interface FakeProtocol {
  /** Maps a request to its normal answer. */
  respond(request: RecordedRequest): FakeResponse;
  /** The upstream's error body for a status. */
  errorBody(status: number, message: string): unknown;
  /** An SSE frame reporting an error mid-stream. */
  streamErrorEvent(): string;
  basePath: string;
}

/** Serves a fake protocol on 127.0.0.1 with fault injection and request recording. */
export async function startFakeServer(protocol: FakeProtocol): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const queue: Fault[] = [];
  let always: Fault | null = null;
  const sockets = new Set<Socket>();

  const server = createServer(async (req, res) => {
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: parseBody(await readBody(req)),
    };
    requests.push(request);
    const fault = queue.shift() ?? always;
    await serve(protocol, request, fault, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    baseURL: `${url}${protocol.basePath}`,
    requests,
    failNext: (...faults) => queue.push(...faults),
    failAlways: (fault) => {
      always = fault;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serve(protocol: FakeProtocol, request: RecordedRequest, fault: Fault | null, res: ServerResponse) {
  switch (fault?.type) {
    case 'hang':
      return;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      break;
    case 'status':
      return sendJson(
        res,
        fault.status,
        protocol.errorBody(fault.status, fault.message ?? 'injected failure'),
        fault.headers,
      );
    case 'rate_limit':
      return sendJson(res, 429, protocol.errorBody(429, 'rate limit reached'), {
        'retry-after': fault.retryAfter ?? '1',
      });
  }
  const response = protocol.respond(request);
  if (response.kind === 'json') {
    if (fault?.type === 'malformed_json') return sendRaw(res, 200, '{"id": "broken", "choices": [');
    if (fault?.type === 'reset' || fault?.type === 'cut_stream')
      return resetMidBody(res, JSON.stringify(response.body));
    return sendJson(res, response.status, response.body, response.headers);
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const events = [...response.events];
  if (fault?.type === 'malformed_sse') events.splice(1, events.length - 1, 'data: {"choices": [oops\n\n');
  if (fault?.type === 'stream_error') events.splice(1, events.length - 1, protocol.streamErrorEvent());
  const cutAfter = fault?.type === 'cut_stream' ? (fault.afterEvents ?? 2) : fault?.type === 'reset' ? 1 : null;
  for (const [index, event] of events.entries()) {
    if (index === cutAfter) {
      await flush(res);
      res.socket?.destroy();
      return;
    }
    res.write(event);
  }
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  sendRaw(res, status, JSON.stringify(body), headers);
}

function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Promises the full body, sends half, then drops the connection. */
async function resetMidBody(res: ServerResponse, text: string) {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.write(text.slice(0, Math.floor(text.length / 2)));
  await flush(res);
  res.socket?.destroy();
}

/** Resolves once what was written so far has been handed to the OS, so the client can see it before the reset. */
function flush(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.write('', () => resolve()));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
