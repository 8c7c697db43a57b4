import Synthwell from '@synthwell/sdk';
import { webConfig } from './config';
import { cachedTokenSource } from './token-source';
import { trpcClient } from './trpc';

/** Gateway tokens come from billing's `auth.sessionToken`, so the browser never holds an API key. */
export const gatewayTokens = cachedTokenSource(() => trpcClient.auth.sessionToken.mutate());

/** The typed SDK client every gateway call in the web app goes through. */
export const gateway = new Synthwell({
  baseURL: `${webConfig().gatewayUrl}/v1`,
  sessionToken: () => gatewayTokens.get(),
  maxRetries: 1,
});
