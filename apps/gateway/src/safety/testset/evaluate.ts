import { readFileSync } from 'node:fs';
import { SafetyCategory as SafetyCategories, type SafetyCategory } from '@synthwell/contracts';
import type { SafetyEngine } from '../engine.js';
import { DETECTION_THRESHOLD, type Surface } from '../types.js';

/** One labelled example: a text, where it was seen, and the categories it belongs to (none: benign). */
export interface LabelledExample {
  text: string;
  surface: Surface;
  labels: SafetyCategory[];
}

export interface CategoryScore {
  category: SafetyCategory;
  positives: number;
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
}

/** The committed labelled test set (written by hand: positives and benign look-alikes per category). */
export function loadTestSet(): LabelledExample[] {
  const text = readFileSync(new URL('./labelled.jsonl', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as LabelledExample);
}

/** Precision and recall per category of the engine's detections (score at or above the threshold). */
export function scoreEngine(engine: SafetyEngine, examples: readonly LabelledExample[]): CategoryScore[] {
  return SafetyCategories.options.map((category) => {
    let truePositives = 0;
    let falsePositives = 0;
    let positives = 0;
    for (const example of examples) {
      const labelled = example.labels.includes(category);
      const detected = engine
        .detect(example.text, example.surface)
        .some((finding) => finding.category === category && finding.score >= DETECTION_THRESHOLD);
      if (labelled) positives++;
      if (detected && labelled) truePositives++;
      if (detected && !labelled) falsePositives++;
    }
    const flagged = truePositives + falsePositives;
    return {
      category,
      positives,
      truePositives,
      falsePositives,
      precision: flagged === 0 ? 1 : truePositives / flagged,
      recall: positives === 0 ? 1 : truePositives / positives,
    };
  });
}
