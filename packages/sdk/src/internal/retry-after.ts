/**
 * How long the server asked the client to wait, in milliseconds: `retry-after-ms` (Synthwell's and
 * OpenAI's precise header) wins over `retry-after` (seconds or an HTTP date). `undefined` when absent
 * or unreadable.
 */
export function parseRetryAfterMs(headers: Headers, now: number): number | undefined {
  const milliseconds = nonNegativeNumber(headers.get('retry-after-ms'));
  if (milliseconds !== undefined) return milliseconds;

  const retryAfter = headers.get('retry-after');
  if (retryAfter === null) return undefined;
  const seconds = nonNegativeNumber(retryAfter);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function nonNegativeNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}
