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
