import { z } from 'zod';

export const ImageSize = z.enum(['256x256', '512x512', '1024x1024']);
export type ImageSize = z.infer<typeof ImageSize>;

export const ImageGenerateParams = z.strictObject({
  prompt: z.string().min(1, 'prompt must not be empty').max(32_000),
  model: z.string().min(1).max(256).optional(),
  n: z.number().int().min(1).max(10).nullable().optional(),
  size: ImageSize.nullable().optional(),
  response_format: z.enum(['url', 'b64_json']).nullable().optional(),
  quality: z.enum(['standard', 'hd', 'auto', 'low', 'medium', 'high']).nullable().optional(),
  style: z.enum(['vivid', 'natural']).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().max(256).optional(),
});
export type ImageGenerateParams = z.infer<typeof ImageGenerateParams>;

export const ImagesResponse = z.object({
  created: z.number().int(),
  data: z.array(
    z.object({
      url: z.string().optional(),
      b64_json: z.string().optional(),
      revised_prompt: z.string().optional(),
    }),
  ),
});
export type ImagesResponse = z.infer<typeof ImagesResponse>;

/** One of the caller's stored images, as `GET /v1/images` lists it. The prompt is not stored, only its hash. */
export const StoredImage = z.object({
  id: z.string(),
  object: z.literal('image'),
  /** Unix seconds. */
  created: z.number().int(),
  model: z.string(),
  size: z.string(),
  bytes: z.number().int(),
  /** A signed link to the PNG; it expires at `url_expires_at`, so list again for a fresh one. */
  url: z.string(),
  url_expires_at: z.number().int(),
});
export type StoredImage = z.infer<typeof StoredImage>;

export const ImageList = z.object({
  object: z.literal('list'),
  data: z.array(StoredImage),
  has_more: z.boolean(),
  /** Pass back as `cursor` for the next page; null on the last one. */
  next_cursor: z.string().nullable(),
});
export type ImageList = z.infer<typeof ImageList>;

/** Query of `GET /v1/images`, newest first. `limit` arrives as digits in a query string. */
export const ImageListParams = z.strictObject({
  limit: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,9}$/, 'must be a whole number')
        .transform(Number),
    ])
    .pipe(z.number().int().min(1).max(100))
    .optional(),
  cursor: z.string().min(1).max(256).optional(),
});
export type ImageListParams = z.infer<typeof ImageListParams>;

/** The answer to `DELETE /v1/images/{id}`, in the shape OpenAI uses for deleted objects. */
export const ImageDeleted = z.object({ id: z.string(), object: z.literal('image'), deleted: z.literal(true) });
export type ImageDeleted = z.infer<typeof ImageDeleted>;
