import { z } from 'zod';
import { SafetyAction, SafetyCategory, SafetyPolicy, SafetyPolicyUpdate } from './moderation.js';

// The admin surface of the content policy (`/v1/safety/*`). Admins only: everyone else gets a 404,
// so these routes are not in the published OpenAPI document.

/** Where a text was checked on its way through the gateway. */
export const SafetySurface = z.enum(['prompt', 'output', 'image_prompt', 'seed']);
export type SafetySurface = z.infer<typeof SafetySurface>;

/** One plan's effective policy and what admins changed in it (`default` applies to plans without their own). */
export const SafetyPlanPolicy = z.object({
  plan: z.string(),
  /** The action per category after every layer: built-in, SAFETY_POLICY_FILE, `default`, the plan. */
  policy: SafetyPolicy,
  /** Only the categories admins set for this plan. */
  overrides: SafetyPolicyUpdate,
  /** Unix seconds of the last admin change; null when admins never changed this plan. */
  updated_at: z.number().int().nullable(),
  /** The user id of the admin who changed it last. */
  updated_by: z.string().nullable(),
});
export type SafetyPlanPolicy = z.infer<typeof SafetyPlanPolicy>;

/** `GET /v1/safety/policies`: `default` first, then every plan. */
export const SafetyPolicyList = z.object({
  object: z.literal('list'),
  data: z.array(SafetyPlanPolicy),
  /** Categories whose action no plan or admin can change, with that action. */
  fixed: SafetyPolicyUpdate,
});
export type SafetyPolicyList = z.infer<typeof SafetyPolicyList>;

/** A flagged, redacted or blocked decision, as admins review it: never the text. */
export const SafetyFlag = z.object({
  id: z.string(),
  object: z.literal('safety.flag'),
  /** Unix seconds. */
  created_at: z.number().int(),
  request_id: z.string(),
  user_id: z.string(),
  plan: z.string(),
  surface: SafetySurface,
  category: SafetyCategory,
  action: SafetyAction,
  /** The detector's score in [0, 1]. */
  score: z.number(),
  model: z.string().nullable(),
});
export type SafetyFlag = z.infer<typeof SafetyFlag>;

/** `GET /v1/safety/flags`, newest first. */
export const SafetyFlagList = z.object({
  object: z.literal('list'),
  data: z.array(SafetyFlag),
  has_more: z.boolean(),
  /** Pass back as `cursor` for the next page; null on the last one. */
  next_cursor: z.string().nullable(),
});
export type SafetyFlagList = z.infer<typeof SafetyFlagList>;

/** Digits in a query string, a number in code. */
const queryInt = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be a whole number')
    .transform(Number),
]);

/** Query of `GET /v1/safety/flags`. */
export const SafetyFlagListParams = z.strictObject({
  limit: queryInt.pipe(z.number().int().min(1).max(200)).optional(),
  cursor: z.string().min(1).max(256).optional(),
  category: SafetyCategory.optional(),
  action: SafetyAction.optional(),
  plan: z.string().min(1).max(64).optional(),
  /** Unix seconds: only decisions at or after this time. */
  since: queryInt.pipe(z.number().int().min(0)).optional(),
});
export type SafetyFlagListParams = z.infer<typeof SafetyFlagListParams>;
