import type { SyntheticJob, SyntheticLabResult } from '@synthwell/contracts';
import { describe, expect, it } from 'vitest';
import { applyJobEvent, completion, fromJob, rejectedTotal } from './job-progress';
import { labCharts } from './lab-charts';
import { buildJobParams, type JobForm, parseSeeds } from './templates';

const rejected = { invalid: 0, duplicate: 0, over_quota: 0, low_score: 0, judge_error: 0, generation_error: 0 };
const job = {
  id: 'job_1',
  object: 'synthetic.job',
  status: 'queued',
  count: 10,
  progress: { generated: 0, kept: 0, rejected, eta_ms: null },
  outcome: null,
} as unknown as SyntheticJob;

describe('job progress from the event stream', () => {
  it('follows progress events to a finished job at 100%', () => {
    let view = fromJob(job);
    view = applyJobEvent(view, {
      event: 'progress',
      data: { generated: 8, kept: 5, rejected: { ...rejected, duplicate: 3 }, eta_ms: 900 },
    });
    expect(view.status).toBe('running');
    expect(completion(view)).toBe(0.5);
    expect(rejectedTotal(view.progress)).toBe(3);
    view = applyJobEvent(view, {
      event: 'done',
      data: { progress: { generated: 14, kept: 10, rejected: { ...rejected, duplicate: 4 }, eta_ms: 0 } },
    });
    expect(view.status).toBe('succeeded');
    expect(view.progress.kept).toBe(10);
    expect(completion(view)).toBe(1);
  });

  it('does not go back to running when earlier events are replayed, and knows cancelled jobs', () => {
    let view = applyJobEvent(fromJob(job), { event: 'canceled', data: {} });
    expect(view.status).toBe('canceled');
    view = applyJobEvent(view, { event: 'progress', data: { generated: 1, kept: 1, rejected, eta_ms: null } });
    expect(view.status).toBe('canceled');
  });
});

const form = (changes: Partial<JobForm>): JobForm => ({
  template: 'instruction',
  model: 'sw-ngram-mini',
  count: 20,
  threshold: 5,
  seeds: '{"data":{"instruction":"a","response":"b"}}',
  labels: '',
  item: '',
  schema: '',
  truncateToQuota: false,
  ...changes,
});

describe('studio templates', () => {
  it('reads seeds as JSON Lines or an array, wrapping bare records', () => {
    expect(parseSeeds('{"text":"x","label":"y"}\n\n{"data":{"text":"z","label":"y"}}')).toEqual([
      { data: { text: 'x', label: 'y' } },
      { data: { text: 'z', label: 'y' } },
    ]);
    expect(parseSeeds('[{"a":1}]')).toEqual([{ data: { a: 1 } }]);
    expect(() => parseSeeds('{"ok":1}\nnot json')).toThrow('Seed line 2 is not valid JSON.');
  });

  it('builds each task’s request body', () => {
    expect(buildJobParams(form({ truncateToQuota: true }))).toEqual({
      task: 'instruction',
      seeds: [{ data: { instruction: 'a', response: 'b' } }],
      model: 'sw-ngram-mini',
      count: 20,
      threshold: 5,
      truncate_to_quota: true,
    });
    expect(
      buildJobParams(form({ template: 'classification', labels: 'spam, ham', item: 'email', seeds: '' })),
    ).toMatchObject({
      task: 'classification',
      labels: ['spam', 'ham'],
      item: 'email',
    });
    expect(buildJobParams(form({ template: 'json_schema', schema: '{"type":"object"}', seeds: '' }))).toMatchObject({
      task: 'json_schema',
      json_schema: { type: 'object' },
    });
  });

  it('refuses forms that cannot make a valid job, naming the problem', () => {
    expect(() => buildJobParams(form({ template: 'classification', labels: 'only-one' }))).toThrow(
      'at least two labels',
    );
    expect(() => buildJobParams(form({ template: 'json_schema', schema: '[1]' }))).toThrow('must be an object');
    expect(() => buildJobParams(form({ seeds: '' }))).toThrow('at least one seed');
  });
});

describe('lab charts', () => {
  it('plots each n-gram metric with one line per strategy', () => {
    const point = (generation: number, cross_entropy: number) => ({
      generation,
      cross_entropy,
      tail_coverage: 1 / (generation + 1),
      distinct_2: 0.5,
      training_sentences: 100,
      real_share: 0,
    });
    const result = {
      object: 'synthetic.lab',
      seed: 1,
      experiment: 'ngram',
      parameters: { sentences: 100, generations: 2, order: 2, real_share: 0.1, strategies: ['replace', 'accumulate'] },
      series: { replace: [point(0, 7), point(1, 8)], accumulate: [point(0, 7), point(1, 7.2)] },
    } satisfies SyntheticLabResult;
    const charts = labCharts(result);
    expect(charts.map((chart) => chart.title)).toEqual([
      'Cross-entropy on human text (bits per token)',
      'Tail coverage',
      'Distinct-2',
    ]);
    expect(charts[0]?.labels).toEqual(['0', '1']);
    expect(charts[0]?.series).toEqual([
      { name: 'replace', values: [7, 8] },
      { name: 'accumulate', values: [7, 7.2] },
    ]);
  });
});
