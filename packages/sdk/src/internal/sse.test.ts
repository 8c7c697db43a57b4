import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIError } from '../errors.js';
import { streamResponse } from '../testing/fake-fetch.js';
import { type JsonEvent, readEvents, readJsonEvents, type ServerSentEvent, SSEDecoder } from './sse.js';

async function events(chunks: string[]): Promise<ServerSentEvent[]> {
  const seen: ServerSentEvent[] = [];
  for await (const event of readEvents(streamResponse(chunks).body!)) seen.push(event);
  return seen;
}

async function jsonEvents(
  chunks: string[],
  options: { requireDone?: boolean; cut?: boolean; controller?: AbortController } = {},
): Promise<JsonEvent[]> {
  const { body, headers } = streamResponse(chunks, { cut: options.cut ?? false });
  const signal = (options.controller ?? new AbortController()).signal;
  const seen: JsonEvent[] = [];
  for await (const event of readJsonEvents(body!, { requireDone: options.requireDone ?? true, signal, headers })) {
    seen.push(event);
  }
  return seen;
}

describe('SSEDecoder', () => {
  it('joins multi-line data, reads event and id, and strips one leading space', () => {
    const decoder = new SSEDecoder();
    const lines = ['event: progress', 'id: 7', 'data:  first', 'data:second', ''];
    expect(lines.map((line) => decoder.decode(line)).at(-1)).toEqual({
      event: 'progress',
      id: '7',
      data: ' first\nsecond',
    });
  });

  it('skips comments and dispatches nothing for an event without data', () => {
    const decoder = new SSEDecoder();
    expect([': keep-alive', '', 'event: ping', ''].map((line) => decoder.decode(line))).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('readEvents', () => {
  it('reads events split anywhere, with CRLF line ends and keep-alive comments between them', async () => {
    const seen = await events([': keep-alive\r\n\r\nda', 'ta: {"a":1}\r', '\n\r\n: ping\n\ndata: {"a":2}\n', '\n']);
    expect(seen.map((event) => event.data)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('drops an event the body ended in the middle of', async () => {
    const seen = await events(['data: complete\n\n', 'data: partial\n']);
    expect(seen.map((event) => event.data)).toEqual(['complete']);
  });
});

describe('readJsonEvents', () => {
  it('parses JSON data and stops at [DONE]', async () => {
    const seen = await jsonEvents(['data: {"n":1}\n\n', 'event: progress\ndata: {"n":2}\n\n', 'data: [DONE]\n\n']);
    expect(seen).toEqual([
      { event: 'message', id: null, data: { n: 1 } },
      { event: 'progress', id: null, data: { n: 2 } },
    ]);
  });

  it('throws the APIError that an error event carries, with the request id', async () => {
    const error = { message: 'upstream failed', type: 'upstream_error', code: 'upstream_error', param: null };
    const reading = jsonEvents(['data: {"n":1}\n\n', `event: error\ndata: ${JSON.stringify({ error })}\n\n`]);
    await expect(reading).rejects.toSatisfy(
      (thrown) =>
        thrown instanceof APIError &&
        thrown.message === 'upstream failed' &&
        thrown.code === 'upstream_error' &&
        thrown.status === undefined &&
        thrown.requestId === 'req_stream',
    );
  });

  it('reports a body that ends before [DONE] as a connection error, never a quiet end', async () => {
    await expect(jsonEvents(['data: {"n":1}\n\n'])).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('reports a connection cut mid-event as a connection error', async () => {
    await expect(jsonEvents(['data: {"n":1}\n\ndata: {"n"'], { cut: true })).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('accepts a clean end without [DONE] where the stream does not promise one', async () => {
    const seen = await jsonEvents(['data: {"n":1}\n\n'], { requireDone: false });
    expect(seen.map((event) => event.data)).toEqual([{ n: 1 }]);
  });

  it('ends quietly when the reader aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const seen = await jsonEvents(['data: {"n":1}\n\n'], { controller, cut: true });
    expect(seen.map((event) => event.data)).toEqual([{ n: 1 }]);
  });
});
