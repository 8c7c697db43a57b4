import { webConfig } from './config';
import { GraphQLRequestError } from './graphql-error';
import { csrfHeader } from './trpc';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Runs an admin query or mutation with the session cookie (and the CSRF header mutations need). */
export async function adminGraphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${webConfig().billingUrl}/graphql`, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json', ...csrfHeader() },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<T>;
  const error = body.errors?.[0];
  if (error) throw new GraphQLRequestError(error.message, error.extensions?.code ?? null);
  if (!response.ok || !body.data) throw new GraphQLRequestError(`The admin API answered ${response.status}.`, null);
  return body.data;
}
