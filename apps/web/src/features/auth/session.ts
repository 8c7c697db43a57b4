import { hashKey, useMutation, useQuery } from '@tanstack/react-query';
import type { inferOutput } from '@trpc/tanstack-react-query';
import { gatewayTokens } from '../../lib/gateway';
import { handleSignedOut, queryClient, setCsrfToken, trpc } from '../../lib/trpc';

export type SessionView = NonNullable<inferOutput<typeof trpc.auth.session>>;

const sessionKey = trpc.auth.session.queryKey();
const sessionHash = hashKey(sessionKey);

/** Set when a signed-in user's requests start failing as signed out, so sign-in can say why. */
let expired = false;

export function sessionExpired(): boolean {
  return expired;
}

/** Who is signed in (null when nobody is). Keeps the CSRF token mutations need in step with it. */
export function useSession() {
  return useQuery({
    ...trpc.auth.session.queryOptions(),
    staleTime: 60_000,
    select: (session) => {
      setCsrfToken(session?.csrfToken ?? null);
      return session;
    },
  });
}

/** Forgets everything about the previous user: cached queries, the gateway token, the CSRF token. */
function forgetUser(): void {
  gatewayTokens.clear();
  setCsrfToken(null);
  queryClient.removeQueries({ predicate: (query) => query.queryHash !== sessionHash });
}

/** Called when billing answers UNAUTHORIZED to a signed-in user: the session ended elsewhere or timed out. */
export function markSessionLost(): void {
  if (!queryClient.getQueryData(sessionKey)) return;
  expired = true;
  forgetUser();
  queryClient.setQueryData(sessionKey, null);
}

function signedIn(session: SessionView): void {
  expired = false;
  forgetUser();
  setCsrfToken(session.csrfToken);
  queryClient.setQueryData(sessionKey, session);
}

export function useSignIn() {
  return useMutation({ ...trpc.auth.signIn.mutationOptions(), onSuccess: signedIn });
}

export function useSignUp() {
  return useMutation({ ...trpc.auth.signUp.mutationOptions(), onSuccess: signedIn });
}

export function useSignOut() {
  return useMutation({
    ...trpc.auth.signOut.mutationOptions(),
    onSettled: () => {
      expired = false;
      forgetUser();
      queryClient.setQueryData(sessionKey, null);
    },
  });
}

handleSignedOut(markSessionLost);
