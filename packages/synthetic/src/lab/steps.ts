/**
 * A computation in steps: a generator that yields between steps and returns its result. The same
 * experiment can then run straight through (a test, the CLI) or hand control back between steps (a
 * server that must keep answering other requests while it runs).
 */
export type Steps<T> = Generator<void, T, undefined>;

/** Runs every step at once and returns the result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, awaiting `pause` after each one. */
export async function runStepsPausing<T>(steps: Steps<T>, pause: () => Promise<void>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}
