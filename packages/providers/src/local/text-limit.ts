import type { FinishReason } from '@synthwell/contracts';
import { countTokens, truncateToTokens } from '../tokenizer.js';

/** Below this length every piece is counted exactly; beyond it, counts are spaced out (see `limitText`). */
const COUNT_EVERY_PIECE_CHARS = 2_048;
/** Beyond it, the text is recounted once it has grown by this fraction since the last count. */
const RECOUNT_GROWTH = 1 / 8;

/**
 * Passes text pieces through until `maxTokens` or a stop sequence ends them. Ends with 'length' when
 * the text would pass `maxTokens` (the last piece is cut at the token boundary, so completion tokens
 * equal the limit), or 'stop' before a stop sequence or when the pieces run out. Text that might be
 * the start of a stop sequence is held back until it is clear it is not; a piece that is not yet
 * known to fit is held back until it is. An empty piece is passed on as is: writers yield one while
 * they work, so the caller can check its deadline and let other requests run.
 *
 * Counting the whole text after every piece would cost time quadratic in its length, so a long text
 * is recounted only when it has grown by an eighth; the pieces in between wait for that count.
 */
export function* limitText(
  pieces: Iterable<string>,
  maxTokens: number,
  stop: readonly string[],
): Generator<string, Extract<FinishReason, 'stop' | 'length'>> {
  const longestStop = Math.max(0, ...stop.map((sequence) => sequence.length));
  let text = '';
  /** Where each piece not yet passed on ends in `text`. */
  const pending: number[] = [];
  let emitted = 0;
  /** `text` up to here is known to fit in `maxTokens`. */
  let fits = 0;
  let countedLength = 0;

  function* release(upTo: number): Generator<string> {
    while (pending.length > 0 && pending[0]! <= upTo) {
      const end = pending.shift()!;
      if (end > emitted) yield text.slice(emitted, end);
      emitted = Math.max(emitted, end);
    }
    if (upTo > emitted) {
      yield text.slice(emitted, upTo);
      emitted = upTo;
    }
  }

  /** Whether `text` up to `end` fits, counting only when a count is due (or `force`). Null: not known yet. */
  const fitsUpTo = (end: number, force: boolean): boolean | null => {
    if (end <= fits) return true;
    // A token covers at least one UTF-8 byte, and a character at least one byte.
    if (end <= maxTokens && Buffer.byteLength(text.slice(0, end)) <= maxTokens) return true;
    const due = force || end < COUNT_EVERY_PIECE_CHARS || end - countedLength >= countedLength * RECOUNT_GROWTH;
    if (!due) return null;
    countedLength = end;
    return countTokens(text.slice(0, end)) <= maxTokens;
  };

  function* cut(): Generator<string, 'length'> {
    const kept = truncateToTokens(text, maxTokens);
    if (kept.startsWith(text.slice(0, emitted))) {
      text = kept;
      yield* release(kept.length);
    }
    return 'length';
  }

  for (const piece of pieces) {
    if (piece === '') {
      yield '';
      continue;
    }
    const from = Math.max(emitted, text.length - longestStop + 1);
    text += piece;
    const stopAt = firstStop(text, stop, from);
    if (stopAt >= 0) {
      text = text.slice(0, stopAt);
      while (pending.length > 0 && pending.at(-1)! >= text.length) pending.pop();
    }
    pending.push(text.length);
    const safe = stopAt >= 0 ? text.length : text.length - heldBack(text, stop);
    const known = fitsUpTo(safe, stopAt >= 0);
    if (known === false) return yield* cut();
    if (known) {
      fits = safe;
      yield* release(safe);
    }
    if (stopAt >= 0) return 'stop';
  }
  if (fitsUpTo(text.length, true) === false) return yield* cut();
  yield* release(text.length);
  return 'stop';
}

function firstStop(text: string, stop: readonly string[], from: number): number {
  let first = -1;
  for (const sequence of stop) {
    const at = text.indexOf(sequence, Math.max(0, from));
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** Length of the longest end of `text` that a stop sequence starts with. */
function heldBack(text: string, stop: readonly string[]): number {
  let held = 0;
  for (const sequence of stop) {
    for (let length = Math.min(sequence.length - 1, text.length); length > held; length--) {
      if (text.endsWith(sequence.slice(0, length))) {
        held = length;
        break;
      }
    }
  }
  return held;
}
