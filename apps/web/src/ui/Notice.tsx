import type { ReactNode } from 'react';
import type { Problem } from '../lib/problems';

/** A problem shown where it happened, announced to screen readers, with an optional way forward. */
export function ProblemNotice({ problem, children }: { problem: Problem; children?: ReactNode }) {
  return (
    <div className={`notice notice-${problem.kind}`} role="alert" data-problem={problem.kind}>
      <strong>{problem.title}</strong>
      <p>{problem.message}</p>
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status">
      {label}
    </p>
  );
}
