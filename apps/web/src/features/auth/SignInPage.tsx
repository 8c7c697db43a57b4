import { Link, Navigate, useSearchParams } from 'react-router';
import { describeProblem, type Problem } from '../../lib/problems';
import { TextField } from '../../ui/Field';
import { AuthForm } from './AuthForm';
import { sessionExpired, useSession, useSignIn } from './session';

const EXPIRED: Problem = {
  kind: 'signed_out',
  title: 'Your session expired',
  message: 'You were signed out, perhaps after a while away or from another device. Sign in again to carry on.',
};

/** Only paths inside the app are followed after sign-in, never another site. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/chat';
}

export function SignInPage() {
  const [params] = useSearchParams();
  const session = useSession();
  const signIn = useSignIn();
  const next = safeNext(params.get('next'));
  if (session.data) return <Navigate to={next} replace />;

  const problem = signIn.error ? describeProblem(signIn.error) : sessionExpired() ? EXPIRED : null;
  const fieldErrors = problem?.fieldErrors ?? {};
  return (
    <AuthForm
      title="Sign in"
      submitLabel="Sign in"
      busy={signIn.isPending}
      problem={problem}
      onSubmit={(form) => signIn.mutate({ email: String(form.get('email')), password: String(form.get('password')) })}
      footer={
        <>
          New here? <Link to={`/signup${params.size ? `?${params}` : ''}`}>Create an account</Link>
        </>
      }
    >
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email?.[0]} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={fieldErrors.password?.[0]}
      />
    </AuthForm>
  );
}
