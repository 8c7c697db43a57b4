import { PROVENANCE_CHUNK_KEYWORD, type ProvenanceVerification } from '@synthwell/contracts';
import type { SigningKey, Verifiers } from './keys.js';
import { decodePixels, findText, itxtChunk, PngError, readChunks, writeChunks } from './png.js';
import { canonicalJson, parseRecord, pixelsHash, signRecord, verifyRecord } from './record.js';

/** What the signer knows about a generated image when it signs it. */
export interface ImageOrigin {
  generator: string;
  requestId: string;
  accountSha256: string;
  promptSha256: string;
  created: Date;
}

/**
 * Returns the PNG with a signed provenance record in an iTXt chunk right after IHDR (replacing any
 * earlier one). Pixels and every other chunk are kept byte for byte.
 */
export function embedProvenance(png: Uint8Array, origin: ImageOrigin, signer: SigningKey): Uint8Array {
  const chunks = readChunks(png);
  const image = decodePixels(chunks);
  const record = signRecord(
    {
      v: 1,
      generator: origin.generator,
      request_id: origin.requestId,
      account_sha256: origin.accountSha256,
      created: origin.created.toISOString(),
      prompt_sha256: origin.promptSha256,
      width: image.width,
      height: image.height,
      pixels_sha256: pixelsHash(image),
    },
    signer.kid,
    signer.privateKey,
  );
  const kept = chunks.filter((chunk) => findText([chunk], PROVENANCE_CHUNK_KEYWORD) === null);
  const [header, ...rest] = kept;
  return writeChunks([header!, itxtChunk(PROVENANCE_CHUNK_KEYWORD, canonicalJson(record)), ...rest]);
}

/**
 * Whether a PNG was signed by one of `verifiers` and not altered since: its record must parse, be
 * signed by a known key, and describe exactly the pixels in the file. Never throws.
 */
export function verifyImage(png: Uint8Array, verifiers: Verifiers): ProvenanceVerification {
  let chunks: ReturnType<typeof readChunks>;
  try {
    chunks = readChunks(png);
  } catch (error) {
    return { valid: false, reason: error instanceof PngError ? error.reason : 'not_png', record: null };
  }
  const text = findText(chunks, PROVENANCE_CHUNK_KEYWORD);
  if (text === null) return { valid: false, reason: 'missing_record', record: null };
  const record = parseRecord(text);
  if (!record) return { valid: false, reason: 'malformed_record', record: null };
  const key = verifiers.get(record.kid);
  if (!key) return { valid: false, reason: 'unknown_key', record };
  if (!verifyRecord(record, key)) return { valid: false, reason: 'bad_signature', record };
  try {
    if (pixelsHash(decodePixels(chunks)) !== record.pixels_sha256) {
      return { valid: false, reason: 'pixels_modified', record };
    }
  } catch (error) {
    return { valid: false, reason: error instanceof PngError ? error.reason : 'not_png', record };
  }
  return { valid: true, reason: 'valid', record };
}
