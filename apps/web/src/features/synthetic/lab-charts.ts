import type { SyntheticLabResult } from '@synthwell/contracts';
import type { Series } from '../../ui/charts';

export interface LabChart {
  title: string;
  note: string;
  labels: string[];
  series: Series[];
}

/** The charts each lab experiment is read by: its curves over generations, measured next to theory. */
export function labCharts(result: SyntheticLabResult): LabChart[] {
  switch (result.experiment) {
    case 'gaussian': {
      const labels = result.points.map((point) => String(point.generation));
      return [
        {
          title: 'Variance of a Gaussian refitted on its own samples',
          note: 'Each generation fits the previous generation’s samples; the spread shrinks towards zero (the tails vanish).',
          labels,
          series: [
            { name: 'measured mean variance', values: result.points.map((point) => point.mean_variance) },
            { name: 'theory', values: result.points.map((point) => point.theory_variance) },
            { name: 'median std', values: result.points.map((point) => point.median_std) },
          ],
        },
      ];
    }
    case 'regression': {
      const labels = result.points.map((point) => String(point.generation));
      return [
        {
          title: 'Test error of regression retrained on its own labels',
          note: 'Replacing the data each generation makes the error grow without bound; accumulating keeps it bounded.',
          labels,
          series: [
            { name: 'replace', values: result.points.map((point) => point.replace) },
            { name: 'accumulate', values: result.points.map((point) => point.accumulate) },
            { name: 'theory: replace', values: result.points.map((point) => point.theory_replace) },
            { name: 'theory: accumulate', values: result.points.map((point) => point.theory_accumulate) },
          ],
        },
      ];
    }
    case 'ngram': {
      const strategies = Object.entries(result.series).filter(
        (entry): entry is [string, NonNullable<(typeof entry)[1]>] => Array.isArray(entry[1]) && entry[1].length > 0,
      );
      const longest = Math.max(0, ...strategies.map(([, points]) => points.length));
      const labels = Array.from({ length: longest }, (_, index) =>
        String(strategies[0]?.[1][index]?.generation ?? index),
      );
      const metric = (
        title: string,
        note: string,
        pick: (point: (typeof strategies)[number][1][number]) => number,
      ): LabChart => ({
        title,
        note,
        labels,
        series: strategies.map(([name, points]) => ({ name, values: points.map(pick) })),
      });
      return [
        metric(
          'Cross-entropy on human text (bits per token)',
          'Higher means the model fits real language worse.',
          (point) => point.cross_entropy,
        ),
        metric(
          'Tail coverage',
          'Share of the rare words of real text the model still produces.',
          (point) => point.tail_coverage,
        ),
        metric('Distinct-2', 'Share of distinct word pairs in the samples: diversity.', (point) => point.distinct_2),
      ];
    }
  }
}
