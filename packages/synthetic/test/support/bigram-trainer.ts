import type { LanguageModel, LanguageModelTrainer, Sentence } from '../../src/lab/language-model.js';

const START = '<s>';
const END = '</s>';
const MAX_SAMPLE_LENGTH = 60;
/** Weight of the bigram estimate against the add-one unigram estimate when scoring held-out text. */
const BIGRAM_WEIGHT = 0.7;

/**
 * A tiny bigram language model for tests. It samples from the maximum-likelihood bigram counts (so,
 * like a real n-gram model sampled at temperature 1, it can only emit bigrams it has seen) and scores
 * held-out text with a bigram/unigram interpolation, add-one smoothed with one unknown-word type.
 */
export const bigramTrainer: LanguageModelTrainer = {
  train(sentences: readonly Sentence[]): LanguageModel {
    const unigrams = new Map<string, number>();
    const successors = new Map<string, Map<string, number>>();
    let tokens = 0;
    for (const sentence of sentences) {
      let previous = START;
      for (const word of [...sentence, END]) {
        unigrams.set(word, (unigrams.get(word) ?? 0) + 1);
        tokens++;
        const next = successors.get(previous) ?? new Map<string, number>();
        successors.set(previous, next);
        next.set(word, (next.get(word) ?? 0) + 1);
        previous = word;
      }
    }
    const samplers = new Map<string, { words: string[]; cumulative: number[] }>();
    for (const [word, next] of successors) {
      const words = [...next.keys()];
      let total = 0;
      samplers.set(word, { words, cumulative: words.map((w) => (total += next.get(w)!)) });
    }
    const contextTotal = (word: string) => {
      const cumulative = samplers.get(word)?.cumulative;
      return cumulative ? cumulative[cumulative.length - 1]! : 0;
    };
    const vocabulary = unigrams.size + 1;

    return {
      crossEntropy(heldOut: readonly Sentence[]): number {
        let bits = 0;
        let count = 0;
        for (const sentence of heldOut) {
          let previous = START;
          for (const word of [...sentence, END]) {
            const unigram = ((unigrams.get(word) ?? 0) + 1) / (tokens + vocabulary);
            const next = successors.get(previous);
            const p = next
              ? BIGRAM_WEIGHT * ((next.get(word) ?? 0) / contextTotal(previous)) + (1 - BIGRAM_WEIGHT) * unigram
              : unigram;
            bits -= Math.log2(p);
            count++;
            previous = word;
          }
        }
        return count === 0 ? 0 : bits / count;
      },
      sample(random: () => number): string[] {
        const out: string[] = [];
        let previous = START;
        while (out.length < MAX_SAMPLE_LENGTH) {
          const sampler = samplers.get(previous);
          if (!sampler) break;
          const target = random() * sampler.cumulative[sampler.cumulative.length - 1]!;
          let lo = 0;
          let hi = sampler.cumulative.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (sampler.cumulative[mid]! <= target) lo = mid + 1;
            else hi = mid;
          }
          const word = sampler.words[lo]!;
          if (word === END) break;
          out.push(word);
          previous = word;
        }
        return out;
      },
    };
  },
};
