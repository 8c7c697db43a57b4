const numbers = new Intl.NumberFormat('en-US');

export function formatNumber(value: number): string {
  return numbers.format(value);
}

/** Prices are stored in the currency's minor unit. */
export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

/** A wait as people say it: "45 s", "3 min", "2 h 5 min". Rounds up so a wait is never understated. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** "resets in 3 h 12 min (00:00 UTC)" for a quota that resets at `resetsAt`. */
export function describeReset(resetsAt: string, now = Date.now()): string {
  const seconds = (new Date(resetsAt).getTime() - now) / 1000;
  const clock = new Date(resetsAt).toISOString().slice(11, 16);
  return `resets in ${formatDuration(seconds)} (${clock} UTC)`;
}

/** The share of a quota used, clamped to 0..1; an unlimited (0-limit) quota counts as fully used. */
export function usedShare(used: number, limit: number): number {
  if (limit <= 0) return used > 0 ? 1 : 0;
  return Math.min(1, Math.max(0, used / limit));
}
