import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';

const buckets = [0.001, 0.01, 0.1];

/** The same updates through prom-client's own metrics and through ours; the scrapes must be identical. */
async function scrapes(
  update: (metrics: {
    counter: (route: string, status: string, amount?: number) => void;
    histogram: (route: string, value: number) => void;
  }) => void,
): Promise<[string, string]> {
  const reference = new Registry();
  const referenceCounter = new Counter({
    name: 'c_total',
    help: 'c',
    labelNames: ['route', 'status'],
    registers: [reference],
  });
  const referenceHistogram = new Histogram({
    name: 'h_seconds',
    help: 'h',
    labelNames: ['route'],
    buckets,
    registers: [reference],
  });
  update({
    counter: (route, status, amount = 1) => referenceCounter.inc({ route, status }, amount),
    histogram: (route, value) => referenceHistogram.observe({ route }, value),
  });

  const ours = new Registry();
  const counter = new LabelledCounter({
    name: 'c_total',
    help: 'c',
    labelNames: ['route', 'status'] as const,
    registers: [ours],
  });
  const histogram = new LabelledHistogram({
    name: 'h_seconds',
    help: 'h',
    labelNames: ['route'] as const,
    buckets,
    registers: [ours],
  });
  update({
    counter: (route, status, amount = 1) => counter.labels(route, status).inc(amount),
    histogram: (route, value) => histogram.labels(route).observe(value),
  });
  return [await reference.metrics(), await ours.metrics()];
}

describe('labelled metrics', () => {
  it('scrape exactly as prom-client does for the same counts and observations', async () => {
    const [reference, ours] = await scrapes(({ counter, histogram }) => {
      counter('/v1/chat/completions', '200');
      counter('/v1/chat/completions', '200', 2);
      counter('/v1/chat/completions', '429');
      counter('/v1/models', '200', 5);
      for (const value of [0.0005, 0.001, 0.002, 0.05, 0.5, 3]) histogram('/v1/chat/completions', value);
      histogram('/v1/models', 0.02);
    });
    expect(ours).toBe(reference);
    expect(ours).toContain('h_seconds_bucket{le="0.001",route="/v1/chat/completions"} 2');
    expect(ours).toContain('h_seconds_bucket{le="+Inf",route="/v1/chat/completions"} 6');
  });

  it('resolves a label set to the same child every time, and ignores values that are not numbers', async () => {
    const registry = new Registry();
    const histogram = new LabelledHistogram({
      name: 'x',
      help: 'x',
      labelNames: ['a'] as const,
      buckets,
      registers: [registry],
    });
    expect(histogram.labels('one')).toBe(histogram.labels('one'));
    histogram.labels('one').observe(Number.NaN);
    histogram.labels('one').observe(0.005);
    expect(await registry.metrics()).toContain('x_count{a="one"} 1');
  });
});
