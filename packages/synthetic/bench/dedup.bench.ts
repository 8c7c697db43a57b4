/**
 * De-duplication benchmark: 100,000 records of about 50 words, 10% of them near-duplicates (a few
 * words changed) of an earlier record. Prints time, peak memory and how many planted duplicates
 * were found. Run with `npm run bench` in packages/synthetic.
 */
import { ExactDeduplicator } from '../src/dedup/exact.js';
import { jaccard } from '../src/dedup/minhash.js';
import { NearDuplicateIndex } from '../src/dedup/near-duplicate-index.js';
import { SeededRandom } from '../src/random.js';
import { ngrams, tokenize } from '../src/text.js';
import { ZipfCorpus } from '../test/support/zipf-corpus.js';
import { measure } from './measure.js';

const RECORDS = 100_000;
const WORDS = 50;
const DUPLICATE_SHARE = 0.1;

const corpus = new ZipfCorpus({ seed: 7, vocabularySize: 30_000 });
const random = new SeededRandom(11);
const texts: string[] = [];
/** Copies are made of original records only, so every copy's source is in the index. */
const originals: number[] = [];
/** Planted near-duplicate → the record it was copied from. */
const planted = new Map<number, number>();
for (let i = 0; i < RECORDS; i++) {
  if (i > 0 && random.next() < DUPLICATE_SHARE) {
    const source = random.pick(originals);
    const words = texts[source]!.split(' ');
    const edits = 1 + random.int(2);
    for (let e = 0; e < edits; e++) words[random.int(words.length)] = corpus.vocabulary[corpus.drawRank()]!;
    texts.push(words.join(' '));
    planted.set(i, source);
  } else {
    originals.push(i);
    texts.push(corpus.sentence(WORDS).join(' '));
  }
}

const index = new NearDuplicateIndex();
console.log(
  `near-duplicate index: threshold ${index.threshold}, ${index.banding.bands} bands × ${index.banding.rows} rows`,
);
const exact = new ExactDeduplicator();
measure(`exact (SHA-256) over ${RECORDS} records`, () => {
  for (let i = 0; i < RECORDS; i++) exact.add(String(i), texts[i]!);
});
const flagged = measure(`MinHash+LSH over ${RECORDS} records of ${WORDS} words`, () => {
  const found = new Set<number>();
  for (let i = 0; i < RECORDS; i++) if (index.add(String(i), texts[i]!) !== null) found.add(i);
  return found;
});

/** Recall per band of true Jaccard similarity (3-word shingles) between a planted copy and its source. */
const shingles = (text: string) => new Set(ngrams(tokenize(text), index.shingleSize));
const bands = [
  { label: 'J ≥ 0.9', min: 0.9, max: 1.01 },
  { label: '0.8 ≤ J < 0.9', min: 0.8, max: 0.9 },
  { label: 'J < 0.8', min: 0, max: 0.8 },
].map((band) => ({ ...band, planted: 0, flagged: 0 }));
for (const [copy, source] of planted) {
  const similarity = jaccard(shingles(texts[copy]!), shingles(texts[source]!));
  const band = bands.find((b) => similarity >= b.min && similarity < b.max)!;
  band.planted++;
  if (flagged.has(copy)) band.flagged++;
}
for (const band of bands) {
  console.log(
    `planted copies with ${band.label}: ${band.planted}, flagged ${band.flagged} (${((100 * band.flagged) / Math.max(1, band.planted)).toFixed(1)}%)`,
  );
}
const unplantedFlags = [...flagged].filter((i) => !planted.has(i)).length;
console.log(`flagged records that were not planted copies: ${unplantedFlags}; indexed: ${index.size}`);
