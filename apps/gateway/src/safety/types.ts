import type { SafetyAction, SafetyCategory } from '@synthwell/contracts';

/** Where a text is on its way through the gateway; each category applies to some surfaces only. */
export type Surface = 'prompt' | 'image_prompt' | 'seed' | 'output';

/** A half-open character range [start, end) of the text a detector matched. */
export type Span = readonly [start: number, end: number];

/** One category a detector found in a text, with a score in [0, 1] and where it matched. */
export interface Finding {
  category: SafetyCategory;
  score: number;
  spans: Span[];
}

/** A category detector: pure, offline, and cheap enough to run on every request. */
export interface Detector {
  category: SafetyCategory;
  /** The surfaces this category is checked on. */
  surfaces: ReadonlySet<Surface>;
  /** `folded` is the text after `fold`: lower-case, accents removed, every character at its original offset. */
  detect(folded: string): Finding | null;
}

/** A finding with the action the caller's plan takes on it. */
export interface Decision {
  category: SafetyCategory;
  action: SafetyAction;
  score: number;
  spans: Span[];
}

/** The outcome of checking one text. */
export interface Verdict {
  /** The first blocking category, or null when nothing blocks. */
  blocked: SafetyCategory | null;
  decisions: Decision[];
  /** The text with every `redact` span replaced; the input itself when nothing was redacted. */
  text: string;
}

/** Scores at or above this count as a detection (and `flagged` in /v1/moderations). */
export const DETECTION_THRESHOLD = 0.5;
