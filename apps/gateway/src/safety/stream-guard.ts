import type { SafetyCategory } from '@synthwell/contracts';
import { redact } from './engine.js';
import type { Decision, Verdict } from './types.js';

/**
 * Characters held back from the client at the end of a stream, so a phone number, card number or
 * phrase split across chunks is still seen whole before any of it is sent. Longer than any pattern
 * the detectors match except an unusually long email address.
 */
export const STREAM_HOLD_CHARS = 64;

/** What one step of a guarded stream releases. */
export interface GuardStep {
  /** Text safe to send now (already redacted); may be empty while the guard holds text back. */
  text: string;
  /** The category that blocks the stream, or null. */
  blocked: SafetyCategory | null;
  /** Decisions not reported by earlier steps (each category once per stream). */
  decisions: Decision[];
}

/**
 * Checks a streamed output as it arrives. Text is released only once at least STREAM_HOLD_CHARS
 * more characters follow it and no detection spans the release point, so redaction and blocking see
 * every match whole; what is released is never re-examined.
 */
export class StreamGuard {
  private pending = '';
  private readonly reported = new Set<SafetyCategory>();

  constructor(
    private readonly evaluate: (text: string) => Verdict,
    private readonly holdChars = STREAM_HOLD_CHARS,
  ) {}

  push(delta: string): GuardStep {
    this.pending += delta;
    return this.release(false);
  }

  /** Releases everything held, at the end of the stream. */
  finish(): GuardStep {
    return this.release(true);
  }

  private release(final: boolean): GuardStep {
    const verdict = this.evaluate(this.pending);
    const decisions = verdict.decisions.filter((decision) => !this.reported.has(decision.category));
    for (const decision of decisions) this.reported.add(decision.category);
    if (verdict.blocked) return { text: '', blocked: verdict.blocked, decisions };
    const cut = final ? this.pending.length : this.safeCut(verdict.decisions);
    if (cut <= 0) return { text: '', blocked: null, decisions };
    const released = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    const spans = verdict.decisions
      .filter((decision) => decision.action === 'redact')
      .flatMap((decision) => decision.spans)
      .filter(([, end]) => end <= cut);
    return { text: spans.length > 0 ? redact(released, spans) : released, blocked: null, decisions };
  }

  /** The release point: leave the hold window, and never cut through a detection. */
  private safeCut(decisions: readonly Decision[]): number {
    let cut = this.pending.length - this.holdChars;
    const spans = decisions.flatMap((decision) => decision.spans).sort((a, b) => b[0] - a[0]);
    for (const [start, end] of spans) if (start < cut && cut < end) cut = start;
    // Never split a surrogate pair.
    const code = this.pending.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    return cut;
  }
}
