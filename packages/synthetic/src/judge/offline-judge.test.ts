import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../tasks/types.js';
import { calibrateFluency, createOfflineJudge, fluencyScore } from './offline-judge.js';
import { ruleViolations } from './rules.js';

const instruction: TaskSpec = { kind: 'instruction', seeds: [] };
const classification: TaskSpec = { kind: 'classification', labels: ['positive', 'negative'] };
const json: TaskSpec = {
  kind: 'json',
  schema: {
    type: 'object',
    required: ['name', 'age'],
    properties: { name: { type: 'string' }, age: { type: 'integer' } },
  },
};

describe('ruleViolations', () => {
  it('passes a well-formed instruction pair', () => {
    expect(
      ruleViolations({ instruction: 'Name three rivers in Europe.', response: 'Danube, Rhine, Seine.' }, instruction),
    ).toEqual([]);
  });

  it('rejects empty fields, too-short instructions and echoed responses', () => {
    expect(ruleViolations({ instruction: 'Explain tides', response: '  ' }, instruction)).toEqual([
      'instruction has 2 words, fewer than 3',
      'response is empty',
    ]);
    expect(ruleViolations({ instruction: 'Say hello to me.', response: 'say hello to me' }, instruction)).toEqual([
      'response repeats the instruction',
    ]);
    expect(ruleViolations({ text: 'x' }, instruction)).toEqual(['instruction is missing', 'response is missing']);
  });

  it('rejects a label outside the label set and over-long texts', () => {
    expect(ruleViolations({ text: 'I loved every minute of it', label: 'neutral' }, classification)).toEqual([
      'label "neutral" is not in the label set',
    ]);
    const long = Array.from({ length: 501 }, () => 'word').join(' ');
    expect(ruleViolations({ text: long, label: 'positive' }, classification)).toEqual([
      'text has 501 words, more than 500',
    ]);
  });

  it('validates JSON records against the schema', () => {
    expect(ruleViolations({ name: 'Ada', age: 36 }, json)).toEqual([]);
    expect(ruleViolations({ name: 'Ada', age: 36.5 }, json)).toEqual(['/age: expected integer, got number']);
  });
});

describe('fluencyScore', () => {
  const calibration = { worst: -10, best: -4 };

  it('maps log-probability linearly onto 1-10 and clamps at both ends', () => {
    expect(fluencyScore(-4, calibration)).toBe(10);
    expect(fluencyScore(-2, calibration)).toBe(10);
    expect(fluencyScore(-7, calibration)).toBe(6);
    expect(fluencyScore(-10, calibration)).toBe(1);
    expect(fluencyScore(Number.NEGATIVE_INFINITY, calibration)).toBe(1);
  });
});

describe('calibrateFluency', () => {
  it('anchors 10 at the human median and the human 5th percentile at the middle of the scale', () => {
    const human = Array.from({ length: 101 }, (_, i) => -8 + i * 0.04); // −8 … −4, median −6
    const calibration = calibrateFluency(human);
    expect(calibration.best).toBeCloseTo(-6, 10);
    expect(calibration.worst).toBeCloseTo(-7.8 - 1.8, 10);
    expect(fluencyScore(-6, calibration)).toBe(10);
    expect(fluencyScore(-7.8, calibration)).toBe(6);
  });

  it('needs at least two finite scores', () => {
    expect(() => calibrateFluency([-5, Number.NaN])).toThrow(RangeError);
  });
});

describe('createOfflineJudge', () => {
  const judge = createOfflineJudge({
    logProbPerToken: (text) => (text.includes('salad') ? -12 : -5),
    calibration: { worst: -10, best: -5 },
  });

  it('scores a record that passes the rules by fluency', async () => {
    const verdict = await judge.score({ text: 'A warm and funny film', label: 'positive' }, classification);
    expect(verdict.score).toBe(10);
    expect(verdict.rationale).toMatch(/passed rule checks; fluency -5\.00/);
    expect((await judge.score({ text: 'salad word film funny warm', label: 'positive' }, classification)).score).toBe(
      1,
    );
  });

  it('scores 1 when a rule fails, without consulting the language model', async () => {
    let called = false;
    const strict = createOfflineJudge({
      logProbPerToken: () => {
        called = true;
        return 0;
      },
    });
    const verdict = await strict.score({ text: 'A warm and funny film', label: 'meh' }, classification);
    expect(verdict).toEqual({ score: 1, rationale: 'failed checks: label "meh" is not in the label set' });
    expect(called).toBe(false);
  });

  it('scores the text of the whole record', async () => {
    const seen: string[] = [];
    const recording = createOfflineJudge({
      logProbPerToken: (text) => {
        seen.push(text);
        return -5;
      },
    });
    await recording.score({ instruction: 'Name a planet, please.', response: 'Mars.' }, instruction);
    expect(seen).toEqual(['Name a planet, please.\nMars.']);
  });
});
