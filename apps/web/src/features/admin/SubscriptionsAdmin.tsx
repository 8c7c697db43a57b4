import { useQuery } from '@tanstack/react-query';
import { formatDate } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { DataTable } from '../../ui/DataTable';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { adminApi } from './admin-api';

export function SubscriptionsAdmin() {
  const subscriptions = useQuery({ queryKey: ['admin', 'subscriptions'], queryFn: adminApi.subscriptions });
  if (subscriptions.isPending) return <Loading />;
  if (subscriptions.error) return <ProblemNotice problem={describeProblem(subscriptions.error)} />;
  return (
    <DataTable caption="Subscriptions" columns={['User', 'Plan', 'Status', 'Period ends', 'Started']}>
      {subscriptions.data.length === 0 && (
        <tr>
          <td colSpan={5} className="muted">
            No subscriptions yet.
          </td>
        </tr>
      )}
      {subscriptions.data.map((subscription) => (
        <tr key={subscription.id}>
          <td>
            {subscription.user.email} <code className="muted">{subscription.user.id}</code>
          </td>
          <td>{subscription.plan.name}</td>
          <td>
            <span className={`badge badge-${subscription.status}`}>{subscription.status}</span>
            {subscription.cancelAtPeriodEnd && <small className="muted"> · cancels at period end</small>}
          </td>
          <td>{subscription.currentPeriodEnd ? formatDate(subscription.currentPeriodEnd) : '—'}</td>
          <td>{formatDate(subscription.createdAt)}</td>
        </tr>
      ))}
    </DataTable>
  );
}
