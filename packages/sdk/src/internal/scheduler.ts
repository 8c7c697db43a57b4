import { APIUserAbortError } from '../errors.js';
import type { RetryClock } from './retry.js';

/** Time as retries see it: a clock, dice for jitter, and an abortable sleep. */
export interface Scheduler extends RetryClock {
  /** Resolves after `ms`; rejects with `APIUserAbortError` as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new APIUserAbortError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new APIUserAbortError());
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
