import { SafetyCategory } from '@synthwell/contracts';
import { describe, expect, it } from 'vitest';
import { SafetyEngine } from '../engine.js';
import { loadTestSet, scoreEngine } from './evaluate.js';

/** Floors for the built-in classifiers on the committed set; docs/safety.md has the measured figures. */
const PRECISION_FLOOR = 0.9;
const RECALL_FLOOR = 0.85;

describe('the labelled test set', () => {
  const examples = loadTestSet();

  it('has at least 25 positives per category and hundreds of examples in all', () => {
    expect(examples.length).toBeGreaterThanOrEqual(300);
    for (const category of SafetyCategory.options) {
      expect(examples.filter((e) => e.labels.includes(category)).length, category).toBeGreaterThanOrEqual(25);
    }
    expect(examples.filter((e) => e.labels.length === 0).length).toBeGreaterThanOrEqual(120);
  });

  it.each(scoreEngine(new SafetyEngine(), examples).map((score) => [score.category, score] as const))(
    '%s meets the precision and recall floors',
    (_category, score) => {
      expect(score.precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
      expect(score.recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
    },
  );
});
