import { STATUS_CODES } from 'node:http';

const statusLines = new Map<number, string>();

/** `HTTP/1.1 200 OK\r\n`, built once per status. */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    statusLines.set(status, line);
  }
  return line;
}

let date = '';
let dateExpires = 0;

/** The Date header's value, formatted once per second. */
export function httpDate(now = Date.now()): string {
  if (now >= dateExpires) {
    date = new Date(now).toUTCString();
    dateExpires = now - (now % 1000) + 1000;
  }
  return date;
}

/**
 * A response's head: status line, the given header lines (`name: value\r\n` each), then framing
 * (Content-Length, or chunked when `contentLength` is null), Date and the connection's fate.
 */
export function responseHead(
  status: number,
  fields: string,
  contentLength: number | null,
  close: boolean,
  keepAliveMs: number,
): string {
  const framing = contentLength === null ? 'transfer-encoding: chunked\r\n' : `content-length: ${contentLength}\r\n`;
  const connection = close
    ? 'connection: close\r\n'
    : `connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(keepAliveMs / 1000)}\r\n`;
  return `${statusLine(status)}${fields}${framing}date: ${httpDate()}\r\n${connection}\r\n`;
}
