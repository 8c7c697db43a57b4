import type { AppRouter } from '@synthwell/billing/router';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, isTRPCClientError } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { webConfig } from './config';
import { GraphQLRequestError } from './graphql-error';

/** The session's CSRF token: billing refuses cookie-authenticated mutations without it. */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The header billing checks on cookie-authenticated mutations, for callers outside tRPC. */
export function csrfHeader(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

let onSignedOut: () => void = () => {};

/** Registers what happens when billing says the caller is no longer signed in. */
export function handleSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

const watchSignOut = (error: unknown) => {
  if (isTRPCClientError(error) && error.data?.code === 'UNAUTHORIZED' && !error.data.path?.startsWith('auth.sign')) {
    onSignedOut();
  }
};

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: watchSignOut }),
  mutationCache: new MutationCache({ onError: watchSignOut }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      // Errors a retry cannot fix (signed out, forbidden, bad input) surface at once.
      retry: (failures, error) =>
        failures < 2 &&
        !(error instanceof GraphQLRequestError) &&
        !(isTRPCClientError(error) && (error.data?.httpStatus ?? 500) < 500),
    },
  },
});

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: `${webConfig().billingUrl}/trpc`,
      headers: csrfHeader,
      fetch: (url, options) => fetch(url, { ...options, credentials: 'include' }),
    }),
  ],
});

/** Typed query and mutation options for every billing procedure. */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
