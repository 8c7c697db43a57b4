/**
 * How risky a JSON Schema `pattern` is to run. JavaScript's regular expressions backtrack, so a
 * pattern such as `^(a+)+$` or `(a|ab)*c` takes exponential time on a short string, and a match
 * cannot be interrupted. Both the synthetic-data engine (which refuses such patterns in a job's
 * schema) and the offline models (which try candidate strings against a pattern) decide with this.
 */

/** JSON Schema's type names. */
export type JsonTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** Whether `value` is of JSON Schema type `type` (an integer is a number too; objects are plain records). */
export function isJsonType(value: unknown, type: JsonTypeName): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

export type PatternRisk =
  | {
      ok: true;
      /**
       * A bound on the backtracking steps of one match against a subject of at most
       * `maxSubjectLength` characters: the product over the quantifiers of how many repetition counts
       * each may try, times the start positions of an unanchored pattern.
       */
      steps: number;
    }
  | { ok: false; reason: string };

interface Group {
  /** Something inside repeats a variable number of times. */
  varies: boolean;
  alternates: boolean;
  steps: number;
}

/**
 * Refuses (with the reason) a pattern that does not compile with the `u` flag, has back-references or
 * lookarounds, or repeats a group that itself repeats a variable number of times or has alternatives;
 * otherwise estimates its worst case for subjects up to `maxSubjectLength` characters.
 */
export function patternRisk(pattern: string, maxSubjectLength: number): PatternRisk {
  try {
    new RegExp(pattern, 'u');
  } catch {
    return { ok: false, reason: 'not a valid regular expression' };
  }
  const groups: Group[] = [{ varies: false, alternates: false, steps: 1 }];
  const top = () => groups[groups.length - 1] as Group;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(next)) return { ok: false, reason: 'back-references are not accepted' };
      // \u{…}, \p{…}, \P{…}: skip the braces too.
      if ('upP'.includes(next) && pattern[i + 2] === '{') i = pattern.indexOf('}', i + 2);
      else i += 1;
    } else if (char === '[') {
      // A character class: up to the first unescaped ].
      for (i += 1; i < pattern.length && pattern[i] !== ']'; i++) if (pattern[i] === '\\') i += 1;
    } else if (char === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i))) return { ok: false, reason: 'lookarounds are not accepted' };
      groups.push({ varies: false, alternates: false, steps: 1 });
      // (?:…) and (?<name>…): skip the prefix.
      if (pattern[i + 1] === '?') i = pattern[i + 2] === '<' ? pattern.indexOf('>', i) : i + 2;
      continue;
    } else if (char === '|') {
      top().alternates = true;
      continue;
    } else if (char === ')') {
      const group = groups.pop() as Group;
      const after = quantifier(pattern, i + 1, maxSubjectLength);
      if (after.choices > 1 && after.upper > 1) {
        if (group.varies) return { ok: false, reason: 'a repeated group repeats inside (nested repetition)' };
        if (group.alternates) return { ok: false, reason: 'a repeated group has alternatives' };
      }
      const parent = top();
      parent.varies ||= group.varies || after.choices > 1;
      parent.alternates ||= group.alternates;
      parent.steps *= group.steps * after.choices;
      i += after.length;
      continue;
    }
    const after = quantifier(pattern, i + 1, maxSubjectLength);
    if (after.choices > 1) top().varies = true;
    top().steps *= after.choices;
    i += after.length;
  }
  const anchored = pattern.startsWith('^');
  return { ok: true, steps: top().steps * (anchored ? 1 : maxSubjectLength) };
}

/** The quantifier at `i`: how many repetition counts it allows (capped by the subject), its upper bound and its length. */
function quantifier(pattern: string, i: number, cap: number): { choices: number; upper: number; length: number } {
  const char = pattern[i];
  let length = 0;
  let lower = 1;
  let upper = 1;
  if (char === '*' || char === '+' || char === '?') {
    length = 1;
    lower = char === '+' ? 1 : 0;
    upper = char === '?' ? 1 : Number.POSITIVE_INFINITY;
  } else if (char === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (match) {
      length = match[0].length;
      lower = Number(match[1]);
      upper = match[2] === undefined ? lower : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
    }
  }
  // A lazy suffix belongs to the quantifier.
  if (length > 0 && pattern[i + length] === '?') length += 1;
  const choices = Math.min(upper, cap) - Math.min(lower, cap) + 1;
  return { choices: Math.max(1, choices), upper, length };
}
