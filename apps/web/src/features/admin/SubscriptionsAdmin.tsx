import { useQuery } from '@tanstack/react-query';
import { formatDate } from '../../lib/format';
import { describeProblem } from '../../lib/problems';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { adminApi } from './admin-api';

export function SubscriptionsAdmin() {
  const subscriptions = useQuery({ queryKey: ['admin', 'subscriptions'], queryFn: adminApi.subscriptions });
  const plans = useQuery({ queryKey: ['admin', 'plans'], queryFn: adminApi.plans });
  const planName = (id: string) => plans.data?.find((plan) => plan.id === id)?.name ?? id;
  if (subscriptions.isPending) return <Loading />;
  if (subscriptions.error) return <ProblemNotice problem={describeProblem(subscriptions.error)} />;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Subscriptions</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Plan</th>
            <th scope="col">Status</th>
            <th scope="col">Period ends</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
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
                <code>{subscription.userId}</code>
              </td>
              <td>{planName(subscription.planId)}</td>
              <td>
                <span className={`badge badge-${subscription.status}`}>{subscription.status}</span>
                {subscription.cancelAtPeriodEnd && <small className="muted"> · cancels at period end</small>}
              </td>
              <td>{subscription.currentPeriodEnd ? formatDate(subscription.currentPeriodEnd) : '—'}</td>
              <td>{formatDate(subscription.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
