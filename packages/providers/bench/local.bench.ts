/**
 * Figures for the built-in offline models, measured on the machine that runs it and written to
 * bench/results.md: n-gram training, cache size and load time, held-out perplexity, sampling
 * speed, chat latency, and image generation time and size.
 *
 *   npm run bench   (from packages/providers)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalProvider } from '../src/local/adapter.js';
import { loadBrownSentences } from '../src/local/corpus.js';
import { renderCanvas } from '../src/local/image.js';
import { NgramModel, trainNgram } from '../src/local/ngram.js';
import { encodePng } from '../src/local/png.js';
import { seededRandom } from '../src/local/random.js';
import { warmTokenizer } from '../src/tokenizer.js';

const lines: string[] = [
  `# Offline model figures`,
  '',
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
];
const note = (line = '') => {
  lines.push(line);
  console.log(line);
};

function time<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

/** A Markdown table with padded columns, as the repository's formatter writes them. */
function table(header: string[], rows: string[][]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  note(line(header));
  note(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) note(line(row));
  note();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

note(`Tokenizer (o200k_base) loaded in ${time(warmTokenizer).ms.toFixed(0)} ms.`);
note();
const corpus = time(() => ({
  train: loadBrownSentences({ split: 'train' }),
  heldOut: loadBrownSentences({ split: 'heldout' }),
}));
const { train, heldOut } = corpus.result;
note(`Corpus: ${train.length} training and ${heldOut.length} held-out sentences, read in ${corpus.ms.toFixed(0)} ms.`);
note();
const modelRows: string[][] = [];
for (const order of [2, 3, 4]) {
  const trained = time(() => trainNgram(train, { order }));
  const bytes = trained.result.serialize();
  const loaded = time(() => NgramModel.deserialize(bytes));
  const perplexity = loaded.result.perplexity(heldOut);
  const rng = seededRandom(1);
  let words = 0;
  const sampling = time(() => {
    for (let i = 0; i < 300; i++) words += loaded.result.sample({ rng, maxTokens: 60 }).length;
  });
  modelRows.push([
    order === 2 ? 'bigram (baseline)' : `ngram-${order}`,
    trained.ms.toFixed(0),
    (bytes.byteLength / 1e6).toFixed(1),
    loaded.ms.toFixed(0),
    perplexity.toFixed(1),
    ((sampling.ms * 1000) / words).toFixed(0),
  ]);
}
table(
  ['model', 'train (ms)', 'cache file (MB)', 'load from cache (ms)', 'held-out perplexity', 'sampling (µs/word)'],
  modelRows,
);

const cacheDir = mkdtempSync(join(tmpdir(), 'synthwell-bench-'));
try {
  const cold = performance.now();
  await createLocalProvider({ cacheDir }).ready();
  const coldMs = performance.now() - cold;
  const warm = performance.now();
  const local = createLocalProvider({ cacheDir });
  await local.ready();
  note(
    `Local provider ready: ${coldMs.toFixed(0)} ms training both models, ${(performance.now() - warm).toFixed(0)} ms from the cache; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB.`,
  );
  const ctx = { signal: new AbortController().signal, requestId: 'bench' };
  for (const model of ['ngram-3', 'ngram-4']) {
    const latencies: number[] = [];
    let tokens = 0;
    for (let seed = 0; seed < 30; seed++) {
      const started = performance.now();
      const completion = await local.chat(
        { model, messages: [{ role: 'user', content: 'Tell me about the city council and the election.' }], seed },
        ctx,
      );
      latencies.push(performance.now() - started);
      tokens += completion.usage.completion_tokens;
    }
    note(
      `${model} chat: median ${median(latencies).toFixed(1)} ms per reply (${(tokens / 30).toFixed(0)} tokens on average).`,
    );
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
note();

const imageRows: string[][] = [];
for (const detail of ['standard', 'pro'] as const) {
  for (const size of [256, 512, 1024]) {
    const runs = Array.from({ length: 5 }, (_, seed) =>
      time(() => encodePng(renderCanvas({ prompt: 'a harbour town at sunset, hills behind', seed, size, detail }))),
    );
    imageRows.push([
      detail === 'pro' ? 'canvas-pro' : 'canvas',
      `${size}×${size}`,
      median(runs.map((run) => run.ms)).toFixed(0),
      (median(runs.map((run) => run.result.byteLength)) / 1024).toFixed(0),
    ]);
  }
}
table(['image model', 'size', 'render + encode, median of 5 (ms)', 'PNG (KB)'], imageRows);

writeFileSync(new URL('../../../bench/results.md', import.meta.url), `${lines.join('\n').trimEnd()}\n`);
