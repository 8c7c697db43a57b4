import { describe, expect, it } from 'vitest';
import { readSseEvents, type SseEvent, SseParser } from './sse.js';

function parseAll(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.feed(chunk));
  parser.end();
  return events;
}

const STREAM =
  ': keep-alive\r\nevent: delta\r\nid: 7\r\ndata: {"a":1}\r\n\r\ndata: line one\ndata: line two\n\nretry: 3000\rdata:no-space\r\r';
const EXPECTED: SseEvent[] = [
  { event: 'delta', data: '{"a":1}', id: '7' },
  { event: 'message', data: 'line one\nline two', id: '7' },
  { event: 'message', data: 'no-space', id: '7', retry: 3000 },
];

describe('SseParser', () => {
  it('parses events with CRLF, LF and CR line endings, comments, ids and multi-line data', () => {
    expect(parseAll([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the input is split, including between CR and LF', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(parseAll([STREAM.slice(0, cut), STREAM.slice(cut)])).toEqual(EXPECTED);
    }
    expect(parseAll([...STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however an LF-only stream is split, and the same as its CRLF form', () => {
    const lf =
      ': keep-alive\nevent: delta\nid: 7\ndata: {"a":1}\n\ndata: line one\ndata: line two\n\nretry: 3000\ndata:no-space\n\n';
    for (let cut = 1; cut < lf.length; cut++) expect(parseAll([lf.slice(0, cut), lf.slice(cut)])).toEqual(EXPECTED);
    expect(parseAll([...lf])).toEqual(EXPECTED);
    // A CR arriving in a later chunk than LF-only text still ends its line once.
    expect(parseAll([lf.slice(0, 20), lf.slice(20).replaceAll('\n', '\r\n')])).toEqual(EXPECTED);
  });

  it('does not dispatch events without data, and discards an event the stream ends in the middle of', () => {
    expect(parseAll(['event: ping\n\n', 'data:\n\n', 'data: complete\n\n', 'data: cut mid-'])).toEqual([
      { event: 'message', data: 'complete' },
    ]);
  });

  it('keeps a value verbatim after the single optional space, and a field without a colon as empty', () => {
    expect(parseAll(['data:  two spaces\ndata\n\n'])).toEqual([{ event: 'message', data: ' two spaces\n' }]);
  });

  it('strips a leading byte order mark', () => {
    expect(parseAll(['\uFEFFdata: x\n\n'])).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('readSseEvents', () => {
  it('decodes UTF-8 split across byte chunks', async () => {
    const bytes = new TextEncoder().encode('data: héllo wörld ✓\n\n');
    async function* oneByteAtATime() {
      for (const byte of bytes) yield Uint8Array.of(byte);
    }
    const events: SseEvent[] = [];
    for await (const event of readSseEvents(oneByteAtATime())) events.push(event);
    expect(events).toEqual([{ event: 'message', data: 'héllo wörld ✓' }]);
  });
});
