import { Inject, Injectable } from '@nestjs/common';
import type {
  DatasetManifest,
  DatasetVerification,
  DatasetVerifyParams,
  ProvenanceKeys,
  ProvenanceVerification,
} from '@synthwell/contracts';
import {
  type DatasetDigest,
  embedProvenance,
  type ImageOrigin,
  type KeyRing,
  keyRing,
  publicKeySet,
  sha256Hex,
  signManifest,
  verifyImage,
  verifyManifest,
} from '@synthwell/synthetic/signing';
import type { GatewayConfig } from '../config/env.js';
import { GATEWAY_CONFIG } from '../core/tokens.js';
import { loadOrCreateKey, parseSigningKeys } from './keys.js';

/**
 * Signs what the gateway generates and verifies it later: PNG provenance records and dataset
 * manifests, with the deployment's Ed25519 keys (PROVENANCE_SIGNING_KEYS, else a stored default).
 * The signing and verification themselves live in @synthwell/synthetic/signing, shared with the CLI.
 */
@Injectable()
export class ProvenanceService {
  readonly keys: KeyRing;
  /** The public key set never changes while the process runs: computed once. */
  private readonly keySet: ProvenanceKeys;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.keys = keyRing(
      config.PROVENANCE_SIGNING_KEYS
        ? parseSigningKeys(config.PROVENANCE_SIGNING_KEYS)
        : [loadOrCreateKey(config.PROVENANCE_KEY_DIR)],
    );
    this.keySet = publicKeySet(this.keys.verifiers);
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
      this.keys.signer,
    );
  }

  verifyImage(png: Uint8Array): ProvenanceVerification {
    return verifyImage(png, this.keys.verifiers);
  }

  /** A signed manifest for a synthetic-data export, from the digest of its bytes exactly as served. */
  signManifest(jobId: string, digest: DatasetDigest, created: Date): DatasetManifest {
    return signManifest({ jobId, digest, created }, this.keys.signer);
  }

  verifyDataset(params: DatasetVerifyParams): DatasetVerification {
    return verifyManifest(params.manifest, params.jsonl_sha256 ?? sha256Hex(params.jsonl ?? ''), this.keys.verifiers);
  }

  /** The public half of every key, as a JWK Set; the first signs. */
  publicKeys(): ProvenanceKeys {
    return this.keySet;
  }
}

/** An account id as provenance records carry it: matchable by whoever knows the id, not readable. */
export function accountHash(userId: string): string {
  return sha256Hex(`synthwell-account:${userId}`);
}
