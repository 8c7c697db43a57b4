import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { type ProvenanceRecord, ProvenanceRecord as ProvenanceRecordSchema } from '@synthwell/contracts';
import type { DecodedPng } from './png.js';

/** Domain separation: a provenance signature can never be replayed as any other signature. */
const IMAGE_CONTEXT = 'synthwell-provenance/image/v1';

export type UnsignedRecord = Omit<ProvenanceRecord, 'sig' | 'kid'>;

/** JSON with keys sorted at every level: the same record always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of an image's decoded pixels, with the shape and format that give them meaning, so the same
 * bytes read as another size or colour type do not match.
 */
export function pixelsHash(image: DecodedPng): string {
  const hash = createHash('sha256');
  hash.update(`${image.width}x${image.height}:${image.bitDepth}:${image.colorType}:`);
  hash.update(image.pixels);
  return hash.digest('hex');
}

/** The bytes a record's signature covers: the pixels' hash and the canonical record without `sig`. */
function signedBytes(pixelsSha256: string, record: Omit<ProvenanceRecord, 'sig'>): Buffer {
  return Buffer.from(`${IMAGE_CONTEXT}\n${pixelsSha256}\n${canonicalJson(record)}`, 'utf8');
}

export function signRecord(record: UnsignedRecord, kid: string, key: KeyObject): ProvenanceRecord {
  const withKid = { ...record, kid };
  const sig = sign(null, signedBytes(record.pixels_sha256, withKid), key).toString('base64url');
  return { ...withKid, sig };
}

/**
 * Checks a record's signature. It covers the record's own `pixels_sha256`; whether that matches the
 * pixels in the file is a separate check, so a forged record and an altered image are told apart.
 */
export function verifyRecord(record: ProvenanceRecord, key: KeyObject): boolean {
  const { sig, ...signed } = record;
  return verifySignature(signedBytes(record.pixels_sha256, signed), key, sig);
}

/** An Ed25519 signature check that answers false, never throws, for a signature that is not even well formed. */
export function verifySignature(data: Buffer, key: KeyObject, sig: string): boolean {
  try {
    return verify(null, data, key, Buffer.from(sig, 'base64url'));
  } catch {
    return false;
  }
}

/** Parses an embedded record, or null when it is not valid JSON of the record's shape. */
export function parseRecord(text: string): ProvenanceRecord | null {
  try {
    const result = ProvenanceRecordSchema.strict().safeParse(JSON.parse(text));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}
