import { sign, verify } from 'node:crypto';
import { type DatasetManifest, DatasetManifest as DatasetManifestSchema } from '@synthwell/contracts';
import type { KeyRing } from './keys.js';
import { canonicalJson, sha256Hex } from './record.js';

const MANIFEST_CONTEXT = 'synthwell-provenance/dataset/v1';

export interface ManifestVerification {
  valid: boolean;
  reason: 'valid' | 'malformed_manifest' | 'unknown_key' | 'bad_signature' | 'digest_mismatch';
}

/** Records in a JSONL export: its non-empty lines. */
export function countJsonlRecords(jsonl: string | Uint8Array): number {
  const text = typeof jsonl === 'string' ? jsonl : Buffer.from(jsonl).toString('utf8');
  let count = 0;
  for (const line of text.split('\n')) if (line.trim()) count++;
  return count;
}

function signedBytes(manifest: Omit<DatasetManifest, 'sig'>): Buffer {
  return Buffer.from(`${MANIFEST_CONTEXT}\n${canonicalJson(manifest)}`, 'utf8');
}

/** A signed manifest for a JSONL export: its digest, record count and job id, signed like image records. */
export function signManifest(
  input: { jobId: string; jsonl: string | Uint8Array; created?: Date },
  keys: KeyRing,
): DatasetManifest {
  const unsigned = {
    v: 1 as const,
    job_id: input.jobId,
    records: countJsonlRecords(input.jsonl),
    jsonl_sha256: sha256Hex(input.jsonl),
    created: (input.created ?? new Date()).toISOString(),
    kid: keys.signer.kid,
  };
  return { ...unsigned, sig: sign(null, signedBytes(unsigned), keys.signer.privateKey).toString('base64url') };
}

/** Whether `jsonl` is exactly the dataset `manifest` describes and the manifest was signed by a known key. */
export function verifyManifest(manifest: unknown, jsonl: string | Uint8Array, keys: KeyRing): ManifestVerification {
  const parsed = DatasetManifestSchema.strict().safeParse(manifest);
  if (!parsed.success) return { valid: false, reason: 'malformed_manifest' };
  const { sig, ...signed } = parsed.data;
  const key = keys.verifiers.get(signed.kid);
  if (!key) return { valid: false, reason: 'unknown_key' };
  let authentic = false;
  try {
    authentic = verify(null, signedBytes(signed), key, Buffer.from(sig, 'base64url'));
  } catch {
    authentic = false;
  }
  if (!authentic) return { valid: false, reason: 'bad_signature' };
  if (sha256Hex(jsonl) !== signed.jsonl_sha256) return { valid: false, reason: 'digest_mismatch' };
  return { valid: true, reason: 'valid' };
}
