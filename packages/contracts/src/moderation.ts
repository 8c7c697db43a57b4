import { z } from 'zod';

/**
 * The content categories the gateway's policy engine knows. The names follow OpenAI's moderation
 * categories where one exists (`sexual/minors`, `violence/graphic`, `self-harm`, `hate`); the rest are
 * Synthwell's own.
 */
export const SafetyCategory = z.enum([
  'sexual/minors',
  'violence/graphic',
  'self-harm',
  'hate',
  'real-person',
  'intellectual-property',
  'personal-data',
]);
export type SafetyCategory = z.infer<typeof SafetyCategory>;

/** What the gateway does when a category is detected, weakest first. */
export const SafetyAction = z.enum(['allow', 'flag', 'redact', 'block']);
export type SafetyAction = z.infer<typeof SafetyAction>;

/** One plan's policy: an action per category. `sexual/minors` is always `block`, whatever is set. */
export const SafetyPolicy = z.record(SafetyCategory, SafetyAction);
export type SafetyPolicy = z.infer<typeof SafetyPolicy>;

/** A partial policy, as an admin sends it to change some categories of one plan. */
export const SafetyPolicyUpdate = z.partialRecord(SafetyCategory, SafetyAction);
export type SafetyPolicyUpdate = z.infer<typeof SafetyPolicyUpdate>;

/** `POST /v1/moderations`, in OpenAI's shape. */
export const ModerationCreateParams = z.strictObject({
  input: z.union([z.string().max(100_000), z.array(z.string().max(100_000)).min(1).max(32)]),
  model: z.string().min(1).max(256).optional(),
});
export type ModerationCreateParams = z.infer<typeof ModerationCreateParams>;

export const ModerationResult = z.object({
  flagged: z.boolean(),
  categories: z.record(SafetyCategory, z.boolean()),
  category_scores: z.record(SafetyCategory, z.number().min(0).max(1)),
});
export type ModerationResult = z.infer<typeof ModerationResult>;

export const ModerationResponse = z.object({
  id: z.string(),
  model: z.string(),
  results: z.array(ModerationResult),
});
export type ModerationResponse = z.infer<typeof ModerationResponse>;
