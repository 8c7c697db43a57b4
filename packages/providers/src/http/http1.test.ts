import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Http1Head, Http1ParseError, Http1Pool, ResponseParser, requestBytes } from './http1.js';

/** Feeds `bytes` to a parser in pieces of `step` bytes and records what it reports. */
function parse(bytes: string, step = bytes.length) {
  const seen: { head?: Http1Head; body: string; ended: boolean; error?: Error; rest: string } = {
    body: '',
    ended: false,
    rest: '',
  };
  const parser = new ResponseParser({
    head: (head) => {
      seen.head = head;
    },
    data: (chunk) => {
      seen.body += chunk.toString('latin1');
    },
    end: () => {
      seen.ended = true;
    },
    error: (error) => {
      seen.error = error;
    },
  });
  const buffer = Buffer.from(bytes, 'latin1');
  for (let i = 0; i < buffer.length; i += step) {
    const rest = parser.feed(buffer.subarray(i, i + step));
    if (rest) seen.rest += rest.toString('latin1');
  }
  return { seen, parser };
}

describe('ResponseParser', () => {
  const chunked =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n';

  it('reads a Content-Length body, whole or a byte at a time', () => {
    const response = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';
    for (const step of [response.length, 7, 1]) {
      const { seen, parser } = parse(response, step);
      expect(seen.head).toEqual({
        status: 200,
        headers: { 'content-type': 'application/json', 'content-length': '11' },
      });
      expect(seen.body).toBe('{"ok":true}');
      expect(seen.ended).toBe(true);
      expect(parser.reusable).toBe(true);
    }
  });

  it('decodes chunked bodies, skipping extensions and trailers, in any split', () => {
    for (const step of [chunked.length, 5, 1]) {
      const { seen, parser } = parse(chunked, step);
      expect(seen.body).toBe('hello world');
      expect(seen.ended).toBe(true);
      expect(parser.reusable).toBe(true);
    }
  });

  it('reads a body without framing until the connection closes, and never reuses that connection', () => {
    const { seen, parser } = parse('HTTP/1.1 200 OK\r\n\r\npartial');
    expect(seen.ended).toBe(false);
    parser.closed();
    expect(seen.body).toBe('partial');
    expect(seen.ended).toBe(true);
    expect(parser.reusable).toBe(false);
  });

  it('reports a connection closed mid-body as an error, not an end', () => {
    const { seen, parser } = parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    parser.closed();
    expect(seen.ended).toBe(false);
    expect(seen.error).toBeInstanceOf(Http1ParseError);
  });

  it('skips interim 1xx responses and gives 204 no body', () => {
    const { seen } = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
    expect(seen.head?.status).toBe(204);
    expect(seen.ended).toBe(true);
  });

  it('does not reuse a connection the server closes, or an HTTP/1.0 one without keep-alive', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').parser.reusable).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').parser.reusable).toBe(false);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').parser.reusable).toBe(true);
  });

  it('returns bytes past the end of the response', () => {
    const { seen } = parse('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
    expect(seen.body).toBe('ok');
    expect(seen.rest).toBe('EXTRA');
  });

  it.each([
    ['a status line that is not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'],
    ['an unknown transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nnonsense\r\n\r\n'],
  ])('rejects %s', (_what, response) => {
    expect(() => parse(response)).toThrow(Http1ParseError);
  });

  it('rejects a head that never ends', () => {
    expect(() => parse(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70_000)}`)).toThrow(/too large/);
  });
});

describe('requestBytes', () => {
  it('writes the request line, Host, the headers, the framing and the body', () => {
    const headers = { 'content-type': 'application/json' };
    expect(requestBytes('POST', '/v1/chat/completions', 'up:8000', headers, '{"a":"é"}')).toBe(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: up:8000\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n{"a":"é"}',
    );
  });

  it('refuses a header that would split the request', () => {
    expect(() => requestBytes('GET', '/', 'h', { 'x-a': 'b\r\nx-injected: 1' }, undefined)).toThrow(TypeError);
  });
});

describe('Http1Pool', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('closes an idle socket the server writes to', async () => {
    // The server answers only when the client writes, so the stray bytes come after the release.
    server = createServer((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const pool = new Http1Pool('127.0.0.1', port);
    const owner = { received: () => undefined, broken: () => undefined, closed: () => undefined };
    const { socket } = pool.acquire(owner);
    await new Promise((resolve) => socket.once('connect', resolve));
    pool.release(socket, true);
    socket.write('x');
    await new Promise((resolve) => socket.once('close', resolve));
    const next = pool.acquire(owner);
    expect(next.fresh).toBe(true);
    next.socket.destroy();
  });

  it('hands back the most recent idle socket, and a new one when the idle one died', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const pool = new Http1Pool('127.0.0.1', port);
    const owner = { received: () => undefined, broken: () => undefined, closed: () => undefined };
    const first = pool.acquire(owner);
    expect(first.fresh).toBe(true);
    await new Promise((resolve) => first.socket.once('connect', resolve));
    pool.release(first.socket, true);
    const again = pool.acquire(owner);
    expect(again.fresh).toBe(false);
    expect(again.socket).toBe(first.socket);
    pool.release(again.socket, true);
    again.socket.destroy();
    const next = pool.acquire(owner);
    expect(next.fresh).toBe(true);
    pool.release(next.socket, false);
    expect(next.socket.destroyed).toBe(true);
    pool.clear();
  });
});
