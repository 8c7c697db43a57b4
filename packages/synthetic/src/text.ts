/**
 * Text normalisation and word tokenisation shared by de-duplication and the metrics, so that
 * "Café", "CAFÉ" and "cafe\u0301" count as one word everywhere.
 */

const NON_ASCII = /[\u0080-\uffff]/;
const WHITESPACE = /\s+/g;
/** Letters, digits and marks, with inner apostrophes and hyphens kept ("don't", "well-known"). */
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*/gu;
/** The same pattern for case-folded ASCII text, which is most text and matches twice as fast. */
const ASCII_WORD = /[a-z0-9]+(?:['-][a-z0-9]+)*/g;

/**
 * NFKC and case folding. JavaScript has no full Unicode case fold; lower-casing the upper-cased text
 * approximates it (ß → ss, final ς → σ). ASCII text skips the Unicode steps, which cannot change it.
 */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** NFKC, case folding and collapsed whitespace: the form that exact de-duplication hashes. */
export function normalizeText(text: string): string {
  return foldText(text).replace(WHITESPACE, ' ').trim();
}

/** Word tokens of the normalised text; punctuation is dropped. */
export function tokenize(text: string): string[] {
  const folded = foldText(text);
  return folded.match(NON_ASCII.test(folded) ? WORD : ASCII_WORD) ?? [];
}

/** Contiguous n-grams of a token sequence, each joined with a single space. */
export function ngrams(tokens: readonly string[], n: number): string[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/** True when two texts have the same words in the same order, ignoring case, spacing and punctuation. */
export function sameWords(a: string, b: string): boolean {
  return tokenize(a).join(' ') === tokenize(b).join(' ');
}
