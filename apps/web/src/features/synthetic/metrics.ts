import type { SyntheticMetricComparison, SyntheticMetrics } from '@synthwell/contracts';

type MetricKey = {
  [K in keyof SyntheticMetrics]: SyntheticMetrics[K] extends SyntheticMetricComparison ? K : never;
}[keyof SyntheticMetrics];

/** The report's metrics in groups that share a scale, each with how to read it. */
export const METRIC_GROUPS: { title: string; note: string; metrics: [MetricKey, string][] }[] = [
  {
    title: 'Diversity',
    note: 'Higher is more varied; far below the human reference is a sign of collapse.',
    metrics: [
      ['distinct_1', 'distinct-1'],
      ['distinct_2', 'distinct-2'],
      ['distinct_3', 'distinct-3'],
      ['mattr', 'MATTR'],
      ['tail_coverage', 'tail coverage'],
    ],
  },
  {
    title: 'N-gram entropy (bits)',
    note: 'Spread of word use; a drop of a few percent is already a large loss.',
    metrics: [
      ['entropy_1', 'unigram'],
      ['entropy_2', 'bigram'],
      ['entropy_3', 'trigram'],
    ],
  },
  {
    title: 'Repetition and divergence',
    note: 'Higher compression and near-duplicate rates mean repetitive text; divergence is distance from human word use.',
    metrics: [
      ['compression_ratio', 'compression'],
      ['near_duplicate_rate', 'near-duplicates'],
      ['js_unigram', 'JS unigram'],
      ['js_bigram', 'JS bigram'],
    ],
  },
];

/** One chart's bars: the synthetic set next to the human reference, per metric of a group. */
export function metricSeries(metrics: SyntheticMetrics, group: (typeof METRIC_GROUPS)[number]) {
  return {
    labels: group.metrics.map(([, label]) => label),
    series: [
      { name: 'Synthetic', values: group.metrics.map(([key]) => metrics[key].synthetic) },
      { name: 'Human reference', values: group.metrics.map(([key]) => metrics[key].reference) },
    ],
  };
}
