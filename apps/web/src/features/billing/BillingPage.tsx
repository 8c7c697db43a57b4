import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router';
import { formatDate, formatMoney, formatNumber } from '../../lib/format';
import { gatewayKeys, useUsageSummary } from '../../lib/gateway-queries';
import { describeProblem } from '../../lib/problems';
import { queryClient, trpc } from '../../lib/trpc';
import { Button } from '../../ui/Button';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { InvoiceList } from './InvoiceList';
import { rememberPortalVisit, subscriptionSnapshot, usePortalVisit } from './portal-return';

type CurrentPlan = inferOutput<typeof trpc.subscription.current>;
type Plan = CurrentPlan['plan'];

/** How long the page waits for Stripe's webhook after Checkout before suggesting a reload. */
const CONFIRMATION_WAIT_MS = 90_000;

function price(plan: Plan): string {
  return plan.priceCents === 0 ? 'Free' : `${formatMoney(plan.priceCents, plan.currency)} / ${plan.interval}`;
}

function PlanLimits({ plan }: { plan: Plan }) {
  return (
    <ul className="plan-limits">
      <li>{plan.modelTiers.includes('premium') ? 'Standard and premium models' : 'Standard models'}</li>
      <li>{formatNumber(plan.chatRequestsPerDay)} chat requests a day</li>
      <li>{formatNumber(plan.imagesPerDay)} images a day</li>
      <li>{formatNumber(plan.syntheticRecordsPerDay)} synthetic records a day</li>
      <li>{formatNumber(plan.requestsPerMinute)} requests a minute</li>
      <li>
        {plan.concurrentSyntheticJobs} synthetic job{plan.concurrentSyntheticJobs === 1 ? '' : 's'} at once
      </li>
    </ul>
  );
}

function standing(current: CurrentPlan): string {
  const subscription = current.subscription;
  if (current.source === 'comp') return 'Granted by an administrator.';
  if (current.source === 'default' || !subscription) return 'The free plan: no payment needed.';
  if (subscription.graceUntil && subscription.status === 'past_due') {
    return `The last payment failed; the plan is kept until ${formatDate(subscription.graceUntil)}. Update your card in the portal.`;
  }
  if (!subscription.currentPeriodEnd) return `Subscription ${subscription.status}.`;
  return subscription.cancelAtPeriodEnd
    ? `Cancelled: the plan ends on ${formatDate(subscription.currentPeriodEnd)}.`
    : `Renews on ${formatDate(subscription.currentPeriodEnd)}.`;
}

export default function BillingPage() {
  const [params, setParams] = useSearchParams();
  const returned = params.get('checkout');
  const waiting = returned === 'success';
  const portalVisit = usePortalVisit();
  const current = useQuery({
    ...trpc.subscription.current.queryOptions(),
    // Back from Checkout or the portal: the plan changes when Stripe's webhook lands, so look every second for a while.
    refetchInterval: ({ state: { data } }) => {
      const confirming = waiting && data?.source !== 'subscription';
      const unchangedSincePortal = portalVisit !== null && (!data || subscriptionSnapshot(data) === portalVisit);
      return confirming || unchangedSincePortal ? 1_000 : false;
    },
  });
  const gatewayPlan = useUsageSummary();
  const plans = useQuery(trpc.plans.list.queryOptions());
  const checkout = useMutation({
    ...trpc.subscription.checkout.mutationOptions(),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const portal = useMutation({
    ...trpc.subscription.portal.mutationOptions(),
    onSuccess: ({ url }) => {
      if (current.data) rememberPortalVisit(subscriptionSnapshot(current.data));
      window.location.assign(url);
    },
  });

  const confirmed = waiting && current.data?.source === 'subscription';
  // Once billing has the subscription, the gateway follows within seconds: refresh what it reports.
  // Until the gateway has answered with the new plan, it counts as behind: pages that read models from
  // it (chat's picker) would otherwise cache the old plan's list.
  const gatewayBehind = confirmed && gatewayPlan.data?.plan.id !== current.data?.plan.id;
  useEffect(() => {
    // Stripe bills the first invoice as the subscription starts: show it.
    if (confirmed) void queryClient.invalidateQueries(trpc.invoices.list.pathFilter());
  }, [confirmed]);
  useEffect(() => {
    if (!confirmed) return;
    // The model list follows the plan the gateway enforces: refresh it once the gateway has caught up.
    if (!gatewayBehind) {
      void queryClient.invalidateQueries({ queryKey: gatewayKeys.models });
      return;
    }
    const timer = setInterval(() => void queryClient.invalidateQueries({ queryKey: gatewayKeys.usage }), 1_000);
    return () => clearInterval(timer);
  }, [confirmed, gatewayBehind]);
  useEffect(() => {
    if (!waiting || confirmed) return;
    const timer = setTimeout(() => setParams({ checkout: 'slow' }, { replace: true }), CONFIRMATION_WAIT_MS);
    return () => clearTimeout(timer);
  }, [waiting, confirmed, setParams]);

  const problem = [current.error, plans.error, checkout.error, portal.error].find(Boolean);
  return (
    <section>
      <h1>Billing</h1>
      {returned === 'canceled' && (
        <div className="notice" role="status">
          Checkout was cancelled; nothing was charged.
        </div>
      )}
      {waiting && !confirmed && (
        <div className="notice" role="status" data-testid="awaiting-confirmation">
          Payment received. Waiting for Stripe to confirm your subscription…
        </div>
      )}
      {returned === 'slow' && (
        <div className="notice" role="status">
          Stripe has not confirmed the payment yet. Your plan changes as soon as it does; reload this page in a minute.
        </div>
      )}
      {confirmed && (
        <div className="notice notice-ok" role="status" data-testid="upgrade-confirmed">
          {gatewayBehind
            ? 'Subscription confirmed. Unlocking your new limits…'
            : `You are now on ${current.data?.plan.name}.`}
        </div>
      )}
      {problem && <ProblemNotice problem={describeProblem(problem)} />}
      {current.isPending && <Loading />}
      {current.data && (
        <div className="panel current-plan" data-testid="current-plan">
          <h2>
            Current plan: <span data-testid="current-plan-name">{current.data.plan.name}</span>
          </h2>
          <p>
            {price(current.data.plan)} · {standing(current.data)}
          </p>
          <PlanLimits plan={current.data.plan} />
          {current.data.subscription?.managedByStripe && (
            <Button busy={portal.isPending} onClick={() => portal.mutate()}>
              Manage or cancel subscription
            </Button>
          )}
        </div>
      )}
      <h2>Plans</h2>
      <div className="plan-grid">
        {plans.data?.map((plan) => {
          const isCurrent = plan.id === current.data?.plan.id;
          const isUpgrade = current.data !== undefined && plan.priceCents > current.data.plan.priceCents;
          return (
            <article
              key={plan.id}
              className={`panel plan-card${isCurrent ? ' plan-current' : ''}`}
              aria-label={plan.name}
            >
              <h3>{plan.name}</h3>
              <p className="plan-price">{price(plan)}</p>
              {plan.description && <p className="muted">{plan.description}</p>}
              <PlanLimits plan={plan} />
              {isCurrent ? (
                <span className="badge badge-ok">Your plan</span>
              ) : isUpgrade ? (
                <Button
                  variant="primary"
                  busy={checkout.isPending && checkout.variables?.planId === plan.id}
                  onClick={() => checkout.mutate({ planId: plan.id })}
                >
                  Upgrade to {plan.name}
                </Button>
              ) : null}
            </article>
          );
        })}
      </div>
      <h2>Invoices</h2>
      <InvoiceList />
    </section>
  );
}
