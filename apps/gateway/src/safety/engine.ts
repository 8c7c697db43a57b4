import type { SafetyCategory, SafetyPolicy } from '@synthwell/contracts';
import { BUILT_IN_DETECTORS } from './detectors/index.js';
import { fold } from './detectors/text.js';
import {
  DETECTION_THRESHOLD,
  type Decision,
  type Detector,
  type Finding,
  type Span,
  type Surface,
  type Verdict,
} from './types.js';

/** What replaces redacted text. */
export const REDACTION = '[REDACTED]';

/**
 * The content policy engine: runs the detectors that apply to a surface and maps what they find to
 * the plan's actions. Pure and synchronous, so it runs inline on the hot path and in tests.
 */
export class SafetyEngine {
  constructor(private readonly detectors: readonly Detector[] = BUILT_IN_DETECTORS) {}

  /** Every finding in `text`, scored, below the threshold included; all detectors when no surface is given. */
  detect(text: string, surface?: Surface): Finding[] {
    const findings: Finding[] = [];
    const folded = fold(text);
    for (const detector of this.detectors) {
      if (surface && !detector.surfaces.has(surface)) continue;
      const finding = detector.detect(folded);
      if (finding) findings.push(finding);
    }
    return findings;
  }

  /**
   * Checks one text on a surface against a policy: what blocks, what is flagged, and the redacted text.
   * `extra` are findings from elsewhere (an upstream moderation API) about the same text; they join the
   * built-in ones (the higher score wins) for the categories this surface checks.
   */
  evaluate(text: string, surface: Surface, policy: SafetyPolicy, extra: readonly Finding[] = []): Verdict {
    const decisions: Decision[] = [];
    for (const finding of this.merge(this.detect(text, surface), extra, surface)) {
      if (finding.score < DETECTION_THRESHOLD) continue;
      let action = policy[finding.category] ?? 'block';
      // Only the built-in detectors say where a category matched; with nowhere to redact, flag instead.
      if (action === 'redact' && finding.spans.length === 0) action = 'flag';
      if (action !== 'allow') decisions.push({ ...finding, action });
    }
    const blocked = decisions.find((decision) => decision.action === 'block')?.category ?? null;
    const redactions = decisions.filter((decision) => decision.action === 'redact').flatMap((d) => d.spans);
    return { blocked, decisions, text: redactions.length > 0 ? redact(text, redactions) : text };
  }

  private merge(findings: Finding[], extra: readonly Finding[], surface: Surface): Finding[] {
    for (const other of extra) {
      if (!this.detectors.some((detector) => detector.category === other.category && detector.surfaces.has(surface)))
        continue;
      const same = findings.find((finding) => finding.category === other.category);
      if (!same) findings.push({ ...other, spans: [...other.spans] });
      else {
        same.score = Math.max(same.score, other.score);
        same.spans.push(...other.spans);
      }
    }
    return findings;
  }
}

/** Replaces each span (overlapping spans merged) with the redaction marker. */
export function redact(text: string, spans: readonly Span[]): string {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let out = '';
  let cursor = 0;
  for (const [start, end] of sorted) {
    if (end <= cursor) continue;
    if (start >= cursor) {
      out += text.slice(cursor, start) + REDACTION;
    }
    cursor = end;
  }
  return out + text.slice(cursor);
}

/** Category names as a sentence fragment for error messages. */
export function describeCategory(category: SafetyCategory): string {
  return CATEGORY_DESCRIPTIONS[category];
}

const CATEGORY_DESCRIPTIONS: Record<SafetyCategory, string> = {
  'sexual/minors': 'sexual content involving minors',
  'violence/graphic': 'graphic violence',
  'self-harm': 'self-harm',
  hate: 'hate speech',
  'real-person': 'a real, named person',
  'intellectual-property': "protected characters or a living artist's style",
  'personal-data': 'personal data',
};
