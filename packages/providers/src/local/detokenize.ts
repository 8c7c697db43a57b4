/**
 * Joins Brown-style tokens back into text, one token at a time so it can stream: no space before
 * closing punctuation or after opening brackets, `` and '' become double quotes, and each sentence
 * starts with a capital letter. Appending a token never changes text already produced.
 */
export class Detokenizer {
  private previous: string | null = null;
  private capitalizeNext = false;

  /** Marks the start of a new sentence: its first word is capitalised. */
  startSentence(): void {
    this.capitalizeNext = true;
  }

  /** The text to append for `token`, including the space before it if one belongs there. */
  push(token: string): string {
    let surface = SURFACE[token] ?? token;
    // The sentence's first letter is capitalised, whichever token it is in (after an opening quote, say).
    const firstLetter = this.capitalizeNext ? surface.search(/[A-Za-z]/) : -1;
    if (firstLetter >= 0) {
      surface =
        surface.slice(0, firstLetter) + surface.charAt(firstLetter).toUpperCase() + surface.slice(firstLetter + 1);
      this.capitalizeNext = false;
    }
    const space = this.previous !== null && !OPENING.has(this.previous) && !attachesLeft(token);
    this.previous = token;
    return space ? ` ${surface}` : surface;
  }
}

const SURFACE: Readonly<Record<string, string>> = { '``': '"', "''": '"', '`': "'" };

/** Tokens the next token attaches to without a space. */
const OPENING: ReadonlySet<string> = new Set(['``', '`', '(', '[', '{', '$']);

/** Tokens that attach to the previous token without a space. */
function attachesLeft(token: string): boolean {
  return token === "''" || token === "'" || /^[.,;:!?%)\]}]/.test(token) || /^(n't|'(s|d|ll|re|ve|m))$/i.test(token);
}
