/**
 * The language-model interface the n-gram collapse lab trains through. The gateway wires in the
 * providers' n-gram model; tests use a tiny bigram model. Keeping it an interface means this package
 * never depends on a particular model implementation.
 */

/** A tokenised sentence. */
export type Sentence = readonly string[];

export interface LanguageModel {
  /** Cross-entropy in bits per token on held-out sentences (lower is a better fit). */
  crossEntropy(sentences: readonly Sentence[]): number;
  /** One sentence, drawn with `random` as the source of uniform numbers in [0, 1). */
  sample(random: () => number): string[];
}

export interface LanguageModelTrainer {
  train(sentences: readonly Sentence[]): LanguageModel;
}
