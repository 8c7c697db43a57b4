/**
 * Counting n-grams into a compact trie, built level by level with counting sorts over token
 * positions: no hashing, no string keys, only typed arrays.
 *
 * Level k holds the (k+1)-grams. Level 0 is dense (node id = word id); in deeper levels a node's
 * children are one contiguous run of the next level, sorted by word id, so a child is found by
 * binary search and a context's continuations are a slice.
 */

/** Reserved token ids. */
export const BOS = 0;
export const EOS = 1;
export const UNK = 2;

export interface TrieLevel {
  /** The last word of each node's n-gram. */
  words: Int32Array;
  /**
   * Kneser–Ney counts: the raw count at the top level and for n-grams that start with <s> (nothing
   * can precede them), otherwise the continuation count, i.e. how many distinct words precede it.
   */
  counts: Int32Array;
  /** Children of node i are nodes childStart[i]..childStart[i+1]-1 of the next level; null at the top. */
  childStart: Int32Array | null;
}

/**
 * Builds the trie from `tokens`: sentences laid end to end, each as <s> w1 ... wn </s>. Returns
 * `order` levels, plus the raw unigram counts (used to tell common words from rare ones).
 */
export function buildTrie(
  tokens: Int32Array,
  vocabularySize: number,
  order: number,
): { levels: TrieLevel[]; unigramCounts: Int32Array } {
  const unigramCounts = new Int32Array(vocabularySize);
  for (const token of tokens) unigramCounts[token]! += 1;

  const levels: TrieLevel[] = [];
  // The current level's node for the n-gram starting at each position; -1 where it would cross a sentence end.
  let positionNode: Int32Array = Int32Array.from(tokens);
  let rawCounts: Int32Array = Int32Array.from(unigramCounts);
  let words: Int32Array = Int32Array.from({ length: vocabularySize }, (_, id) => id);
  let firstWords: Int32Array = Int32Array.from(words);

  for (let level = 0; level < order - 1; level++) {
    const next = extendLevel(tokens, positionNode, words.length, level, vocabularySize);
    // Each distinct (level+2)-gram x·g adds one to the continuation count of g, the n-gram starting one later.
    const continuation = new Int32Array(words.length);
    for (const position of next.firstPositions) continuation[positionNode[position + 1]!]! += 1;
    const counts = firstWords.map((first, node) => (first === BOS ? rawCounts[node]! : continuation[node]!));
    levels.push({ words, counts, childStart: next.childStart });

    positionNode = next.positionNode;
    rawCounts = next.rawCounts;
    words = next.words;
    firstWords = next.firstPositions.map((position) => tokens[position]!);
  }
  levels.push({ words, counts: rawCounts, childStart: null });
  // <s> is never predicted: it gets no unigram probability mass.
  levels[0]!.counts[BOS] = 0;
  return { levels, unigramCounts };
}

interface NextLevel {
  words: Int32Array;
  rawCounts: Int32Array;
  /** One occurrence of each node. */
  firstPositions: Int32Array;
  positionNode: Int32Array;
  /** Indexed by the parent level's nodes (length parentCount + 1). */
  childStart: Int32Array;
}

/**
 * Groups the positions whose n-gram (of level `level`) can be extended by one word, by
 * (parent node, next word), with two stable counting sorts: by word, then by parent.
 */
function extendLevel(
  tokens: Int32Array,
  positionNode: Int32Array,
  parentCount: number,
  level: number,
  vocabularySize: number,
): NextLevel {
  // An n-gram that ends in </s> cannot be extended.
  const positions: number[] = [];
  for (let p = 0; p + level + 1 < tokens.length; p++) {
    if (positionNode[p]! >= 0 && tokens[p + level] !== EOS) positions.push(p);
  }
  const nextWord = (p: number) => tokens[p + level + 1]!;
  const byWord = countingSort(Int32Array.from(positions), vocabularySize, nextWord);
  const sorted = countingSort(byWord, parentCount, (p) => positionNode[p]!);

  // Runs of equal (parent, word) are the new level's nodes, already in trie order.
  const childStart = new Int32Array(parentCount + 1);
  const nextPositionNode = new Int32Array(tokens.length).fill(-1);
  const words: number[] = [];
  const rawCounts: number[] = [];
  const firstPositions: number[] = [];
  let previousParent = -1;
  let previousWord = -1;
  for (const p of sorted) {
    const parent = positionNode[p]!;
    const word = nextWord(p);
    if (parent !== previousParent || word !== previousWord) {
      words.push(word);
      rawCounts.push(0);
      firstPositions.push(p);
      childStart[parent + 1]! += 1;
      previousParent = parent;
      previousWord = word;
    }
    rawCounts[rawCounts.length - 1]! += 1;
    nextPositionNode[p] = words.length - 1;
  }
  prefixSum(childStart);
  return {
    words: Int32Array.from(words),
    rawCounts: Int32Array.from(rawCounts),
    firstPositions: Int32Array.from(firstPositions),
    positionNode: nextPositionNode,
    childStart,
  };
}

/** A stable sort of `items` by an integer key in [0, keyCount). */
function countingSort(items: Int32Array, keyCount: number, key: (item: number) => number): Int32Array {
  const offsets = new Int32Array(keyCount + 1);
  for (const item of items) offsets[key(item) + 1]! += 1;
  prefixSum(offsets);
  const sorted = new Int32Array(items.length);
  for (const item of items) sorted[offsets[key(item)]!++] = item;
  return sorted;
}

function prefixSum(values: Int32Array): void {
  for (let i = 1; i < values.length; i++) values[i]! += values[i - 1]!;
}
