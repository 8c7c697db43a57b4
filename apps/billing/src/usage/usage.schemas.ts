import { z } from 'zod';

export const Feature = z.enum(['chat', 'image', 'synthetic']);

/** `YYYY-MM-DD`, a UTC day. */
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Days are written YYYY-MM-DD.');

export const DailyUsageInput = z.object({
  /** How many days back from today (UTC), today included. */
  days: z.number().int().min(1).max(90).default(30),
});

export const UsageRow = z.object({
  day: Day,
  feature: Feature,
  model: z.string(),
  requests: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  images: z.number().int(),
  records: z.number().int(),
});
export type UsageRow = z.infer<typeof UsageRow>;
