import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Hearing, SilenceError, untilSilent } from './silence-deadline.js';

/** A promise and the means to settle it from the test. */
function pending<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('untilSilent', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives up on a connection that sends nothing for the whole window', async () => {
    const hearing = new Hearing();
    const outcome = untilSilent(new Promise<never>(() => {}), 500, hearing).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(499);
    await vi.advanceTimersByTimeAsync(10);
    expect(await outcome).toBeInstanceOf(SilenceError);
  });

  it('keeps waiting, past the window, while other replies keep arriving on the connection', async () => {
    const hearing = new Hearing();
    const slow = pending<string>();
    let settled = false;
    const outcome = untilSilent(slow.promise, 500, hearing).finally(() => {
      settled = true;
    });
    // Redis is busy, not dead: a reply every 200 ms for 2 s, then this command's own.
    for (let elapsed = 0; elapsed < 2_000; elapsed += 200) {
      await vi.advanceTimersByTimeAsync(200);
      hearing.heard();
    }
    expect(settled).toBe(false);
    slow.resolve('answer');
    expect(await outcome).toBe('answer');
  });

  it('gives up once the replies stop, counting the window from the last one', async () => {
    const hearing = new Hearing();
    const outcome = untilSilent(new Promise<never>(() => {}), 500, hearing).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(400);
    hearing.heard();
    let given = false;
    void outcome.then(() => {
      given = true;
    });
    await vi.advanceTimersByTimeAsync(450);
    expect(given).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(SilenceError);
  });

  it('a reply counts as hearing from the connection, for the commands still waiting', async () => {
    const hearing = new Hearing();
    const first = pending<number>();
    const call = untilSilent(first.promise, 500, hearing);
    await vi.advanceTimersByTimeAsync(100);
    first.resolve(1);
    expect(await call).toBe(1);
    expect(hearing.lastHeardAt).toBe(performance.now());
  });

  it('passes the command’s own error through', async () => {
    const failure = new Error('connection closed');
    await expect(untilSilent(Promise.reject(failure), 500, new Hearing())).rejects.toBe(failure);
  });
});
