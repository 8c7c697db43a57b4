import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { describeProblem } from '../../lib/problems';
import { Loading, ProblemNotice } from '../../ui/Notice';
import { useSession } from './session';

/** Renders its children for a signed-in user (an admin, with `admin`), else sends them to sign in. */
export function RequireAuth({ admin, children }: { admin?: boolean; children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <Loading />;
  if (session.error) return <ProblemNotice problem={describeProblem(session.error)} />;
  if (!session.data) {
    const next = encodeURIComponent(`${location.pathname}${location.search}`);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  if (admin && session.data.user.role !== 'admin') {
    return (
      <ProblemNotice problem={{ kind: 'error', title: 'Admins only', message: 'The admin console is for admins.' }} />
    );
  }
  return children;
}
