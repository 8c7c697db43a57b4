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

/** Why a dataset did or did not verify against its manifest. */
export const DatasetReason = z.enum(['valid', 'malformed_manifest', 'unknown_key', 'bad_signature', 'digest_mismatch']);
export type DatasetReason = z.infer<typeof DatasetReason>;

/**
 * `POST /v1/provenance/datasets/verify`: a manifest and the export it describes, either as its text
 * or, for exports larger than a request body may be, as the SHA-256 (hex) of its bytes.
 */
export const DatasetVerifyParams = z
  .strictObject({
    /** The manifest as `GET /v1/synthetic/jobs/{id}/manifest` served it; a malformed one is a verdict, not an error. */
    manifest: z.record(z.string(), z.unknown()),
    jsonl: z.string().optional(),
    jsonl_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits')
      .optional(),
  })
  .refine((params) => (params.jsonl === undefined) !== (params.jsonl_sha256 === undefined), {
    message: 'send exactly one of jsonl and jsonl_sha256',
    path: ['jsonl'],
  });
export type DatasetVerifyParams = z.infer<typeof DatasetVerifyParams>;

export const DatasetVerification = z.object({
  valid: z.boolean(),
  reason: DatasetReason,
  /** The manifest when it could be read, whatever the verdict; null when malformed. */
  manifest: DatasetManifest.nullable(),
});
export type DatasetVerification = z.infer<typeof DatasetVerification>;

/**
 * A public verification key as a JSON Web Key (RFC 8037): `x` is the raw 32-byte Ed25519 public key,
 * base64url. `alg` and `use` are always served; a key set written by other tools may leave them out.
 */
export const ProvenancePublicKey = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  alg: z.literal('EdDSA').optional(),
  use: z.literal('sig').optional(),
  kid: z.string().min(1).max(64),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url Ed25519 public key'),
});
export type ProvenancePublicKey = z.infer<typeof ProvenancePublicKey>;

/**
 * `GET /v1/provenance/keys`: every key the deployment verifies with, as a JWK Set. The first signs
 * new images and manifests; the others are rotated-out keys that still verify older ones.
 */
export const ProvenanceKeys = z.object({ keys: z.array(ProvenancePublicKey) });
export type ProvenanceKeys = z.infer<typeof ProvenanceKeys>;
