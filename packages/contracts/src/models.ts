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
