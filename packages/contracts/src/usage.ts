import { z } from 'zod';

export const Feature = z.enum(['chat', 'image', 'synthetic']);
export type Feature = z.infer<typeof Feature>;

/** A plan's limits, as the gateway enforces them. */
export const PlanLimits = z.object({
  requestsPerMinute: z.number().int().nonnegative(),
  tokensPerMinute: z.number().int().nonnegative(),
  chatRequestsPerDay: z.number().int().nonnegative(),
  imagesPerDay: z.number().int().nonnegative(),
  syntheticRecordsPerDay: z.number().int().nonnegative(),
  concurrentSyntheticJobs: z.number().int().nonnegative(),
});
export type PlanLimits = z.infer<typeof PlanLimits>;

const Counter = z.object({ limit: z.number().int(), used: z.number().int(), remaining: z.number().int() });

/** `GET /v1/usage`: the caller's plan, today's usage against its quotas, and this minute's. */
export const UsageSummary = z.object({
  object: z.literal('usage'),
  plan: z.object({ id: z.string(), slug: z.string(), name: z.string(), model_tiers: z.array(z.string()) }),
  day: z.string(),
  resets_at: z.string(),
  daily: z.object({ chat_requests: Counter, images: Counter, synthetic_records: Counter }),
  minute: z.object({ requests: Counter, tokens: Counter }),
});
export type UsageSummary = z.infer<typeof UsageSummary>;
