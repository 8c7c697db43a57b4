import { describe, expect, it } from 'vitest';
import { foldText, ngrams, normalizeText, tokenize } from './text.js';

describe('normalizeText', () => {
  it('folds case, width forms and compatibility characters, and collapses whitespace', () => {
    expect(normalizeText('  Ｈｅｌｌｏ\t\tWORLD\n ')).toBe('hello world');
    expect(normalizeText('ﬁne Straße')).toBe('fine strasse');
  });

  it('composes combining accents so both spellings of a word are equal', () => {
    expect(normalizeText('Cafe\u0301')).toBe(normalizeText('CAFÉ'));
  });

  it('leaves plain ASCII text as lower case', () => {
    expect(foldText('Plain ASCII, Text')).toBe('plain ascii, text');
  });
});

describe('tokenize', () => {
  it('keeps words with inner apostrophes and hyphens and drops punctuation', () => {
    expect(tokenize("Don't stop -- it's a well-known fact, isn't it?")).toEqual([
      "don't",
      'stop',
      "it's",
      'a',
      'well-known',
      'fact',
      "isn't",
      'it',
    ]);
  });

  it('tokenises non-Latin scripts and typographic apostrophes', () => {
    expect(tokenize('Привет, мир! l’été 2024')).toEqual(['привет', 'мир', 'l’été', '2024']);
  });

  it('returns no tokens for text without words', () => {
    expect(tokenize(' ... !! ')).toEqual([]);
  });
});

describe('ngrams', () => {
  it('lists contiguous n-grams', () => {
    expect(ngrams(['a', 'b', 'c', 'd'], 2)).toEqual(['a b', 'b c', 'c d']);
    expect(ngrams(['a', 'b'], 3)).toEqual([]);
  });

  it('rejects a non-positive n', () => {
    expect(() => ngrams(['a'], 0)).toThrow(RangeError);
  });
});
