import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ImageGenerateParams, ImagesResponse } from '@synthwell/contracts';
import { type Db, newId } from '@synthwell/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GatewayConfig } from '../config/env.js';
import type { Caller } from '../core/caller.js';
import { clientClosed } from '../core/client-closed.js';
import { DB, GATEWAY_CONFIG } from '../core/tokens.js';
import { toGatewayError } from '../errors/openai-exception.filter.js';
import { UsageLedger } from '../metering/usage-ledger.js';
import { resolveModel } from '../policy/model-access.js';
import { PolicyService } from '../policy/policy.service.js';
import { ProvenanceService } from '../provenance/provenance.service.js';
import { RouterService } from '../router/router.service.js';
import { SafetyService } from '../safety/safety.service.js';
import { type ImageStore, LocalDiskImageStore } from './image-store.js';
import { S3ImageStore } from './s3-image-store.js';
import { signImagePath } from './signed-url.js';

/** The image model used when a request names none. */
export const DEFAULT_IMAGE_MODEL = 'sw-canvas';

@Injectable()
export class ImagesService {
  readonly store: ImageStore;

  constructor(
    private readonly catalog: CatalogService,
    private readonly router: RouterService,
    private readonly ledger: UsageLedger,
    private readonly policy: PolicyService,
    private readonly safety: SafetyService,
    private readonly provenance: ProvenanceService,
    @Inject(DB) private readonly db: Db,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.store =
      config.IMAGE_STORE === 's3'
        ? new S3ImageStore({
            endpoint: config.S3_ENDPOINT as string,
            bucket: config.S3_BUCKET as string,
            region: config.S3_REGION,
            accessKeyId: config.S3_ACCESS_KEY_ID as string,
            secretAccessKey: config.S3_SECRET_ACCESS_KEY as string,
          })
        : new LocalDiskImageStore(config.IMAGE_STORAGE_DIR);
  }

  async generate(
    caller: Caller,
    params: ImageGenerateParams,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<ImagesResponse> {
    const model = resolveModel(this.catalog, caller, params.model ?? DEFAULT_IMAGE_MODEL, 'image');
    const n = params.n ?? 1;
    const size = params.size ?? '1024x1024';
    const prompt = await this.safety.checkInput(caller, request.id, 'image_prompt', params.prompt, 'prompt');
    const admission = await this.policy.admit(caller, { feature: 'image', tokens: 0, units: n }, reply);
    const signal = clientClosed(reply.raw.socket);
    const started = performance.now();
    let provider: string | null = null;
    let status = 200;
    let images = 0;
    try {
      const routed = await this.router.run(model, signal, (adapter, route) =>
        adapter.images(
          { model: route.upstreamModel, prompt, n, size, seed: params.seed ?? null },
          {
            requestId: request.id,
            signal: signal,
            timeouts: {
              connectMs: this.config.UPSTREAM_CONNECT_TIMEOUT_MS,
              totalMs: this.config.UPSTREAM_TOTAL_TIMEOUT_MS,
            },
          },
        ),
      );
      provider = routed.route.provider;
      const promptHash = createHash('sha256').update(params.prompt).digest('hex');
      const data: ImagesResponse['data'] = [];
      const storeStarted = performance.now();
      for (const image of routed.result) {
        const id = newId('img');
        const storageKey = `${caller.userId}/${id}.png`;
        const png = this.provenance.signImage(image.png, {
          generator: model.id,
          requestId: request.id,
          userId: caller.userId,
          prompt: params.prompt,
          created: new Date(),
        });
        await this.store.put(storageKey, png);
        await this.db.image.create({
          data: {
            id,
            userId: caller.userId,
            requestId: request.id,
            model: model.id,
            promptHash,
            size,
            storageKey,
            bytes: png.byteLength,
          },
        });
        data.push(
          params.response_format === 'b64_json'
            ? { b64_json: Buffer.from(png).toString('base64'), revised_prompt: image.revisedPrompt }
            : { url: this.signedUrl(id), revised_prompt: image.revisedPrompt },
        );
      }
      images = data.length;
      request.upstreamMs = routed.upstreamMs + (performance.now() - storeStarted);
      return { created: Math.floor(Date.now() / 1000), data };
    } catch (error) {
      status = signal.aborted ? 499 : toGatewayError(error).status;
      if (images === 0) await admission.refundUnits();
      throw error;
    } finally {
      this.ledger.record({
        requestId: request.id,
        userId: caller.userId,
        apiKeyId: caller.apiKeyId,
        feature: 'image',
        model: model.id,
        provider,
        promptTokens: 0,
        completionTokens: 0,
        images,
        records: 0,
        latencyMs: Math.round(performance.now() - started),
        status,
        outcome: status === 200 ? 'ok' : status === 499 ? 'client_closed' : 'upstream_error',
        createdAt: new Date(),
      });
    }
  }

  signedUrl(imageId: string): string {
    return this.signedLink(imageId).url;
  }

  /** A link to the image that works without credentials until `expires` (Unix seconds). */
  signedLink(imageId: string): { url: string; expires: number } {
    const expires = Math.floor(Date.now() / 1000) + this.config.IMAGE_URL_TTL_SECONDS;
    const sig = signImagePath(imageId, expires, this.config.IMAGE_URL_SECRET);
    return { url: `${this.config.publicUrl}/v1/images/files/${imageId}.png?expires=${expires}&sig=${sig}`, expires };
  }
}
