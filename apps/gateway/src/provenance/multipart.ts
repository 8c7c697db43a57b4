/**
 * The first file in a multipart/form-data body (or the part named `file`), enough for one upload
 * without a multipart dependency. Returns null when there is none or the body is malformed.
 */
export function firstFilePart(body: Buffer, contentType: string): Buffer | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) return null;
  const delimiter = Buffer.from(`--${value}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const headersStart = start + delimiter.length + 2;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) return null;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
    if (next < 0) return null;
    const headers = body.subarray(headersStart, headersEnd).toString('latin1');
    if (/filename=|name="file"/i.test(headers)) return body.subarray(headersEnd + 4, next);
    start = next + 2;
  }
  return null;
}
