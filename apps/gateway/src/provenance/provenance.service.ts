import { Inject, Injectable } from '@nestjs/common';
import type { DatasetManifest, ProvenanceVerification } from '@synthwell/contracts';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';
import { embedProvenance, type ImageOrigin, verifyImage } from './image.js';
import { type KeyRing, keyRing, loadOrCreateKey, parseSigningKeys } from './keys.js';
import { type ManifestVerification, signManifest, verifyManifest } from './manifest.js';
import { sha256Hex } from './record.js';

/**
 * Signs what the gateway generates and verifies it later: PNG provenance records and dataset
 * manifests, with the deployment's Ed25519 keys (PROVENANCE_SIGNING_KEYS, else a stored default).
 */
@Injectable()
export class ProvenanceService {
  readonly keys: KeyRing;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.keys = keyRing(
      config.PROVENANCE_SIGNING_KEYS
        ? parseSigningKeys(config.PROVENANCE_SIGNING_KEYS)
        : [loadOrCreateKey(config.PROVENANCE_KEY_DIR)],
    );
  }

  /** A generated PNG with its signed provenance record embedded. */
  signImage(
    png: Uint8Array,
    origin: Omit<ImageOrigin, 'accountSha256' | 'promptSha256'> & { userId: string; prompt: string },
  ): Uint8Array {
    return embedProvenance(
      png,
      {
        generator: origin.generator,
        requestId: origin.requestId,
        created: origin.created,
        accountSha256: accountHash(origin.userId),
        promptSha256: sha256Hex(origin.prompt),
      },
      this.keys,
    );
  }

  verifyImage(png: Uint8Array): ProvenanceVerification {
    return verifyImage(png, this.keys);
  }

  /** A signed manifest for a synthetic-data export (the JSONL exactly as served). */
  signManifest(jobId: string, jsonl: string | Uint8Array): DatasetManifest {
    return signManifest({ jobId, jsonl }, this.keys);
  }

  verifyManifest(manifest: unknown, jsonl: string | Uint8Array): ManifestVerification {
    return verifyManifest(manifest, jsonl, this.keys);
  }
}

/** An account id as provenance records carry it: matchable by whoever knows the id, not readable. */
export function accountHash(userId: string): string {
  return sha256Hex(`synthwell-account:${userId}`);
}
