/**
 * The one request shape the front door answers itself: `POST /v1/chat/completions` over HTTP/1.1 with
 * a JSON body framed by a single Content-Length. Anything else — another route or method, chunked or
 * empty bodies, `Expect`, `Upgrade`, folded or malformed header lines, repeated framing headers, an
 * oversized head or body — is `other`, and the connection goes to Node's HTTP parser and Fastify from
 * that request's first byte on, so every unusual case gets the hardened handling and the errors it
 * always had. Being strict here is what keeps the two parsers from ever disagreeing on where a
 * request ends.
 */
export interface RequestHead {
  /** Bytes of the head, the blank line included. */
  length: number;
  contentLength: number;
  authorization: string | undefined;
  origin: string | undefined;
  /** The client asked to close the connection after this request. */
  close: boolean;
}

export type HeadVerdict = RequestHead | 'incomplete' | 'other';

const REQUEST_LINE = Buffer.from('POST /v1/chat/completions HTTP/1.1\r\n', 'latin1');
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');
const DIGITS = /^\d{1,15}$/;
const JSON_TYPE = /^application\/json\s*(;|$)/i;

export interface HeadLimits {
  maxHeadBytes: number;
  maxBodyBytes: number;
}

/** Reads the request head that starts at `buffer[0]`. */
export function readRequestHead(buffer: Buffer, limits: HeadLimits): HeadVerdict {
  const lineBytes = Math.min(buffer.length, REQUEST_LINE.length);
  if (buffer.compare(REQUEST_LINE, 0, lineBytes, 0, lineBytes) !== 0) return 'other';
  const end = buffer.indexOf(END_OF_HEAD, 0);
  if (end < 0) return buffer.length > limits.maxHeadBytes ? 'other' : 'incomplete';
  if (end + END_OF_HEAD.length > limits.maxHeadBytes) return 'other';

  let contentLength = -1;
  let authorization: string | undefined;
  let origin: string | undefined;
  let contentType: string | undefined;
  let host = false;
  let close = false;
  // One latin1 string for the header lines, scanned by index: no split, no regular expression per line.
  const text = buffer.toString('latin1', REQUEST_LINE.length, end + 2);
  for (let start = 0; start < text.length; ) {
    const lineEnd = text.indexOf('\r\n', start);
    const colon = text.indexOf(':', start);
    if (colon <= start || colon > lineEnd || !isToken(text, start, colon)) return 'other';
    let from = colon + 1;
    let to = lineEnd;
    while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
    while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
    if (hasControl(text, from, to)) return 'other';
    const nameLength = colon - start;
    // Only names of the lengths below matter; the rest need no lower-casing.
    if (nameLength === 4 || nameLength === 6 || nameLength === 7 || nameLength === 10 || nameLength >= 12) {
      const value = text.slice(from, to);
      switch (text.slice(start, colon).toLowerCase()) {
        case 'content-length':
          if (contentLength >= 0 || !DIGITS.test(value)) return 'other';
          contentLength = Number(value);
          break;
        case 'authorization':
          if (authorization !== undefined) return 'other';
          authorization = value;
          break;
        case 'content-type':
          if (contentType !== undefined) return 'other';
          contentType = value;
          break;
        case 'host':
          if (host) return 'other';
          host = true;
          break;
        case 'origin':
          if (origin !== undefined) return 'other';
          origin = value;
          break;
        case 'connection': {
          const options = value.toLowerCase();
          if (options.includes('upgrade')) return 'other';
          if (options.includes('close')) close = true;
          break;
        }
        case 'transfer-encoding':
        case 'expect':
        case 'upgrade':
          return 'other';
      }
    }
    start = lineEnd + 2;
  }
  if (!host || contentType === undefined || !JSON_TYPE.test(contentType)) return 'other';
  if (contentLength <= 0 || contentLength > limits.maxBodyBytes) return 'other';
  return { length: end + END_OF_HEAD.length, contentLength, authorization, origin, close };
}

/** Whether `text[from, to)` is a field name: RFC 9110 token characters only. */
function isToken(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e || TOKEN_CHARACTERS[code] !== 1) return false;
  }
  return true;
}

/** 1 at the character codes RFC 9110 allows in a token. */
const TOKEN_CHARACTERS = new Uint8Array(128);
for (const character of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN_CHARACTERS[character.charCodeAt(0)] = 1;

/** Whether `text[from, to)` has a control character other than horizontal tab, which no field value may carry. */
function hasControl(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
