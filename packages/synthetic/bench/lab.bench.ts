/**
 * The collapse lab's three experiments with the parameters the tests use, printed as tables next to
 * their theory, with the time each takes. The n-gram lab runs on the in-package bigram trainer and a
 * Zipf stand-in corpus; the gateway runs it on the providers' n-gram model and the Brown corpus.
 * Run with `npm run bench` in packages/synthetic.
 */
import { runGaussianLab } from '../src/lab/gaussian.js';
import { runNgramLab } from '../src/lab/ngram.js';
import { runRegressionLab } from '../src/lab/regression.js';
import { bigramTrainer } from '../test/support/bigram-trainer.js';
import { ZipfCorpus } from '../test/support/zipf-corpus.js';
import { measure } from './measure.js';

const fixed = (value: number, digits = 3) => value.toFixed(digits);

const gaussian = measure('Gaussian lab (M = 50, T = 30, R = 4000)', () =>
  runGaussianLab({ samplesPerGeneration: 50, generations: 30, runs: 4000, seed: 1 }),
);
console.log('generation | mean fitted variance | theory ((M−1)/M)^t | median fitted std');
for (const p of gaussian.points.filter((p) => p.generation % 5 === 0)) {
  console.log(`${p.generation} | ${fixed(p.meanVariance)} | ${fixed(p.theoryVariance)} | ${fixed(p.medianStd)}`);
}

const regression = measure('regression lab (n = 30, d = 5, σ = 1, T = 10, R = 1000)', () =>
  runRegressionLab({ samples: 30, dimensions: 5, noiseStd: 1, generations: 10, runs: 1000, seed: 2 }),
);
console.log('generation | replace | theory | accumulate | theory');
for (const p of regression) {
  console.log(
    `${p.generation} | ${fixed(p.replace)} | ${fixed(p.theoryReplace)} | ${fixed(p.accumulate)} | ${fixed(p.theoryAccumulate)}`,
  );
}

const corpus = new ZipfCorpus({ seed: 5, vocabularySize: 2000 });
const real = Array.from({ length: 1500 }, () => corpus.sentence(6 + (corpus.drawRank() % 8)));
const heldOut = Array.from({ length: 500 }, () => corpus.sentence(10));
const ngram = measure('n-gram lab (bigram, 1500 sentences, 6 generations, 3 strategies)', () =>
  runNgramLab({ trainer: bigramTrainer, real, heldOut, generations: 6, seed: 3 }),
);
console.log('strategy | generation | held-out cross-entropy (bits) | tail coverage | distinct-2 | real share');
for (const [strategy, points] of Object.entries(ngram)) {
  for (const p of points) {
    console.log(
      `${strategy} | ${p.generation} | ${fixed(p.crossEntropy)} | ${fixed(p.tailCoverage)} | ${fixed(p.distinct2)} | ${fixed(p.realShare, 2)}`,
    );
  }
}
