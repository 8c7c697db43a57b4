import { SeededRandom } from '../../src/random.js';

/**
 * A stand-in for human text in tests and benches: sentences over a Zipf-distributed vocabulary of
 * pronounceable made-up words, with a first-order dependency between neighbouring words so that
 * bigram models have something to learn. Seeded, so every run sees the same corpus.
 */
export class ZipfCorpus {
  readonly vocabulary: string[];
  private readonly cumulative: Float64Array;
  private readonly random: SeededRandom;

  constructor(options: { seed: number; vocabularySize: number; exponent?: number }) {
    this.random = new SeededRandom(options.seed);
    const exponent = options.exponent ?? 1.1;
    const words = new Set<string>();
    while (words.size < options.vocabularySize) words.add(makeWord(this.random));
    this.vocabulary = [...words];
    this.cumulative = new Float64Array(options.vocabularySize);
    let total = 0;
    for (let rank = 0; rank < options.vocabularySize; rank++) {
      total += 1 / (rank + 1) ** exponent;
      this.cumulative[rank] = total;
    }
    for (let rank = 0; rank < options.vocabularySize; rank++) this.cumulative[rank]! /= total;
  }

  /** A word index drawn from the Zipf distribution. */
  drawRank(): number {
    const u = this.random.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A sentence of `length` words; each word after the first repeats its predecessor's neighbourhood half the time. */
  sentence(length: number): string[] {
    const out: string[] = [];
    let previous = this.drawRank();
    out.push(this.vocabulary[previous]!);
    for (let i = 1; i < length; i++) {
      const rank =
        this.random.next() < 0.5 ? (previous * 7 + 1 + this.random.int(3)) % this.vocabulary.length : this.drawRank();
      out.push(this.vocabulary[rank]!);
      previous = rank;
    }
    return out;
  }

  /** `count` texts of about `meanLength` words each. */
  texts(count: number, meanLength: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = Math.max(3, Math.round(meanLength * (0.5 + this.random.next())));
      out.push(this.sentence(length).join(' '));
    }
    return out;
  }
}

const CONSONANTS = 'bcdfghjklmnprstvwz';
const VOWELS = 'aeiou';

function makeWord(random: SeededRandom): string {
  const syllables = 1 + random.int(3);
  let word = '';
  for (let i = 0; i < syllables; i++) word += random.pick([...CONSONANTS]) + random.pick([...VOWELS]);
  return random.next() < 0.3 ? word + random.pick([...CONSONANTS]) : word;
}
