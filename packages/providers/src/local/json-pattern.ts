/**
 * `pattern` support for the local JSON writer. A regular expression cannot in general be generated
 * from, so the writer writes candidate strings and keeps one that matches. The pattern comes from the
 * request, and JavaScript's regular expressions backtrack: a pattern such as `^(\w+\s?)+$` takes
 * exponential time on a sentence that ends with a full stop, and a match cannot be interrupted. So a
 * pattern is only tried when its worst case is small (see `patternMatcher`), on short candidates.
 */
import { patternRisk } from '@synthwell/contracts';

/** Longest candidate tried against a pattern, in characters. */
export const MAX_MATCHED_LENGTH = 128;
/** Longest pattern tried. */
const MAX_PATTERN_LENGTH = 256;
/**
 * Bound on the backtracking steps of one match, estimated as the product over the pattern's
 * quantifiers of how many repetition counts each may try (MAX_MATCHED_LENGTH for an unbounded one),
 * times the start positions of an unanchored pattern.
 */
const MAX_ESTIMATED_STEPS = 20_000;

/**
 * A matcher for `pattern` (compiled with the `u` flag, as the JSON Schema validators do), or null
 * when it is not tried: it does not compile, has back-references or lookarounds, repeats a group
 * that itself repeats a variable number of times or has alternatives, or its estimated worst case
 * passes MAX_ESTIMATED_STEPS. Candidates longer than MAX_MATCHED_LENGTH never match.
 */
export function patternMatcher(pattern: string): ((candidate: string) => boolean) | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return null;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch {
    return null;
  }
  const risk = patternRisk(pattern, MAX_MATCHED_LENGTH);
  if (!risk.ok || risk.steps > MAX_ESTIMATED_STEPS) return null;
  return (candidate) => candidate.length <= MAX_MATCHED_LENGTH && regex.test(candidate);
}

/**
 * Strings to try against a pattern, drawn from one generated text: the text, the text without its
 * closing punctuation, then its words and adjacent word pairs, each as written, in lower case, upper
 * case and capitalised. Duplicates are dropped.
 */
export function patternCandidates(text: string): string[] {
  const candidates = new Set<string>([text, text.replace(/[\s.!?,;:]+$/u, '')]);
  const words = text.match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu) ?? [];
  const phrases = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)];
  for (const phrase of phrases) {
    const lower = phrase.toLowerCase();
    for (const variant of [phrase, lower, phrase.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)]) {
      candidates.add(variant);
    }
  }
  return [...candidates];
}
