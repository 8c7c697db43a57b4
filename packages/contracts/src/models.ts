import { z } from 'zod';

export const ModelKind = z.enum(['chat', 'image']);
export type ModelKind = z.infer<typeof ModelKind>;
export const ModelTier = z.enum(['standard', 'premium']);
export type ModelTier = z.infer<typeof ModelTier>;

/** OpenAI's model object plus Synthwell's extras (kind, tier, pricing). */
export const Model = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  kind: ModelKind,
  tier: ModelTier,
  display_name: z.string(),
  description: z.string().nullable(),
  context_window: z.number().int().nullable(),
  pricing: z.object({
    input_per_million_tokens: z.number(),
    output_per_million_tokens: z.number(),
    per_image: z.number(),
    currency: z.literal('usd'),
  }),
});
export type Model = z.infer<typeof Model>;

export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) });
export type ModelList = z.infer<typeof ModelList>;

/** Query of `GET /v1/models`. Without `include` the answer is OpenAI's list of the models the plan includes. */
export const ModelListParams = z.object({
  /** `locked`: the whole catalog, each model marked available or not, with the plans that include it. */
  include: z.enum(['locked']).optional(),
});
export type ModelListParams = z.infer<typeof ModelListParams>;

/** A plan on offer, as named next to the models it includes. */
export const PlanRef = z.object({ id: z.string(), slug: z.string(), name: z.string() });
export type PlanRef = z.infer<typeof PlanRef>;

/** A model of `GET /v1/models?include=locked`: whether the caller's plan includes it, and which plans do. */
export const CatalogModel = Model.extend({
  available: z.boolean(),
  /** Plans on offer that include the model, cheapest first. */
  plans: z.array(PlanRef),
});
export type CatalogModel = z.infer<typeof CatalogModel>;

export const CatalogModelList = z.object({ object: z.literal('list'), data: z.array(CatalogModel) });
export type CatalogModelList = z.infer<typeof CatalogModelList>;
