/**
 * Waiting on Redis without mistaking a busy Redis for a dead one.
 *
 * A fixed per-command deadline treats slowness as an outage: under a burst on a saturated machine,
 * commands that Redis answers in order, only late, time out, the limiter falls back to per-replica
 * limits and a shared quota admits several times its size. What tells a dead Redis from a busy one is
 * silence: replies on a connection arrive in order, so while any reply arrives, the rest are coming.
 * A command is given up only after `silenceMs` with no reply at all on its connection. A hard cap still
 * comes from the client's own command timeout.
 */

export class SilenceError extends Error {
  constructor(ms: number) {
    super(`Redis sent nothing for ${ms} ms`);
    this.name = 'SilenceError';
  }
}

/** When the connection last delivered a reply, in `performance.now()` milliseconds. */
export class Hearing {
  lastHeardAt = Number.NEGATIVE_INFINITY;

  heard(): void {
    this.lastHeardAt = performance.now();
  }
}

/**
 * Settles as `work` does, or rejects with `SilenceError` once `silenceMs` pass with nothing heard on the
 * connection. When a timer fires it waits one more turn of the event loop first, so a reply that already
 * sits in the socket behind a loop that was blocked longer than `silenceMs` is still read and counted.
 */
export function untilSilent<T>(work: Promise<T>, silenceMs: number, hearing: Hearing): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout;
    const check = () =>
      setImmediate(() => {
        if (settled) return;
        const quiet = performance.now() - Math.max(hearing.lastHeardAt, started);
        if (quiet < silenceMs) {
          timer = setTimeout(check, silenceMs - quiet);
          return;
        }
        settled = true;
        reject(new SilenceError(silenceMs));
      });
    const started = performance.now();
    timer = setTimeout(check, silenceMs);
    work.then(
      (value) => {
        hearing.heard();
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
