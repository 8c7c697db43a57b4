import type { FormEvent, ReactNode } from 'react';
import type { Problem } from '../../lib/problems';
import { Button } from '../../ui/Button';
import { ProblemNotice } from '../../ui/Notice';

/** The frame both sign-in and sign-up share: a title, the problem if any, fields, one submit button. */
export function AuthForm({
  title,
  submitLabel,
  busy,
  problem,
  onSubmit,
  children,
  footer,
}: {
  title: string;
  submitLabel: string;
  busy: boolean;
  problem: Problem | null;
  onSubmit: (form: FormData) => void;
  children: ReactNode;
  footer: ReactNode;
}) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit(new FormData(event.currentTarget));
  };
  return (
    <section className="auth-card">
      <h1>{title}</h1>
      {problem && <ProblemNotice problem={problem} />}
      <form onSubmit={submit} noValidate>
        {children}
        <Button type="submit" variant="primary" busy={busy}>
          {submitLabel}
        </Button>
      </form>
      <p className="muted">{footer}</p>
    </section>
  );
}
