import type { Span } from '../types.js';

/**
 * Lower-cases and folds accents and look-alike characters, keeping every character at its offset so
 * spans found in the folded text apply to the original. Width-changing folds are avoided on purpose.
 */
export function fold(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, for the fast path
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let out = '';
  for (const char of text) {
    if (char.charCodeAt(0) < 0x80) {
      out += char.toLowerCase();
      continue;
    }
    const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    const folded = (base.length === 1 ? base : char).toLowerCase();
    out += folded.length === char.length ? folded : char;
  }
  return out;
}

/** A case-insensitive alternation of whole words or phrases; spaces in a phrase match any run of separators. */
export function phrases(list: readonly string[]): string {
  return list
    .map((entry) => entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, "[\\s\\-_'’]*"))
    .sort((a, b) => b.length - a.length)
    .join('|');
}

/** Every match of a global regular expression, as spans. */
export function spansOf(pattern: RegExp, text: string): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    spans.push([match.index, match.index + match[0].length]);
    if (match[0].length === 0) pattern.lastIndex++;
  }
  return spans;
}

/** Word-bounded global regex over folded text. */
export function wordRegex(body: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${body})(?![\\p{L}\\p{N}])`, 'gu');
}
