import { z } from 'zod';
import { Timestamp } from '../core/timestamp.js';

export const CreateKeyInput = z.object({
  name: z.string().trim().min(1, 'Give the key a name.').max(64, 'Key names are at most 64 characters.'),
});
export type CreateKeyInput = z.infer<typeof CreateKeyInput>;

export const KeyIdInput = z.object({ id: z.string().min(1).max(64) });

export const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, so users can tell keys apart. */
  prefix: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type ApiKeyView = z.input<typeof ApiKeyView>;

/** The only time the whole key is shown. */
export const CreatedKey = z.object({ apiKey: ApiKeyView, key: z.string() });
/** As services return it (dates as `Date`); clients receive ISO strings. */
export type CreatedKey = z.input<typeof CreatedKey>;
