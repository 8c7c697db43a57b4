import { describe, expect, it } from 'vitest';
import { ZipfCorpus } from '../../test/support/zipf-corpus.js';
import { Deduplicator } from './deduplicator.js';
import { NearDuplicateIndex } from './near-duplicate-index.js';

const BASE =
  'the committee met on tuesday to review the annual budget and agreed to fund two new libraries ' +
  'in the northern districts while postponing the decision on the stadium until the spring session';

describe('NearDuplicateIndex', () => {
  it('finds a copy with one word changed and returns the original id', () => {
    const index = new NearDuplicateIndex();
    expect(index.add('original', BASE)).toBeNull();
    expect(index.add('copy', BASE.replace('tuesday', 'wednesday'))).toBe('original');
    expect(index.size).toBe(1);
  });

  it('finds a copy with different case, punctuation and spacing', () => {
    const index = new NearDuplicateIndex();
    index.add('original', BASE);
    const restyled = `${BASE.toUpperCase().replace(/ and /g, ',   and ')}.`;
    expect(index.query(restyled)).toEqual({ id: 'original', similarity: 1 });
  });

  it('does not merge distinct texts', () => {
    const texts = new ZipfCorpus({ seed: 3, vocabularySize: 5000 }).texts(2000, 30);
    const index = new NearDuplicateIndex();
    const flagged = texts.filter((text, i) => index.add(String(i), text) !== null);
    expect(flagged).toEqual([]);
    expect(index.size).toBe(2000);
  });

  it('does not merge texts that share a topic but not their wording', () => {
    const index = new NearDuplicateIndex();
    index.add('a', 'Write a short poem about the sea at night, with rhymes.');
    expect(index.add('b', 'Write a short story about the sea at dawn, without dialogue.')).toBeNull();
  });

  it('query does not index the text', () => {
    const index = new NearDuplicateIndex();
    expect(index.query(BASE)).toBeNull();
    expect(index.size).toBe(0);
  });

  it('applies its threshold: a half-rewritten text (Jaccard 0.30) passes at 0.8 and is caught at 0.2', () => {
    const half = `${BASE.split(' ').slice(0, 16).join(' ')} and then everyone went home early to watch the football match`;
    const strict = new NearDuplicateIndex();
    strict.add('original', BASE);
    expect(strict.add('half', half)).toBeNull();
    const loose = new NearDuplicateIndex({ threshold: 0.2 });
    loose.add('original', BASE);
    expect(loose.add('half', half)).toBe('original');
  });

  it('never indexes a text without words, and refuses a reused id', () => {
    const index = new NearDuplicateIndex();
    expect(index.add('empty', '...')).toBeNull();
    expect(index.size).toBe(0);
    index.add('x', BASE);
    expect(() => index.add('x', 'something else entirely different here')).toThrow(/already indexed/);
  });

  it('grows past its initial capacity', () => {
    const texts = new ZipfCorpus({ seed: 4, vocabularySize: 3000 }).texts(1500, 20);
    const index = new NearDuplicateIndex();
    texts.forEach((text, i) => {
      index.add(String(i), text);
    });
    expect(index.query(texts[1499]!)?.id).toBe('1499');
    expect(index.query(texts[3]!)?.id).toBe('3');
  });
});

describe('Deduplicator', () => {
  it('reports exact duplicates after normalisation before near ones', () => {
    const dedup = new Deduplicator();
    dedup.add('seed-1', 'Hello   World, this is a seed example.');
    expect(dedup.check('hello world, THIS is a seed example.')).toEqual({ id: 'seed-1', kind: 'exact' });
  });

  it('consults read-only lookups such as earlier jobs', () => {
    const earlier = new NearDuplicateIndex();
    earlier.add('job_1:0', BASE);
    const dedup = new Deduplicator({}, [earlier]);
    expect(dedup.add('job_2:0', BASE.replace('two', 'three'))).toEqual({ id: 'job_1:0', kind: 'near' });
    expect(earlier.size).toBe(1);
  });
});
