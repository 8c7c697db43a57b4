import type { ModelTier } from '@synthwell/contracts';

/** The plan facts the gateway enforces, as cached with the caller. */
export interface CallerPlan {
  id: string;
  slug: string;
  name: string;
  version: number;
  modelTiers: ModelTier[];
  requestsPerMinute: number;
  tokensPerMinute: number;
  chatRequestsPerDay: number;
  imagesPerDay: number;
  syntheticRecordsPerDay: number;
  concurrentSyntheticJobs: number;
  queuePriority: number;
}

/** Who is asking: resolved once per request by the auth guard from an API key or a session token. */
export interface Caller {
  userId: string;
  /** The API key's id, or null for a web session. */
  apiKeyId: string | null;
  role: 'user' | 'admin';
  plan: CallerPlan;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    /** process.hrtime.bigint() when the request arrived, for the overhead header. */
    startedAt?: bigint;
    /** Milliseconds spent waiting on upstreams, excluded from the overhead figure. */
    upstreamMs?: number;
  }
}
