import { describe, expect, it } from 'vitest';
import { readRequestHead } from './request-head.js';

const limits = { maxHeadBytes: 1024, maxBodyBytes: 100 };
const LINE = 'POST /v1/chat/completions HTTP/1.1\r\n';
const FIELDS =
  'Host: gateway\r\nAuthorization: Bearer sk-sw-x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n';
const read = (text: string) => readRequestHead(Buffer.from(text, 'latin1'), limits);

describe('readRequestHead', () => {
  it('reads the head of a plain chat request', () => {
    const head = `${LINE}${FIELDS}Origin: https://app.example\r\n\r\n`;
    expect(read(`${head}{}`)).toEqual({
      length: head.length,
      contentLength: 2,
      authorization: 'Bearer sk-sw-x',
      origin: 'https://app.example',
      close: false,
    });
    expect(read(`${LINE}${FIELDS}Connection: close\r\n\r\n`)).toMatchObject({ close: true });
    expect(read(`${LINE}${FIELDS.replace('application/json', 'application/json; charset=utf-8')}\r\n`)).toMatchObject({
      contentLength: 2,
    });
  });

  it('waits for the rest of a head that has not fully arrived', () => {
    expect(read('POST /v1/ch')).toBe('incomplete');
    expect(read(`${LINE}Host: gateway\r\n`)).toBe('incomplete');
  });

  it.each([
    ['another route', `POST /v1/models HTTP/1.1\r\n${FIELDS}\r\n`],
    ['another method', `GET /v1/chat/completions HTTP/1.1\r\n${FIELDS}\r\n`],
    ['a query string', `POST /v1/chat/completions?x=1 HTTP/1.1\r\n${FIELDS}\r\n`],
    ['HTTP/1.0', `POST /v1/chat/completions HTTP/1.0\r\n${FIELDS}\r\n`],
    ['a chunked body', `${LINE}${FIELDS}Transfer-Encoding: chunked\r\n\r\n`],
    ['two Content-Lengths', `${LINE}${FIELDS}Content-Length: 2\r\n\r\n`],
    ['a signed Content-Length', `${LINE}${FIELDS.replace('Length: 2', 'Length: +2')}\r\n`],
    ['no Content-Length', `${LINE}${FIELDS.replace('Content-Length: 2\r\n', '')}\r\n`],
    ['an empty body', `${LINE}${FIELDS.replace('Length: 2', 'Length: 0')}\r\n`],
    ['a body over the limit', `${LINE}${FIELDS.replace('Length: 2', 'Length: 101')}\r\n`],
    ['Expect', `${LINE}${FIELDS}Expect: 100-continue\r\n\r\n`],
    ['Upgrade', `${LINE}${FIELDS}Connection: upgrade\r\nUpgrade: h2c\r\n\r\n`],
    ['a folded header line', `${LINE}${FIELDS}X-Long: a\r\n b\r\n\r\n`],
    ['a header name with a space', `${LINE}${FIELDS}Bad Name: x\r\n\r\n`],
    ['a bare line feed', `${LINE}${FIELDS}X-A: b\nX-B: c\r\n\r\n`],
    ['a control character in a value', `${LINE}${FIELDS}X-A: b\u0000c\r\n\r\n`],
    ['two Authorization headers', `${LINE}${FIELDS}Authorization: Bearer other\r\n\r\n`],
    ['another content type', `${LINE}${FIELDS.replace('application/json', 'text/plain')}\r\n`],
    ['no Host', `${LINE}${FIELDS.replace('Host: gateway\r\n', '')}\r\n`],
    ['a head over the limit', `${LINE}${FIELDS}X-Pad: ${'a'.repeat(1024)}\r\n\r\n`],
    ['a head that never ends', `${LINE}X-Pad: ${'a'.repeat(1100)}`],
  ])('leaves %s to Node and Fastify', (_what, text) => {
    expect(read(text)).toBe('other');
  });
});
