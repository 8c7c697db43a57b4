import { z } from 'zod';

/** The PNG text chunk keyword a generated image's provenance record is stored under. */
export const PROVENANCE_CHUNK_KEYWORD = 'synthwell-provenance';

/**
 * The signed provenance record embedded in every generated PNG. `sig` is an Ed25519 signature, by
 * the key `kid`, over the SHA-256 of the decoded pixels and the canonical JSON of the other fields.
 */
export const ProvenanceRecord = z.object({
  v: z.literal(1),
  generator: z.string(),
  request_id: z.string(),
  /** SHA-256 (hex) of the account id: enough to match an account, not to name it. */
  account_sha256: z.string(),
  created: z.string(),
  prompt_sha256: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  pixels_sha256: z.string(),
  kid: z.string(),
  sig: z.string(),
});
export type ProvenanceRecord = z.infer<typeof ProvenanceRecord>;

/** `POST /v1/provenance/verify` with a JSON body; a multipart upload or a raw image/png body also works. */
export const ProvenanceVerifyParams = z.strictObject({
  b64: z.string().min(1),
});
export type ProvenanceVerifyParams = z.infer<typeof ProvenanceVerifyParams>;

/** Why an image did or did not verify. */
export const ProvenanceReason = z.enum([
  'valid',
  'not_png',
  'unsupported_png',
  'missing_record',
  'malformed_record',
  'unknown_key',
  'bad_signature',
  'pixels_modified',
]);
export type ProvenanceReason = z.infer<typeof ProvenanceReason>;

export const ProvenanceVerification = z.object({
  valid: z.boolean(),
  reason: ProvenanceReason,
  record: ProvenanceRecord.nullable(),
});
export type ProvenanceVerification = z.infer<typeof ProvenanceVerification>;

/** A signed manifest for an exported dataset (JSON Lines), verifiable as a whole. */
export const DatasetManifest = z.object({
  v: z.literal(1),
  job_id: z.string(),
  records: z.number().int().min(0),
  /** SHA-256 (hex) of the JSONL bytes exactly as exported. */
  jsonl_sha256: z.string(),
  created: z.string(),
  kid: z.string(),
  sig: z.string(),
});
export type DatasetManifest = z.infer<typeof DatasetManifest>;
