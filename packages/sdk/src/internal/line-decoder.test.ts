import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APIConnectionError } from '../errors.js';
import { streamResponse } from '../testing/fake-fetch.js';
import { LineDecoder, readLines } from './line-decoder.js';

const encoder = new TextEncoder();

function decodeInChunks(bytes: Uint8Array, cuts: number[]): string[] {
  const decoder = new LineDecoder();
  const lines: string[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    lines.push(...decoder.decode(bytes.slice(start, cut)));
    start = cut;
  }
  return [...lines, ...decoder.flush()];
}

describe('LineDecoder', () => {
  it('treats LF, CRLF and a lone CR as line ends', () => {
    expect(decodeInChunks(encoder.encode('a\nb\r\nc\rd'), [])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps blank lines, which end SSE events', () => {
    expect(decodeInChunks(encoder.encode('data: x\n\ndata: y\r\n\r\n'), [])).toEqual(['data: x', '', 'data: y', '']);
  });

  it('reads a CRLF split across two chunks as one line end', () => {
    expect(decodeInChunks(encoder.encode('a\r\nb\r\n'), [2])).toEqual(['a', 'b']);
  });

  it('joins a multi-byte character split across chunks', () => {
    const bytes = encoder.encode('héllo – 世界 🙂\n');
    expect(decodeInChunks(bytes, [2, 10, 14, 17])).toEqual(['héllo – 世界 🙂']);
  });

  it('yields the same lines wherever the chunks are cut', () => {
    const text = fc.stringMatching(/^[a-zé世🙂:\r\n ]{0,60}$/u);
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (input, rawCuts) => {
        const bytes = encoder.encode(input);
        const cuts = [...new Set(rawCuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        expect(decodeInChunks(bytes, cuts)).toEqual(decodeInChunks(bytes, []));
      }),
    );
  });
});

describe('readLines', () => {
  it('reads the lines of a body that arrives in pieces', async () => {
    const { body } = streamResponse(['li', 'ne 1\r', '\nline 2\n', 'tail']);
    const lines: string[] = [];
    for await (const line of readLines(body!)) lines.push(line);
    expect(lines).toEqual(['line 1', 'line 2', 'tail']);
  });

  it('reports a body that fails mid-way as a connection error', async () => {
    const { body } = streamResponse(['line 1\n'], { cut: true });
    const lines: string[] = [];
    const reading = (async () => {
      for await (const line of readLines(body!)) lines.push(line);
    })();
    await expect(reading).rejects.toBeInstanceOf(APIConnectionError);
    expect(lines).toEqual(['line 1']);
  });
});
