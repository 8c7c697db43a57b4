import type { Detector, Finding, Span } from '../types.js';
import { spansOf } from './text.js';

const EMAIL =
  /(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;

/**
 * Phone numbers: international (+ and 8-15 digits in groups), North American ((555) 123-4567,
 * 555-123-4567, 555.123.4567) and national trunk-prefixed (07700 900123, 030 1234 5678) forms.
 * Bare digit runs are left alone, so order numbers and years do not match.
 */
const PHONE = new RegExp(
  [
    '\\+\\d{1,3}(?:[\\s.-]?\\(?\\d{1,4}\\)?){2,5}',
    '(?:\\(\\d{3}\\)\\s?|\\d{3}[.-])\\d{3}[.-]\\d{4}',
    '\\d{3}\\s\\d{3}\\s\\d{4}',
    '0\\d{2,4}[\\s-]\\d{3,4}[\\s-]?\\d{3,4}',
  ]
    .map((form) => `(?<![\\w+.-])(?:${form})(?![\\w-]|\\.\\d)`)
    .join('|'),
  'g',
);

/** 13 to 19 digits, optionally in groups separated by single spaces or dashes. */
const CARD_CANDIDATE = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;

/** The Luhn checksum that every payment card number satisfies. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Which kinds of personal data a span is; the redaction marker names it. */
export type PersonalDataKind = 'email' | 'phone' | 'card';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  span: Span;
}

/** Every email, phone number and Luhn-valid card number in `text`. Cards win over phones on overlap. */
export function findPersonalData(text: string): PersonalDataMatch[] {
  if (!/\d|@/.test(text)) return [];
  const matches: PersonalDataMatch[] = spansOf(EMAIL, text).map((span) => ({ kind: 'email', span }));
  const cards = spansOf(CARD_CANDIDATE, text).filter(([start, end]) =>
    luhnValid(text.slice(start, end).replace(/\D/g, '')),
  );
  for (const span of cards) matches.push({ kind: 'card', span });
  for (const span of spansOf(PHONE, text)) {
    const digits = text.slice(span[0], span[1]).replace(/\D/g, '').length;
    const overlaps = matches.some(({ span: other }) => span[0] < other[1] && other[0] < span[1]);
    if (digits >= 8 && digits <= 15 && !overlaps) matches.push({ kind: 'phone', span });
  }
  return matches.sort((a, b) => a.span[0] - b.span[0]);
}

/** Personal data in outputs and synthetic seeds: emails, phone numbers, card numbers. */
export const personalDataDetector: Detector = {
  category: 'personal-data',
  surfaces: new Set(['seed', 'output']),
  detect(folded: string): Finding | null {
    const matches = findPersonalData(folded);
    if (matches.length === 0) return null;
    return { category: 'personal-data', score: 0.95, spans: matches.map(({ span }) => span) };
  },
};
