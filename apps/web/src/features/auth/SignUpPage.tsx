import { Link, Navigate, useSearchParams } from 'react-router';
import { describeProblem } from '../../lib/problems';
import { TextField } from '../../ui/Field';
import { AuthForm } from './AuthForm';
import { safeNext } from './SignInPage';
import { useSession, useSignUp } from './session';

export function SignUpPage() {
  const [params] = useSearchParams();
  const session = useSession();
  const signUp = useSignUp();
  if (session.data) return <Navigate to={safeNext(params.get('next'))} replace />;

  const problem = signUp.error ? describeProblem(signUp.error) : null;
  const fieldErrors = problem?.fieldErrors ?? {};
  return (
    <AuthForm
      title="Create your account"
      submitLabel="Create account"
      busy={signUp.isPending}
      problem={problem}
      onSubmit={(form) => {
        const name = String(form.get('name') ?? '').trim();
        signUp.mutate({
          email: String(form.get('email')),
          password: String(form.get('password')),
          ...(name ? { name } : {}),
        });
      }}
      footer={
        <>
          Already have an account? <Link to="/signin">Sign in</Link>
        </>
      }
    >
      <TextField label="Name (optional)" name="name" autoComplete="name" error={fieldErrors.name?.[0]} />
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email?.[0]} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        hint="At least 10 characters."
        error={fieldErrors.password?.[0]}
      />
    </AuthForm>
  );
}
