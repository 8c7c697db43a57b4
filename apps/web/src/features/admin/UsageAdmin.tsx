import { useQuery } from '@tanstack/react-query';
import { describeProblem } from '../../lib/problems';
import { BarChart } from '../../ui/charts';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { lastDays } from '../usage/usage-series';
import { adminApi } from './admin-api';
import type { UsageTotals } from './admin-types';

export function UsageAdmin() {
  const days = lastDays(30);
  const from = days[0] ?? '';
  const to = days[days.length - 1] ?? '';
  const byDay = useQuery({
    queryKey: ['admin', 'usage', 'day', from],
    queryFn: () => adminApi.usage(from, to, ['day']),
  });
  const byModel = useQuery({
    queryKey: ['admin', 'usage', 'model', from],
    queryFn: () => adminApi.usage(from, to, ['model']),
  });
  const problem = byDay.error ?? byModel.error;
  if (problem) return <ProblemNotice problem={describeProblem(problem)} />;
  if (!byDay.data || !byModel.data) return <Loading />;
  const totals = new Map(byDay.data.map((row) => [row.day, row]));
  const column = (pick: (row: UsageTotals) => number) =>
    days.map((day) => {
      const row = totals.get(day);
      return row ? pick(row) : 0;
    });
  const models = [...byModel.data].sort((a, b) => b.requests - a.requests);
  return (
    <div>
      <BarChart
        title="Requests per day, all users"
        labels={days.map((day) => day.slice(5))}
        series={[{ name: 'requests', values: column((row) => row.requests) }]}
      />
      <BarChart
        title="Images and synthetic records per day"
        labels={days.map((day) => day.slice(5))}
        series={[
          { name: 'images', values: column((row) => row.images) },
          { name: 'records', values: column((row) => row.records) },
        ]}
      />
      <BarChart
        title="Requests by model, last 30 days"
        labels={models.map((row) => row.model ?? 'unknown')}
        series={[{ name: 'requests', values: models.map((row) => row.requests) }]}
      />
    </div>
  );
}
