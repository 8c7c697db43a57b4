import { createHash, sign } from 'node:crypto';
import {
  type DatasetManifest,
  DatasetManifest as DatasetManifestSchema,
  type DatasetVerification,
} from '@synthwell/contracts';
import { sha256Hex } from '../hash.js';
import type { SigningKey, Verifiers } from './keys.js';
import { canonicalJson, verifySignature } from './record.js';

const MANIFEST_CONTEXT = 'synthwell-provenance/dataset/v1';
const NEWLINE = 0x0a;
/** Bytes a line may hold and still count as empty: space, tab, carriage return. */
const BLANK = new Set([0x20, 0x09, 0x0d]);

/** What a manifest says about the bytes of an export. */
export interface DatasetDigest {
  /** Non-blank lines. */
  records: number;
  /** SHA-256 (hex) of the bytes exactly as exported. */
  jsonl_sha256: string;
}

/**
 * The digest of a JSONL export fed in pieces (a page of records at a time), so an export of any size
 * is hashed without holding it whole. Pieces may split lines anywhere, even inside a character.
 */
export class JsonlDigest {
  private readonly hash = createHash('sha256');
  private records = 0;
  private lineHasContent = false;

  update(piece: string | Uint8Array): this {
    const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    this.hash.update(bytes);
    for (const byte of bytes) {
      if (byte === NEWLINE) {
        if (this.lineHasContent) this.records++;
        this.lineHasContent = false;
      } else if (!BLANK.has(byte)) {
        this.lineHasContent = true;
      }
    }
    return this;
  }

  /** The digest of everything fed so far; a last line without a newline counts too. Call once. */
  digest(): DatasetDigest {
    return { records: this.records + (this.lineHasContent ? 1 : 0), jsonl_sha256: this.hash.digest('hex') };
  }
}

export function digestJsonl(jsonl: string | Uint8Array): DatasetDigest {
  return new JsonlDigest().update(jsonl).digest();
}

function signedBytes(manifest: Omit<DatasetManifest, 'sig'>): Buffer {
  return Buffer.from(`${MANIFEST_CONTEXT}\n${canonicalJson(manifest)}`, 'utf8');
}

/** A signed manifest for a JSONL export: its digest, record count and job id, signed like image records. */
export function signManifest(
  input: { jobId: string; digest: DatasetDigest; created: Date },
  signer: SigningKey,
): DatasetManifest {
  const unsigned = {
    v: 1 as const,
    job_id: input.jobId,
    records: input.digest.records,
    jsonl_sha256: input.digest.jsonl_sha256,
    created: input.created.toISOString(),
    kid: signer.kid,
  };
  return { ...unsigned, sig: sign(null, signedBytes(unsigned), signer.privateKey).toString('base64url') };
}

/**
 * Whether the export whose SHA-256 is `jsonlSha256` is exactly the dataset `manifest` describes, and the
 * manifest was signed by one of `verifiers`. Never throws.
 */
export function verifyManifest(manifest: unknown, jsonlSha256: string, verifiers: Verifiers): DatasetVerification {
  const parsed = DatasetManifestSchema.strict().safeParse(manifest);
  if (!parsed.success) return { valid: false, reason: 'malformed_manifest', manifest: null };
  const { sig, ...signed } = parsed.data;
  const key = verifiers.get(signed.kid);
  if (!key) return { valid: false, reason: 'unknown_key', manifest: parsed.data };
  if (!verifySignature(signedBytes(signed), key, sig)) {
    return { valid: false, reason: 'bad_signature', manifest: parsed.data };
  }
  if (jsonlSha256 !== signed.jsonl_sha256) return { valid: false, reason: 'digest_mismatch', manifest: parsed.data };
  return { valid: true, reason: 'valid', manifest: parsed.data };
}

/** `verifyManifest` for the export's bytes themselves. */
export function verifyDataset(
  manifest: unknown,
  jsonl: string | Uint8Array,
  verifiers: Verifiers,
): DatasetVerification {
  return verifyManifest(manifest, sha256Hex(jsonl), verifiers);
}
