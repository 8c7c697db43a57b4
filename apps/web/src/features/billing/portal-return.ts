import { useEffect, useState } from 'react';

const KEY = 'synthwell.portal-visit';

/** How long the billing page keeps re-reading the plan after the user comes back from the portal. */
export const PORTAL_RETURN_WAIT_MS = 20_000;

/** What a portal visit can change, as one comparable string. */
export function subscriptionSnapshot(
  current: {
    plan: { id: string };
    subscription: { status: string; cancelAtPeriodEnd: boolean; currentPeriodEnd: string | null } | null;
  } | null,
): string {
  const subscription = current?.subscription;
  return JSON.stringify([
    current?.plan.id ?? null,
    subscription?.status ?? null,
    subscription?.cancelAtPeriodEnd ?? null,
    subscription?.currentPeriodEnd ?? null,
  ]);
}

/** Notes the subscription as it is when the user leaves for Stripe's portal. */
export function rememberPortalVisit(snapshot: string): void {
  sessionStorage.setItem(KEY, snapshot);
}

/**
 * Back from the portal: the subscription as it was when the user left, for PORTAL_RETURN_WAIT_MS, else
 * null. A change made in the portal arrives by Stripe's webhook, which may land after the page loaded,
 * so the page keeps re-reading the plan while it still matches this.
 */
export function usePortalVisit(): string | null {
  const [before] = useState(() => sessionStorage.getItem(KEY));
  const [timedOut, setTimedOut] = useState(false);
  useEffect(() => {
    if (before === null) return;
    sessionStorage.removeItem(KEY);
    const timer = setTimeout(() => setTimedOut(true), PORTAL_RETURN_WAIT_MS);
    return () => clearTimeout(timer);
  }, [before]);
  return timedOut ? null : before;
}
