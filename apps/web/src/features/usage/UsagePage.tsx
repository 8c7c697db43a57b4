import { useQuery } from '@tanstack/react-query';
import { describeReset, formatNumber, usedShare } from '../../lib/format';
import { useUsageSummary } from '../../lib/gateway-queries';
import { describeProblem } from '../../lib/problems';
import { trpc } from '../../lib/trpc';
import { BarChart } from '../../ui/charts';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { ProgressBar } from '../../ui/ProgressBar';
import { dailySeries, type Feature, lastDays } from './usage-series';

const FEATURES: { feature: Feature; title: string; key: 'chat_requests' | 'images' | 'synthetic_records' }[] = [
  { feature: 'chat', title: 'Chat requests', key: 'chat_requests' },
  { feature: 'image', title: 'Images', key: 'images' },
  { feature: 'synthetic', title: 'Synthetic records', key: 'synthetic_records' },
];

export default function UsagePage() {
  const today = useUsageSummary();
  const history = useQuery(trpc.usage.daily.queryOptions({ days: 30 }));
  const days = lastDays(30);
  return (
    <section>
      <h1>Usage</h1>
      {today.isPending && <Loading />}
      {today.error && <ProblemNotice problem={describeProblem(today.error)} />}
      {today.data && (
        <>
          <p>
            You are on the <strong>{today.data.plan.name}</strong> plan. Daily quotas{' '}
            {describeReset(today.data.resets_at)}.
          </p>
          <div className="meters">
            {FEATURES.map(({ title, key }) => {
              const counter = today.data.daily[key];
              return (
                <div key={key} className="meter panel" data-testid={`meter-${key}`}>
                  <h2>{title} today</h2>
                  <p>
                    <strong>{formatNumber(counter.used)}</strong> of {formatNumber(counter.limit)}
                    {counter.remaining === 0 && <span className="badge badge-bad">Quota reached</span>}
                  </p>
                  <ProgressBar value={usedShare(counter.used, counter.limit)} label={`${title} used today`} />
                </div>
              );
            })}
          </div>
        </>
      )}
      <h2>Last 30 days</h2>
      {history.isPending && <Loading />}
      {history.error && <ProblemNotice problem={describeProblem(history.error)} />}
      {history.data &&
        FEATURES.map(({ feature, title, key }) => {
          const limit = today.data?.daily[key].limit;
          return (
            <BarChart
              key={feature}
              title={`${title} per day`}
              labels={days.map((day) => day.slice(5))}
              series={[{ name: title, values: dailySeries(history.data, feature, days) }]}
              {...(limit ? { limit: { value: limit, label: `daily quota ${formatNumber(limit)}` } } : {})}
            />
          );
        })}
    </section>
  );
}
