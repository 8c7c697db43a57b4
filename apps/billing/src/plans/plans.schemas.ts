import { z } from 'zod';

export const ModelTier = z.enum(['standard', 'premium']);
export const PlanInterval = z.enum(['month', 'year']);

const limit = (name: string, max: number) =>
  z
    .number({ message: `${name} must be a number.` })
    .int(`${name} must be a whole number.`)
    .min(0, `${name} cannot be negative.`)
    .max(max, `${name} is at most ${max}.`);

/** Everything an admin sets on a plan. Limits are what the gateway enforces. */
export const PlanFields = z.object({
  slug: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,39}$/,
      'Slugs are 1-40 lower-case letters, digits and dashes, starting with a letter or digit.',
    ),
  name: z.string().trim().min(1, 'Plans need a name.').max(60, 'Plan names are at most 60 characters.'),
  description: z.string().trim().max(500, 'Descriptions are at most 500 characters.').nullable(),
  priceCents: limit('priceCents', 10_000_000),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'Currencies are three-letter ISO codes such as usd.')
    .transform((code) => code.toLowerCase()),
  interval: PlanInterval,
  requestsPerMinute: limit('requestsPerMinute', 1_000_000),
  tokensPerMinute: limit('tokensPerMinute', 1_000_000_000),
  chatRequestsPerDay: limit('chatRequestsPerDay', 100_000_000),
  imagesPerDay: limit('imagesPerDay', 100_000_000),
  syntheticRecordsPerDay: limit('syntheticRecordsPerDay', 1_000_000_000),
  concurrentSyntheticJobs: limit('concurrentSyntheticJobs', 1_000),
  queuePriority: limit('queuePriority', 1_000),
  modelTiers: z
    .array(ModelTier)
    .min(1, 'A plan needs at least one model tier.')
    .transform((tiers) => [...new Set(tiers)]),
  overageEnabled: z.boolean(),
  /** The Stripe Billing Meter's `event_name` overage is reported under. */
  stripeMeterEventName: z
    .string()
    .regex(/^[a-z0-9_]{1,100}$/, 'Meter event names are 1-100 lower-case letters, digits and underscores.')
    .nullable(),
});

const requireMeterForOverage = <T extends { overageEnabled?: boolean; stripeMeterEventName?: string | null }>(
  plan: T,
  context: z.RefinementCtx,
) => {
  if (plan.overageEnabled && !plan.stripeMeterEventName) {
    context.addIssue({
      code: 'custom',
      path: ['stripeMeterEventName'],
      message: 'Plans with overage need the Stripe meter event name to report it under.',
    });
  }
};

export const CreatePlanInput = PlanFields.extend({
  description: PlanFields.shape.description.default(null),
  queuePriority: PlanFields.shape.queuePriority.default(0),
  overageEnabled: PlanFields.shape.overageEnabled.default(false),
  stripeMeterEventName: PlanFields.shape.stripeMeterEventName.default(null),
}).superRefine(requireMeterForOverage);
export type CreatePlanInput = z.infer<typeof CreatePlanInput>;

/** Only the fields given change; `null` clears an optional field. */
export const UpdatePlanInput = PlanFields.partial().refine(
  (fields) => Object.values(fields).some((value) => value !== undefined),
  'Nothing to change.',
);
export type UpdatePlanInput = z.infer<typeof UpdatePlanInput>;

export const PlanIdInput = z.object({ planId: z.string().min(1).max(64) });

/** A plan as the web app shows it on the pricing page. */
export const PlanView = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  priceCents: z.number().int(),
  currency: z.string(),
  interval: PlanInterval,
  modelTiers: z.array(ModelTier),
  requestsPerMinute: z.number().int(),
  chatRequestsPerDay: z.number().int(),
  imagesPerDay: z.number().int(),
  syntheticRecordsPerDay: z.number().int(),
  concurrentSyntheticJobs: z.number().int(),
  overageEnabled: z.boolean(),
  isDefault: z.boolean(),
});
export type PlanView = z.infer<typeof PlanView>;
