import { describe, expect, it } from 'vitest';
import { brownFiles, loadBrownDocuments, loadBrownSentences } from './corpus.js';

describe('the Brown corpus', () => {
  it('holds out every 10th file: 450 to train on, 50 held out, no overlap', () => {
    const train = brownFiles({ split: 'train' });
    const heldOut = brownFiles({ split: 'heldout' });
    expect(train).toHaveLength(450);
    expect(heldOut).toHaveLength(50);
    expect(heldOut.slice(0, 4)).toEqual(['ca10', 'ca20', 'ca30', 'ca40']);
    expect(new Set([...train, ...heldOut]).size).toBe(500);
  });

  it('spreads a smaller selection evenly over the corpus, from the first genre to the last', () => {
    const files = brownFiles({ split: 'train', files: 30 });
    expect(files).toHaveLength(30);
    expect(files[0]).toBe('ca01');
    expect(files.at(-1)?.startsWith('cr')).toBe(true);
    expect(new Set(files.map((file) => file[1])).size).toBeGreaterThanOrEqual(13);
  });

  it('strips the part-of-speech tags and keeps the corpus’s own tokens, one sentence per line', () => {
    const [first] = loadBrownSentences({ split: 'train', files: 1 });
    expect(first).toEqual(
      "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced `` no evidence '' that any irregularities took place .".split(
        ' ',
      ),
    );
  });

  it('keeps each file’s sentences together when loaded by document', () => {
    const documents = loadBrownDocuments({ split: 'heldout', files: 3 });
    expect(documents).toHaveLength(3);
    expect(documents.flat()).toEqual(loadBrownSentences({ split: 'heldout', files: 3 }));
    // Brown files hold roughly 2,000 words each, so every document has a good number of sentences.
    for (const document of documents) expect(document.length).toBeGreaterThan(40);
  });
});
